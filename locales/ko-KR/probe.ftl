# `vm-doctor probe` with several targets (fleet check) and host names.
# Arguments: $state (reply, no_reply, unavailable / open, closed, filtered,
# inconclusive), $code (a stable reason code), $name (a host name), $ip.

probe-name-address = { $name } → { $ip }

fleet-col-host = 호스트
fleet-col-icmp = 핑
fleet-col-handshake = 핸드셰이크
fleet-col-finding = 주요 진단

fleet-icmp = { $state ->
    [reply] 응답함
    [no_reply] 응답 없음
   *[unavailable] 확인 안 함
}
fleet-port = { $state ->
    [open] 열림
    [closed] 닫힘
    [filtered] 차단됨
   *[inconclusive] 판단 불가
}
fleet-refused = 점검 거부: { $code }

fleet-summary = 대상 { $targets }개 중 { $probed }개를 점검했고 { $refused }개는 점검하지 않았어요. 로그인 포트가 열린 서버는 { $open }개예요. (소요 시간 { $seconds }초)
