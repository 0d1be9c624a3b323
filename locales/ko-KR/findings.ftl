# 점검 결과(finding-<code>)와 점검 대상 거부 사유(refusal-<code>)
# 인자: $port (로그인 포트), $ip (서버 주소)

## 점검 결과

finding-icmp-reply = { $ip } 서버가 Ping에 응답해요. 서버가 켜져 있고 네트워크로 연결되어 있어요.
finding-icmp-no-reply = { $ip } 서버가 Ping에 응답하지 않아요. 클라우드 서버나 방화벽은 기본적으로 Ping을 막아 두는 경우가 많아서, 이것만으로 서버가 꺼져 있다고 볼 수는 없어요. 아래 포트 점검 결과를 함께 봐 주세요.
finding-icmp-unavailable = 봇이 실행되는 환경에서 Ping을 보낼 수 없어서 Ping으로는 알 수 있는 게 없어요. 고객님 서버의 문제는 아니에요.
finding-icmp-blocked-port-open = Ping은 막혀 있지만 { $port }번 포트가 응답하니 서버는 켜져 있어요. Ping 차단은 흔한 설정이라 따로 조치하실 필요는 없어요. 모니터링 등으로 Ping 응답이 필요하시면 보안 그룹 인바운드 규칙에서 ICMP를 허용해 주세요.{ $os ->
        [windows] {" "}서버에서는 방화벽 규칙도 추가해 주세요: `New-NetFirewallRule -DisplayName "Allow ping" -Direction Inbound -Protocol ICMPv4 -IcmpType 8 -Action Allow`. (기본 제공 에코 요청 규칙은 Windows 표시 언어마다 이름이 달라요.)
       *[other] {""}
    }
finding-port-open = { $port }번 포트가 열려 있어요. 서버가 이 포트로 들어온 연결을 받아들였어요.
finding-port-closed = { $port }번 포트가 닫혀 있어요. 서버까지는 닿지만 이 포트에서 대기 중인 서비스가 없거나, 방화벽이 연결을 거부하고 있어요. { $os ->
        [windows] 원격 데스크톱 서비스가
        [linux] sshd가
       *[other] 로그인 서비스(sshd 또는 원격 데스크톱 서비스)가
    } 실행 중이고 { $port }번 포트에서 대기하고 있는지, 서버 내부 방화벽이 이 포트를 허용하는지 확인해 주세요.
finding-port-filtered = { $port }번 포트 연결이 중간에서 버려지고 있어요. 보안 그룹, 네트워크 ACL 또는 방화벽이 버리고 있을 가능성이 높아요.
finding-host-unreachable = { $icmp_by ->
        [server] { $port }번 포트 연결을 서버가 직접 거부했어요 (ICMP "{ $icmp_kind ->
            [prohibited] 관리상 금지
           *[unreachable] 도달 불가
        }" 응답, 보낸 곳 { $icmp_from }, 서버 자신의 주소예요). 응답이 없는 게 아니라 거부된 거예요. 서버 안의 방화벽이 연결을 거부하고 있어요. (예: CentOS 7 기본 규칙 `REJECT --reject-with icmp-host-prohibited`)
        [router] { $port }번 포트 연결을 경로 중간의 라우터가 거부했어요 (ICMP "{ $icmp_kind ->
            [prohibited] 관리상 금지
           *[unreachable] 도달 불가
        }" 응답, 보낸 곳 { $icmp_from }, 서버 주소가 아니에요). 응답이 없는 게 아니라 거부된 거예요. 막힌 곳은 서버 안이 아니라 네트워크 경로예요. 클라우드나 호스팅 업체의 네트워크 ACL이나 방화벽, 또는 접속하는 쪽 네트워크의 방화벽을 확인해 보세요.
       *[unknown] { $port }번 포트 연결이 ICMP "도달 불가" 또는 "관리상 금지(administratively prohibited)" 응답으로 거부됐어요. 응답이 없는 게 아니라 거부된 거예요. 보안 그룹은 응답 없이 버리기 때문에, 대개는 서버 안의 방화벽이 연결을 거부하는 거예요. (CentOS 7 기본 규칙 `REJECT --reject-with icmp-host-prohibited`) 드물게 경로 중간의 라우터가 보내기도 해요.
    }
