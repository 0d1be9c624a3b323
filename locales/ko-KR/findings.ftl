# 점검 결과(finding-<code>)와 점검 대상 거부 사유(refusal-<code>)
# 인자: $port (로그인 포트), $ip (서버 주소)

## 점검 결과

finding-icmp-reply = { $ip } 서버가 ping에 응답합니다. 서버가 켜져 있고 네트워크로 연결되어 있습니다.
finding-icmp-no-reply = { $ip } 서버가 ping에 응답하지 않습니다. 클라우드 서버나 방화벽은 기본적으로 ping을 차단하는 경우가 많으므로, 이것만으로 서버가 꺼져 있다고 판단할 수는 없습니다. 아래 포트 점검 결과를 함께 확인하십시오.
finding-icmp-unavailable = 봇이 실행 중인 환경에서 ping을 보낼 수 없어 ping 결과는 확인하지 못했습니다. 고객님 서버의 문제가 아닙니다.
finding-icmp-blocked-port-open = ping은 차단되어 있지만 { $port }번 포트가 응답하므로 서버는 정상적으로 켜져 있습니다. ping 차단은 흔한 설정이며 따로 조치하실 필요는 없습니다.
finding-port-open = { $port }번 포트가 열려 있습니다. 서버가 이 포트로 들어온 연결을 정상적으로 수락했습니다.
finding-port-closed = { $port }번 포트가 닫혀 있습니다. 서버까지는 연결되지만 이 포트에서 대기 중인 서비스가 없거나 방화벽이 연결을 거부하고 있습니다. sshd 또는 원격 데스크톱 서비스가 실행 중이고 { $port }번 포트에서 대기하고 있는지, 운영 체제 방화벽에서 해당 포트가 허용되어 있는지 확인하십시오.
finding-port-filtered = { $port }번 포트에서 아무 응답이 없습니다. 보안 그룹, 네트워크 ACL 또는 방화벽에서 연결을 차단하고 있을 가능성이 높습니다. 보안 그룹에 고객님 IP 주소에서 TCP { $port }번 포트로 들어오는 인바운드 규칙을 추가하시고, 서버 내부 방화벽 설정도 함께 확인하십시오.
finding-host-unreachable = 라우터 또는 서버가 { $ip }의 { $port }번 포트에 연결할 수 없다고(또는 관리상 금지되었다고) 응답했습니다. 방화벽 규칙이 연결을 거부하고 있거나 서버 네트워크의 라우팅이 올바르지 않습니다. 인바운드 규칙과 서버가 속한 서브넷의 라우팅 테이블을 확인하십시오.
finding-probe-inconclusive = 봇 쪽 네트워크 문제로 점검을 진행하지 못했습니다(예: 봇에 IPv6 경로가 없는 경우). 고객님 서버의 상태와는 관계가 없으며, 다른 네트워크에서 다시 점검해 보시기 바랍니다.
finding-no-answer-at-all = { $ip } 주소에서 ping과 모든 포트가 응답하지 않습니다. 서버가 중지되었거나, 주소가 잘못되었거나 더 이상 서버에 연결되어 있지 않거나, 방화벽이 모든 트래픽을 차단하고 있을 수 있습니다. 클라우드 콘솔에서 서버가 실행 중인지, { $ip }가 여전히 서버의 공인 IP 주소인지 확인하십시오.
finding-ssh-ok = { $port }번 포트의 SSH 서비스가 정상적으로 응답하며, 최신 SSH 클라이언트가 지원하는 알고리즘을 제공합니다. 그래도 로그인되지 않는다면 사용자 이름, 키 또는 비밀번호 문제일 가능성이 높습니다.
finding-ssh-no-banner = { $port }번 포트에 연결은 되지만 SSH 서비스가 응답하지 않습니다. 서버 부하가 높거나 sshd가 멈춰 있거나, 다른 프로그램이 이 포트를 사용하고 있을 수 있습니다. 클라우드 콘솔(시리얼 콘솔 또는 웹 콘솔)에서 sshd를 재시작하고 로그를 확인하십시오.
finding-ssh-closed-before-banner = SSH가 응답하기 전에 서버가 { $port }번 포트의 연결을 끊었습니다. TCP Wrapper(hosts.deny) 설정, fail2ban 등의 차단 목록, 또는 sshd의 세션 시작 오류에서 흔히 나타나는 현상입니다. 클라우드 콘솔에서 /etc/hosts.deny, 차단 목록, sshd 로그를 확인하십시오.
finding-ssh-server-refused = { $port }번 포트의 SSH 서비스가 "Exceeded MaxStartups"와 같은 메시지를 보내며 연결을 거부했습니다. 인증 전 연결이 한꺼번에 너무 많이 들어온 상태로, 대부분 무차별 대입 공격 봇 때문입니다. 잠시 후 다시 접속해 보시고, MaxStartups 값을 늘리거나 { $port }번 포트에 접근할 수 있는 IP를 제한하는 것을 권장합니다.
finding-ssh-not-ssh = { $port }번 포트에서 SSH가 아닌 다른 서비스가 응답합니다. 다른 프로그램이 이 포트를 사용하고 있거나 포트 포워딩이 잘못된 서비스로 연결되어 있습니다. 서버에서 { $port }번 포트를 사용 중인 프로그램을 확인하십시오.
finding-ssh-legacy-only = { $port }번 포트의 SSH 서비스가 diffie-hellman-group14-sha1, ssh-rsa 같은 오래된 알고리즘만 제공합니다. 최신 OpenSSH 클라이언트는 이를 거부하므로 "no matching key exchange method" 또는 "no matching host key type" 오류가 발생합니다. 서버의 SSH를 업데이트하시고, 당장 접속하셔야 한다면 안내된 클라이언트 옵션(예: -oKexAlgorithms=+diffie-hellman-group14-sha1 -oHostKeyAlgorithms=+ssh-rsa)을 붙여 접속하십시오.
finding-rdp-ok = { $port }번 포트의 원격 데스크톱이 연결 협상에 정상적으로 응답합니다.
finding-rdp-nla-required = { $port }번 포트의 원격 데스크톱은 네트워크 수준 인증(NLA)을 요구합니다. CredSSP를 지원하지 않는 클라이언트는 접속할 수 없으며, 화면이 표시되기 전에 원격 로그인이 허용된 계정과 올바른 비밀번호로 먼저 인증해야 합니다. 최신 원격 데스크톱 클라이언트를 사용하십시오.
finding-rdp-tls-only = { $port }번 포트의 원격 데스크톱은 TLS를 요구하며 기존 RDP 보안 방식은 허용하지 않습니다. 최신 클라이언트는 문제가 없지만, 아주 오래된 클라이언트나 RDP 보안 방식으로 고정된 클라이언트는 접속에 실패합니다.
finding-rdp-classic-only = { $port }번 포트의 원격 데스크톱은 TLS나 NLA 없이 기존 RDP 보안 방식만 제공합니다. NLA나 서버 인증서를 요구하도록 설정된 클라이언트는 접속을 거부하므로, 서버에서 TLS를 허용하시거나 클라이언트의 보안 설정을 조정하십시오.
finding-rdp-legacy = { $port }번 포트의 원격 데스크톱이 보안 협상 없이 응답했습니다. 매우 오래된 RDP 서버에서 나타나는 응답 방식으로, 최신 클라이언트가 접속을 거부할 수 있습니다. 서버의 원격 데스크톱 서비스를 업데이트하십시오.
finding-rdp-no-answer = { $port }번 포트에 연결은 되지만 원격 데스크톱이 연결 협상에 응답하지 않습니다. 원격 데스크톱 서비스가 멈춰 있거나 다른 프로그램이 이 포트를 사용하고 있을 수 있습니다. 클라우드 콘솔에서 원격 데스크톱 서비스(Remote Desktop Services)를 재시작하십시오.
finding-rdp-not-rdp = { $port }번 포트에서 원격 데스크톱이 아닌 다른 서비스가 응답합니다. 다른 프로그램이 이 포트를 사용하고 있거나, 레지스트리에서 RDP 포트를 변경한 뒤 다른 서비스가 3389번 포트를 사용하고 있을 수 있습니다. { $port }번 포트를 사용 중인 프로그램을 확인하십시오.