finding-probe-inconclusive = 봇 쪽 네트워크 문제로 점검하지 못했어요(예: 봇에 IPv6 경로가 없는 경우). 고객님 서버 상태와는 관계가 없으니 다른 네트워크에서 다시 점검해 주세요.
finding-no-answer-at-all = { $ip } 주소에서 Ping도, 어떤 포트도 응답하지 않아요. 서버가 중지되었거나, 주소가 잘못되었거나 더 이상 서버에 연결되어 있지 않거나, 방화벽이 모든 트래픽을 막고 있을 수 있어요. 클라우드 콘솔에서 서버가 실행 중인지, { $ip } 주소가 지금도 서버의 공인 IP인지 확인해 주세요.
finding-ssh-ok = { $port }번 포트의 SSH 서비스가 정상적으로 응답하고, 최신 SSH 클라이언트가 받아들이는 알고리즘을 제공해요. 그래도 로그인이 안 된다면 사용자 이름, 키 또는 비밀번호 문제예요.
finding-ssh-kex-incomplete = { $port }번 포트의 SSH 서비스가 배너는 보냈지만, 키 교환 제안(KEXINIT)을 끝까지 보내지 않았어요. sshd에 부하가 많이 걸렸거나 멈춰 있을 수 있고, 중간의 무언가가 연결을 끊고 있을 수도 있어요. VNC 콘솔로 접속해 서버 부하와 sshd 로그를 확인해 주세요.
finding-ssh-no-banner = { $port }번 포트에 연결은 되지만 SSH 서비스가 배너(첫 인사 메시지)를 보내지 않았어요. 서버 부하가 높거나 sshd가 멈춰 있거나, 다른 프로그램이 이 포트에서 대기하고 있을 수 있어요. VNC 콘솔로 로그인해 sshd를 재시작하고 로그를 확인해 주세요({ $distro ->
        [debian] `sudo systemctl restart ssh`, `sudo journalctl -u ssh -n 50`
        [redhat] `sudo systemctl restart sshd`, `sudo journalctl -u sshd -n 50`
       *[other] `sudo systemctl restart ssh`, `sudo journalctl -u ssh -n 50`. CentOS, Rocky, RHEL에서는 서비스 이름이 `sshd`예요
    }).
finding-ssh-closed-before-banner = SSH가 아무 응답도 하기 전에 서버가 { $port }번 포트의 연결을 끊었어요. TCP Wrapper(hosts.deny), fail2ban 같은 차단 목록, 또는 sshd가 세션을 시작하지 못할 때 흔히 나타나는 현상이에요. VNC 콘솔로 접속해 /etc/hosts.deny, 차단 목록(fail2ban), sshd 로그를 확인해 주세요.
finding-ssh-server-refused = { $port }번 포트의 SSH 서비스가 "Exceeded MaxStartups" 같은 메시지를 보내며 연결을 거절했어요. 인증 전 연결이 한꺼번에 너무 많이 들어온 상태로, 대개 무차별 대입 공격 봇 때문이에요. 1분쯤 뒤에 다시 접속해 보시고, MaxStartups 값을 늘리거나 { $port }번 포트에 접근할 수 있는 주소를 제한하는 것을 검토해 주세요.
finding-ssh-not-ssh = { $port }번 포트에서 SSH가 아닌 다른 서비스가 응답해요. 다른 프로그램이 이 포트를 쓰고 있거나, 포트 포워딩이 엉뚱한 서비스를 가리키고 있어요. 서버에서 { $port }번 포트를 쓰는 프로그램을 확인해 주세요.
finding-ssh-legacy-only = { $port }번 포트의 SSH 서비스가 최신 OpenSSH 클라이언트가 거부하는 오래된 알고리즘만 제공해서, 클라이언트가 "no matching key exchange method" 또는 "no matching host key type" 오류를 내며 멈춰요.
finding-rdp-ok = { $port }번 포트의 원격 데스크톱이 연결 협상에 정상적으로 응답해요.
finding-rdp-nla-required = { $port }번 포트의 원격 데스크톱은 네트워크 수준 인증(NLA)을 요구해요. CredSSP를 지원하지 않는 클라이언트는 접속할 수 없고, 화면이 나오기 전에 원격 로그온이 허용된 계정과 올바른 비밀번호로 먼저 인증해야 해요. 최신 원격 데스크톱 클라이언트를 사용해 주세요.
finding-rdp-tls-only = { $port }번 포트의 원격 데스크톱은 TLS를 요구하고 기존 RDP 보안 방식은 받아들이지 않아요. 최신 클라이언트는 문제없지만, 아주 오래된 클라이언트나 RDP 보안 방식으로 고정된 클라이언트는 접속에 실패해요.
finding-rdp-classic-only = { $port }번 포트의 원격 데스크톱은 TLS나 NLA 없이 기존 RDP 보안 방식만 제공해요. NLA나 서버 인증서를 요구하는 클라이언트는 접속을 거부하니, 서버에서 TLS를 허용하시거나 클라이언트의 보안 설정을 낮춰 주세요.
finding-rdp-legacy = { $port }번 포트의 원격 데스크톱이 보안 협상 없이 응답했어요. 아주 오래된 RDP 서버에서 보이는 응답이라 최신 클라이언트가 접속을 거부할 수 있어요. 서버의 원격 데스크톱 서비스를 업데이트해 주세요.
finding-rdp-no-answer = { $port }번 포트에 연결은 되지만 원격 데스크톱이 연결 협상에 응답하지 않아요. 원격 데스크톱 서비스가 멈춰 있거나 다른 프로그램이 이 포트에서 대기하고 있을 수 있어요. VNC 콘솔로 로그인해 Windows 안에서 **원격 데스크톱 서비스**(Remote Desktop Services)를 다시 시작해 주세요(`Restart-Service TermService -Force`).
finding-rdp-not-rdp = { $port }번 포트에서 원격 데스크톱이 아닌 다른 서비스가 응답해요. 다른 프로그램이 이 포트를 쓰고 있거나, 레지스트리에서 RDP 포트를 바꾼 뒤 다른 서비스가 3389번 포트를 차지했을 수 있어요. { $port }번 포트를 쓰는 프로그램을 확인해 주세요.