## 점검 대상 거부 사유

refusal-unspecified = { $ip }는 특정 서버를 가리키는 주소가 아니므로("모든 주소"를 뜻합니다) 점검할 수 없습니다. 서버의 공인 IP 주소를 알려 주십시오.
refusal-loopback = { $ip }는 루프백 주소로, 항상 자기 자신(여기서는 봇)을 가리킵니다. 서버의 공인 IP 주소를 알려 주십시오.
refusal-private = { $ip }는 사설 IP 주소로, 해당 내부 네트워크 안에서만 접근할 수 있어 인터넷에서는 점검할 수 없습니다. 서버의 공인 IP 주소(탄력적 IP 또는 유동 IP)를 알려 주십시오.
refusal-cgnat = { $ip }는 통신사·클라우드 내부망에서 쓰는 CGNAT 주소로, 인터넷에서 접근할 수 없습니다. 서버의 공인 IP 주소를 알려 주십시오.
refusal-link-local = { $ip }는 같은 네트워크 구간 안에서만 쓰이는 링크 로컬 주소입니다. 서버의 공인 IP 주소를 알려 주십시오.
refusal-metadata = { $ip }는 클라우드 메타데이터 서비스 주소이므로 점검하지 않습니다. 서버의 공인 IP 주소를 알려 주십시오.
refusal-multicast = { $ip }는 멀티캐스트 주소로, 특정 서버를 가리키지 않습니다. 서버의 공인 IP 주소를 알려 주십시오.
refusal-broadcast = { $ip }는 브로드캐스트 주소로, 특정 서버를 가리키지 않습니다. 서버의 공인 IP 주소를 알려 주십시오.
refusal-documentation = { $ip }는 문서와 예시용으로 예약된 주소로, 실제 서버에는 쓰이지 않습니다. 서버의 실제 공인 IP 주소를 알려 주십시오.
refusal-reserved = { $ip }는 예약되었거나 특수 용도로 지정된 주소로, 공인 서버 주소가 아닙니다. 서버의 공인 IP 주소를 알려 주십시오.
refusal-benchmarking = { $ip }는 네트워크 성능 시험용으로 예약된 주소로, 공인 서버 주소가 아닙니다. 서버의 공인 IP 주소를 알려 주십시오.
refusal-nat64 = { $ip }는 사업자 네트워크 안에서 IPv4로 변환되는 NAT64 주소입니다. 서버의 IPv4 공인 주소나 실제 IPv6 주소를 알려 주십시오.
refusal-6to4 = { $ip }는 6to4 전환용 주소입니다. 서버의 IPv4 공인 주소나 실제 IPv6 주소를 알려 주십시오.
refusal-teredo = { $ip }는 Teredo 터널 주소입니다. 서버의 IPv4 공인 주소나 실제 IPv6 주소를 알려 주십시오.
refusal-unique-local = { $ip }는 IPv6 고유 로컬(사설) 주소로, 인터넷에서 접근할 수 없습니다. 서버의 공인 IP 주소를 알려 주십시오.
refusal-own-address = { $ip }는 봇 자신의 주소입니다. 서버의 공인 IP 주소를 알려 주십시오.