## 점검 대상 거부 사유

refusal-unspecified = { $ip } 주소는 특정 서버를 가리키지 않아서("모든 주소"라는 뜻이에요) 점검할 대상이 없어요. 서버의 공인 IP 주소를 알려 주세요.
refusal-loopback = { $ip } 주소는 루프백 주소예요. 언제나 그 주소를 쓰는 기기 자신, 여기서는 봇을 가리켜요. 서버의 공인 IP 주소를 알려 주세요.
refusal-private = { $ip } 주소는 사설 IP 주소라 해당 내부 네트워크 안에서만 접근할 수 있고, 봇이 인터넷에서 점검할 수 없어요. 서버의 공인 IP 주소를 알려 주세요. EIP(탄력적 공인 IP)를 연결해 두셨다면 그 주소를 알려 주셔도 돼요.
refusal-cgnat = { $ip } 주소는 통신사·클라우드 내부망에서 쓰는 CGNAT 주소라 인터넷에서 접근할 수 없어요. 서버의 공인 IP 주소를 알려 주세요.
refusal-link-local = { $ip } 주소는 한 네트워크 구간 안에서만 쓰이는 링크 로컬 주소예요. 서버의 공인 IP 주소를 알려 주세요.
refusal-metadata = { $ip } 주소는 클라우드 메타데이터 서비스 주소라 봇이 점검하지 않아요. 서버의 공인 IP 주소를 알려 주세요.
refusal-multicast = { $ip } 주소는 멀티캐스트 주소라 특정 서버 하나를 가리키지 않아요. 서버의 공인 IP 주소를 알려 주세요.
refusal-broadcast = { $ip } 주소는 브로드캐스트 주소라 특정 서버 하나를 가리키지 않아요. 서버의 공인 IP 주소를 알려 주세요.
refusal-documentation = { $ip } 주소는 문서와 예시용으로 예약된 주소라 실제 서버에는 쓰이지 않아요. 서버의 실제 공인 IP 주소를 알려 주세요.
refusal-reserved = { $ip } 주소는 예약되었거나 특수 용도로 지정된 대역이라 공인 서버 주소가 아니에요. 서버의 공인 IP 주소를 알려 주세요.
refusal-benchmarking = { $ip } 주소는 네트워크 성능 시험용으로 예약된 대역이라 공인 서버 주소가 아니에요. 서버의 공인 IP 주소를 알려 주세요.
refusal-nat64 = { $ip } 주소는 사업자 네트워크 안에서 IPv4로 변환되는 NAT64 주소예요. 서버의 IPv4 공인 주소나 실제 IPv6 주소를 알려 주세요.
refusal-6to4 = { $ip } 주소는 6to4 전환용 주소예요. 서버의 IPv4 공인 주소나 실제 IPv6 주소를 알려 주세요.
refusal-teredo = { $ip } 주소는 Teredo 터널 주소예요. 서버의 IPv4 공인 주소나 실제 IPv6 주소를 알려 주세요.
refusal-unique-local = { $ip } 주소는 IPv6 고유 로컬(사설) 주소라 인터넷에서 접근할 수 없어요. 서버의 공인 IP 주소를 알려 주세요.
refusal-own-address = { $ip } 주소는 봇 자신의 주소예요. 서버의 공인 IP 주소를 알려 주세요.
