## Runbook content. Arguments available to every step: $ip, $port (the login
## port), $os (windows | linux | auto), $client (windows | mac | linux | unknown),
## $port_state (open | closed | filtered | inconclusive | unknown), $icmp
## (reply | no_reply | unavailable | unknown) and any variable a step stored
## ($user_ip, $registry_port, $sshd_port).
## 런북 내용. 모든 단계에서 위 변수를 사용할 수 있습니다.

rb-triage = 기본 점검
rb-common = 고객님 환경과 외부 점검 결과 비교
rb-windows = Windows 원격 데스크톱
rb-linux = Linux SSH

## 공통 보기
opt-yes = 네
    .aliases = 네, 예, 응, 맞아요, 맞습니다, 그래요, yes, y, ok
opt-no = 아니요
    .aliases = 아니요, 아니오, 아뇨, 아니, 아니에요, no, n
opt-done-recheck = 완료했어요, 다시 점검해 주세요
    .aliases = 완료, 했어요, 다시 점검, 재점검, 해결, done, recheck
opt-changed-recheck = 설정을 변경했어요, 다시 점검해 주세요
    .aliases = 변경, 변경했어요, 바꿨어요, 다시 점검, 재점검, changed, recheck
opt-not-this = 이건 해당되지 않아요
    .aliases = 해당 없음, 아니요, 아니오, 아뇨, 건너뛰기, 넘어가기, skip
opt-cannot-do = 할 수 없어요
    .aliases = 못 해요, 못해요, 할 수 없음, 불가, 안 돼요, 아니요
opt-login-works = 이제 로그인돼요
    .aliases = 돼요, 됩니다, 로그인 성공, 성공, 해결, 네, works
opt-login-still-fails = 여전히 로그인이 안 돼요
    .aliases = 여전히, 안 돼요, 안돼요, 실패, 아니요, still
opt-vnc-in = VNC로 로그인했어요
    .aliases = 로그인했어요, 접속했어요, 들어왔어요, 네, 예
opt-vnc-cannot = VNC도 안 돼요
    .aliases = 안 돼요, 안돼요, vnc 안 됨, 아니요, 아뇨

## 기본 점검
triage-client-title = 사용 중인 컴퓨터
triage-client = 점검에 앞서, 어떤 컴퓨터에서 접속하고 계신가요? 그 환경에서 바로 실행하실 수 있는 명령어로 안내해 드리겠습니다.
client-windows = Windows
    .aliases = windows, win, pc, 윈도우, 윈도
client-mac = macOS
    .aliases = mac, macos, osx, macbook, 맥, 맥북, 맥os
client-linux = Linux
    .aliases = linux, ubuntu, 리눅스, 우분투

triage-self-check-title = 콘솔 자가 진단
triage-self-check = 클라우드 콘솔에서 **자가 진단** 툴(티켓 > 자가 진단)을 열고 해당 인스턴스를 진단해 주세요. 로그인 장애의 대부분을 차지하는 원인을 자동으로 점검해 줍니다. 진단 결과에 다음 중 어떤 항목이 표시되었나요?
triage-opt-bandwidth = 대역폭: 사용률이 한도에 도달했거나 공인 대역폭이 0으로 설정됨
    .aliases = 대역폭, 트래픽, bandwidth
triage-opt-load = 서버 과부하
    .aliases = 과부하, 부하, 고부하, cpu, 메모리, load
triage-opt-security-group = 보안 그룹 규칙
    .aliases = 보안 그룹, 보안그룹, 규칙, sg, security group
triage-opt-blocked = DDoS 차단 또는 보안 격리
    .aliases = ddos, 차단, 블랙홀, 격리, 보안 격리
triage-opt-arrears = 계정 연체
    .aliases = 연체, 미납, 요금, 결제, 잔액
triage-opt-nothing = 발견된 문제가 없거나, 자가 진단을 실행할 수 없음
    .aliases = 없음, 문제 없음, 정상, 실행 불가, 못 해요, nothing, none
triage-skip-filtered = 자가 진단은 잠시 건너뛰겠습니다. { $ip } 서버의 포트 { $port }에서 아무런 응답이 없는데, 이는 보안 그룹이나 방화벽이 트래픽을 차단(드롭)할 때 나타나는 전형적인 증상입니다. 이 부분부터 먼저 확인해 보겠습니다.

triage-bandwidth-title = 대역폭
triage-bandwidth = 공인 대역폭을 모두 사용하면 새 연결이 시간 초과로 끊기고, 대역폭이 0Mbps로 설정되어 있으면 공인 네트워크 트래픽이 인스턴스에 전혀 도달하지 못합니다. 콘솔에서 인스턴스의 공인 대역폭 상한과, 모니터링 그래프에서 아웃바운드 트래픽이 상한에 닿아 있는지 확인해 주세요. 대역폭 상한을 높이시거나 대역폭을 점유하는 작업을 중지하신 뒤 알려 주시면 다시 점검하겠습니다.

triage-load-title = 서버 부하
triage-load = CPU나 메모리가 한계에 도달한 서버는 연결은 받아들이지만 로그인을 끝내 완료하지 못하는 경우가 많습니다. 콘솔에서 인스턴스의 CPU와 메모리 모니터링 그래프를 확인해 주세요. 사용률이 최대치에 붙어 있다면 인스턴스를 재시작하시거나 VNC 콘솔로 접속해 부하가 큰 작업을 중지해 주세요. 더 높은 사양의 인스턴스 유형으로 변경하는 방법도 있습니다. 조치하신 뒤 알려 주시면 다시 점검하겠습니다.

triage-sg-title = 보안 그룹
triage-sg = 보안 그룹의 인바운드 규칙에서 고객님의 주소로부터 들어오는 TCP { $port } 포트를 허용해야 합니다. 콘솔에서 **보안 그룹(포트) 진단 툴**을 열고 **원클릭 오픈**(모든 포트 열기)을 사용하시거나, 인바운드 규칙을 직접 추가해 주세요. 프로토콜은 TCP, 포트는 { $port }, 소스는 고객님의 공인 IP(테스트하는 동안에는 0.0.0.0/0도 가능)로 설정하시면 됩니다. 저장하신 뒤 알려 주시면 다시 점검하겠습니다.
triage-opt-sg-opened = 포트를 열었어요, 다시 점검해 주세요
    .aliases = 열었어요, 오픈, 원클릭 오픈, 완료, opened, done
triage-opt-sg-already = 이미 규칙에서 허용하고 있어요
    .aliases = 이미, 이미 허용, 허용됨, 이미 열려 있음, already

triage-blocked-title = 클라우드 측 차단
triage-blocked = 인스턴스가 DDoS 공격을 받으면 공인 IP가 일정 시간 동안 블랙홀(DDoS 차단) 상태가 될 수 있고, 보안 문제가 탐지된 인스턴스는 보안 격리될 수 있습니다. 이런 차단은 서버 안에서 조치해서는 풀리지 않습니다. 콘솔의 알림과 보안 센터를 확인해 주세요. 블랙홀은 안내된 시간이 지나면 자동으로 해제되며, 보안 격리는 보안 문제를 해결한 뒤 차단 해제를 신청해야 풀립니다.
triage-opt-released = 해제되었어요, 다시 점검해 주세요
    .aliases = 해제, 해제됨, 풀렸어요, released
triage-opt-still-blocked = 아직 차단되어 있어요
    .aliases = 아직, 여전히, 차단, 차단됨, still

triage-arrears-title = 계정 연체
triage-arrears = 계정이 연체되면 잔액을 정산할 때까지 인스턴스가 종료되거나 네트워크가 차단됩니다. 비용 센터에서 계정을 충전하시고, 인스턴스가 중지되어 있다면 시작해 주세요. 완료되면 알려 주시면 다시 점검하겠습니다.
triage-opt-paid = 결제하고 인스턴스를 시작했어요, 다시 점검해 주세요
    .aliases = 결제, 결제했어요, 충전, 충전했어요, 완료, paid

triage-restart-title = 인스턴스 재시작
triage-restart = 재시작만으로 해결되는 문제가 많습니다. 응답하지 않는 원격 로그인 서비스, 가득 찬 메모리, 멈춘 네트워크 스택 등이 대표적입니다. 콘솔에서 인스턴스를 재시작하시고(일반 재시작이 진행되지 않으면 강제 재시작을 사용해 주세요), 부팅이 끝날 때까지 1~2분 정도 기다려 주시면 다시 점검하겠습니다. 지금 재시작하기 어려우시다면 재시작 없이 계속 진행하셔도 됩니다.
triage-opt-restarted = 재시작했어요, 다시 점검해 주세요
    .aliases = 재시작, 재시작했어요, 재부팅, 완료, restarted
triage-opt-no-restart = 지금은 재시작할 수 없어요
    .aliases = 건너뛰기, 재시작 불가, 못 해요, 아니요, skip

triage-confirm-title = 로그인 시도
triage-confirm = 이제 포트 { $port }이(가) 정상적으로 응답합니다. 다시 로그인해 보시겠어요? 로그인되나요?

triage-fixed-title = 해결됨
triage-fixed = 다시 로그인되셨다니 다행입니다. 같은 문제가 다시 생기면 언제든 새 진단을 시작해 주세요.

## 공통: 고객님 쪽에서 본 상태
common-ping-title = 고객님 컴퓨터에서 Ping 테스트
common-ping = 이제 이쪽에서 본 결과와 고객님 쪽에서 보이는 결과를 비교해 보겠습니다. { $icmp ->
        [reply] 서버가 이쪽의 Ping에 응답합니다.
        [no_reply] 서버가 이쪽의 Ping에 응답하지 않습니다. (Ping을 차단해 둔 클라우드 서버가 많으므로 이것만으로는 판단하기 어렵습니다.)
       *[other] 봇이 실행되는 환경에서는 Ping을 보낼 수 없었습니다.
    } 고객님 컴퓨터에서 { $client ->
        [windows] 명령 프롬프트를 열고(Win+R을 누른 뒤 `cmd` 입력) `ping { $ip }`를 실행해 주세요.
       *[other] 터미널을 열고 `ping -c 4 { $ip }`를 실행해 주세요.
    } 응답이 오나요?
common-opt-ping-replies = 응답이 와요
    .aliases = 응답, 응답 있음, 와요, 네, 예, reply
common-opt-ping-timeout = 요청 시간이 만료됨 / 응답 없음
    .aliases = 시간 초과, 시간 만료, 타임아웃, 응답 없음, 아니요, timeout

common-port-test-title = 고객님 컴퓨터에서 포트 테스트
common-port-test = 다음으로 고객님 컴퓨터에서 로그인 포트를 테스트해 주세요. { $client ->
        [windows] PowerShell에서 `Test-NetConnection { $ip } -Port { $port }`를 실행하고 `TcpTestSucceeded` 값을 확인해 주세요.
       *[other] 터미널에서 `nc -vz { $ip } { $port }`를 실행해 주세요. "succeeded" 또는 "open"이 표시되면 연결에 성공한 것입니다.
    } 이쪽에서 확인한 포트 { $port } 상태는 { $port_state ->
        [open] 열림입니다.
        [closed] 닫힘(대기 중인 서비스 없음)입니다.
        [filtered] 응답 없음(필터링됨)입니다.
       *[other] 확실하게 판단하지 못했습니다.
    } 고객님 쪽에서는 어떻게 나오나요?
common-opt-port-ok = 연결돼요
    .aliases = 연결됨, 연결돼요, 성공, 네, true, ok, succeeded
common-opt-port-failed = 실패하거나 시간 초과돼요
    .aliases = 실패, 시간 초과, 타임아웃, 아니요, false, timeout

common-your-side-title = 고객님의 공인 IP
common-your-side = 중요한 단서입니다. 이쪽에서는 포트 { $port }이(가) 열려 있는데 고객님 쪽에서는 연결되지 않습니다. 즉 서버 자체에는 접근할 수 있고, 고객님과 서버 사이의 무언가가 연결을 막고 있다는 뜻입니다. 대부분 다음 세 가지 중 하나입니다. 특정 소스 주소만 허용하는 보안 그룹 규칙, 고객님 IP 주소에 대한 차단(fail2ban 같은 도구는 로그인 실패가 반복되면 해당 IP를 차단합니다), 또는 고객님 쪽 네트워크(회사 방화벽이나 통신사의 포트 차단)입니다. 고객님의 공인 IP 주소는 무엇인가요? (검색창에 "내 IP 확인"을 검색하신 뒤 여기에 붙여 넣어 주세요.)

common-source-rule-title = 고객님 주소에 대한 규칙
common-source-rule = { $user_ip } 주소를 기준으로 다음 항목을 확인해 주세요.
    1. 보안 그룹: TCP { $port } 인바운드 규칙의 소스에 { $user_ip }(예: `{ $user_ip }/32`)이(가) 포함되어 있어야 합니다. 테스트하는 동안에는 0.0.0.0/0으로 설정하셔도 됩니다.
    2. 서버의 IP 차단(Linux, VNC로 접속해 확인): `sudo fail2ban-client status sshd`를 실행해 { $user_ip }이(가) 목록에 있다면 `sudo fail2ban-client set sshd unbanip { $user_ip }`로 차단을 해제해 주세요. `/etc/hosts.deny` 파일도 확인해 주세요.
    3. 고객님 쪽 네트워크: 휴대폰 핫스팟 등 다른 네트워크에서 접속해 보세요. 다른 네트워크에서는 접속된다면 회사나 통신사에서 해당 포트를 차단하고 있는 것입니다.
    이제 로그인되나요?

common-escalate-title = 기술 지원팀으로 이관
common-escalate = 여기서 안내해 드릴 수 있는 점검은 모두 진행했습니다. 이제 기술 지원팀의 확인이 필요합니다. 지금까지 확인하고 시도한 내용을 모두 담은 진단 보고서를 준비했으니, 티켓에 첨부해 주세요. 같은 질문을 다시 받지 않으셔도 됩니다.

## Windows
win-vnc-title = VNC로 로그인
win-vnc = 다음 점검은 Windows 안에서 진행해야 하므로, 원격 데스크톱이 안 될 때도 사용할 수 있는 브라우저 콘솔로 로그인해 주세요. 클라우드 콘솔에서 인스턴스를 선택하고 **로그인**을 클릭한 뒤, 다른 로그인 방식인 **VNC**를 선택하고 **지금 로그인**을 클릭합니다. 잠금 화면이 나타나면 왼쪽 상단의 **원격 명령 보내기**에서 **Ctrl-Alt-Delete**를 보낸 뒤 로그인해 주세요. 로그인되셨나요?

win-allow-remote-title = 원격 연결 허용
win-allow-remote = Windows에서 **내 PC**(This PC)를 마우스 오른쪽 버튼으로 클릭해 **속성**(Properties)을 열고, **고급 시스템 설정**(Advanced system settings) > **원격**(Remote) 탭으로 이동해 주세요. `SystemPropertiesRemote`를 실행하셔도 바로 열립니다. 원격 데스크톱 항목에서 **이 컴퓨터에 대한 원격 연결 허용**(Allow remote connections to this computer)이 선택되어 있나요?
win-opt-allow-was-on = 이미 선택되어 있었어요
    .aliases = 이미, 선택됨, 켜져 있음, 네, 예, already
win-opt-allow-turned-on = 선택되어 있지 않아서 선택했어요, 다시 점검해 주세요
    .aliases = 선택했어요, 켰어요, 허용했어요, 아니요, 아니오, 아뇨, enabled

win-netstat-title = RDP 포트 대기 상태
win-netstat = 서버 안에서 PowerShell을 열고 `netstat -ant | findstr { $port }`를 실행해 주세요. 정상이라면 `0.0.0.0:{ $port }`와 `LISTENING`이 포함된 줄이 표시됩니다. 어떻게 나오나요?
win-opt-netstat-listening = 포트 { $port }에 LISTENING 줄이 있어요
    .aliases = listening, 리스닝, 있어요, 네, 예
win-opt-netstat-nothing = 아무것도 안 나오거나 LISTENING 줄이 없어요
    .aliases = 없음, 없어요, 아무것도, 아니요, 아뇨

win-registry-title = 레지스트리의 포트 번호
win-registry = 원격 데스크톱은 레지스트리에 기록된 포트에서 연결을 기다리며, 이 값은 두 곳에 있고 서로 같아야 합니다. `regedit`를 실행해 레지스트리 편집기를 열고, 아래 두 키의 **PortNumber** 값을 확인해 주세요(단위를 **10진수**로 바꿔서 확인해 주세요).
    1. `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server\Wds\rdpwd\Tds\tcp`
    2. `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp`
    PowerShell에서는 `Get-ItemProperty 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp' -Name PortNumber`로 확인하실 수 있습니다. 두 값이 같은가요?
win-opt-registry-same = 같아요
    .aliases = 같아요, 같음, 일치, 네, 예, same
win-opt-registry-differ = 달라요
    .aliases = 달라요, 다름, 불일치, 아니요, 아뇨, different

win-registry-fix-title = 포트 불일치 수정
win-registry-fix = `RDP-Tcp` 아래의 **PortNumber**를 더블 클릭하고 단위를 **10진수**로 선택한 뒤, `Tds\tcp` 아래의 값과 같은 값으로 입력해 주세요(다른 프로그램이 사용하지 않는 1~65535 사이의 포트를 사용하시고, 기본값은 3389입니다). **확인**을 클릭하고, 보안 그룹에서 해당 포트를 허용하고 있는지 확인하신 뒤 콘솔에서 인스턴스를 재시작해 주세요. 재시작해야 원격 데스크톱에 변경 사항이 적용됩니다.
win-opt-registry-fixed = 수정하고 인스턴스를 재시작했어요
    .aliases = 수정했어요, 재시작했어요, 완료, done

win-registry-port-title = 원격 데스크톱 포트
win-registry-port = 지금 레지스트리 키에 설정된 포트 번호는 몇 번인가요? 10진수로 입력해 주세요(변경한 적이 없다면 3389입니다). 이쪽에서 해당 포트를 테스트해 보겠습니다.

win-restart-rds-title = Remote Desktop Services 다시 시작
win-restart-rds = 원격 로그인을 받는 서비스를 다시 시작해 주세요. `services.msc`를 실행해 서비스 창에서 **Remote Desktop Services**를 찾고, 마우스 오른쪽 버튼으로 클릭해 **다시 시작**을 선택합니다(PowerShell에서는 `Restart-Service TermService -Force`). VNC 세션은 끊기지 않습니다. 완료되면 알려 주세요. 다시 점검하겠습니다.

win-errors-title = 표시되는 오류 메시지
win-errors = 원격 데스크톱 클라이언트에서 연결에 실패할 때 어떤 메시지가 표시되나요?
win-opt-err-no-right = "사용자 계정에 원격 로그인 권한이 없으므로 연결이 거부되었습니다"
    .aliases = 거부, 연결 거부, 권한, 권한 없음, denied
win-opt-err-mac = Mac에서 접속하는데 연결이 안 돼요
    .aliases = mac, 맥, 맥북
win-opt-err-auth = "인증 오류가 발생했습니다" (CredSSP)
    .aliases = 인증, 인증 오류, credssp
win-opt-err-cannot-connect = "원격 데스크톱에서 원격 컴퓨터에 연결할 수 없습니다"
    .aliases = 연결할 수 없음, 연결할 수 없습니다, 연결 불가
win-opt-err-other = 다른 메시지가 나와요
    .aliases = 기타, 다른 메시지, 다른 오류, other

win-err-logon-right-title = 원격 로그온 권한
win-err-logon-right = 사용 중인 계정에 원격 데스크톱으로 로그온할 권한이 없습니다. VNC로 접속해 `secpol.msc`를 실행하고 **로컬 정책** > **사용자 권한 할당**에서 **원격 데스크톱 서비스를 통한 로그온 허용**을 열어 주세요. 여기에 **Administrators**와 **Remote Desktop Users**(또는 사용 중인 계정)가 있어야 합니다. 또 **원격 데스크톱 서비스를 통한 로그온 거부**에 사용 중인 계정이 들어 있지 않은지도 확인해 주세요. 그런 다음 `gpupdate /force`를 실행하고 다시 접속해 보세요.

win-err-mac-title = Mac에서 접속하는 경우
win-err-mac = App Store에서 Microsoft의 공식 클라이언트인 **Windows App**(이전 이름: Microsoft Remote Desktop)을 설치하고 최신 버전으로 업데이트해 주세요. 오래된 서드파티 클라이언트는 최신 Windows 서버에 연결하지 못하는 경우가 많습니다. PC를 `{ $ip }:{ $port }`로 추가하고 사용자 이름은 `Administrator`(또는 사용 중인 계정)로 입력하신 뒤, 인증서 경고가 나오면 수락해 주세요. 그래도 실패하면 표시되는 오류 메시지를 확인해 주세요.

win-err-auth-title = 인증 오류(CredSSP)
win-err-auth = 대개 클라이언트와 서버의 NLA(네트워크 수준 인증, CredSSP) 설정이 맞지 않을 때 발생하며, 한쪽에만 보안 업데이트가 설치된 경우에 자주 나타납니다. 근본적으로는 양쪽 모두에 최신 Windows 업데이트를 설치해야 해결됩니다. 당장 접속하셔야 한다면 VNC로 서버에 접속해 `SystemPropertiesRemote`를 열고 **네트워크 수준 인증을 사용하여 원격 데스크톱을 실행하는 컴퓨터에서만 연결 허용**의 선택을 해제한 뒤, 접속해서 업데이트를 진행해 주세요. 사용자 이름과 비밀번호도 다시 확인해 주세요(비밀번호는 대소문자를 구분합니다).

win-err-cannot-connect-title = 원격 컴퓨터에 연결할 수 없음
win-err-cannot-connect = 이 메시지는 클라이언트가 서버로부터 사용할 수 있는 응답을 받지 못했다는 뜻입니다. 지금까지 점검한 항목 외에, VNC로 서버에 접속해 **Windows Defender 방화벽**을 확인해 주세요. `wf.msc`를 실행해 인바운드 규칙 중 **원격 데스크톱 - 사용자 모드(TCP-In)**(Remote Desktop - User Mode (TCP-In))가 사용 중인 포트에 대해 사용으로 설정되어 있는지 확인하시거나, `Enable-NetFirewallRule -DisplayGroup "Remote Desktop"`을 실행해 주세요(한국어판 Windows에서는 그룹 이름이 "원격 데스크톱"이므로 `-DisplayGroup "원격 데스크톱"`으로 실행해 주세요). RDP 포트를 변경하셨다면 `{ $ip }:{ $port }` 형식으로 접속해 주세요.

## Linux
linux-vnc-title = VNC로 로그인
linux-vnc = 다음 점검은 서버에서 직접 진행해야 하므로, SSH가 안 될 때도 사용할 수 있는 브라우저 콘솔로 로그인해 주세요. 클라우드 콘솔에서 인스턴스를 선택하고 **로그인**을 클릭한 뒤 **VNC**를 선택하시면 됩니다. root 또는 사용 중인 계정으로 로그인해 주세요. 로그인되셨나요?
linux-opt-vnc-slow = 매우 느리거나 멈춰 있어요
    .aliases = 느려요, 느림, 멈춤, 멈췄어요, 먹통, slow, frozen

linux-firewall-title = 인스턴스 방화벽
linux-firewall = 서버 내부 방화벽에서 포트 { $port }이(가) 허용되어 있는지 확인해 주세요. 배포판에 따라 다음 명령어를 사용합니다.
    `sudo iptables -L INPUT -n --line-numbers`
    `sudo firewall-cmd --list-all` (CentOS, Rocky, RHEL)
    `sudo ufw status` (Ubuntu)
    TCP { $port }이(가) 허용되어 있나요? (또는 방화벽이 아예 없나요?)
linux-opt-firewall-allows = { $port } 포트를 허용하고 있어요 / 방화벽이 없어요
    .aliases = 허용, 허용됨, 방화벽 없음, 네, 예, allowed
linux-opt-firewall-fixed = 막혀 있어서 열었어요, 다시 점검해 주세요
    .aliases = 열었어요, 막혀 있었어요, 차단, 수정, fixed, opened
linux-skip-firewall = 방화벽과 보안 그룹 점검은 건너뛰겠습니다. 외부에서 포트 { $port }이(가) 응답하므로 둘 다 이 포트를 막고 있지 않습니다.

linux-sg-title = 보안 그룹
linux-sg = 이쪽에서 포트 { $port }(으)로 연결을 시도했지만 응답이 없었습니다. sshd에 닿기 전에 어딘가에서 트래픽이 차단(드롭)되고 있다는 뜻입니다. 콘솔에서 인스턴스의 보안 그룹을 확인해 주세요. 고객님의 주소에서 들어오는 TCP { $port }을(를) 허용하는 인바운드 규칙이 있어야 합니다. **보안 그룹(포트) 진단 툴**의 **원클릭 오픈**(모든 포트 열기) 기능을 사용하셔도 됩니다.

linux-sshd-title = sshd 실행 상태
linux-sshd = 서버에서 `sudo systemctl status sshd`를 실행해 주세요(Ubuntu와 Debian에서는 서비스 이름이 `ssh`입니다). **active (running)**으로 표시되나요?
linux-opt-sshd-running = active (running)
    .aliases = running, active, 실행 중, 실행중, 네, 예
linux-opt-sshd-stopped = inactive, failed 또는 서비스를 찾을 수 없음
    .aliases = inactive, failed, dead, 중지, 중지됨, 실패, 없음, 아니요
linux-skip-sshd = sshd 점검은 건너뛰겠습니다. 포트 { $port }에서 SSH 서버가 정상적으로 응답하므로 sshd는 실행 중이며 연결을 기다리고 있습니다.
linux-skip-legacy = 포트 { $port }에서 SSH 서버가 응답하지만, 최신 SSH 클라이언트가 거부하는 오래된 알고리즘만 제공하고 있습니다. 로그인이 안 되는 이유가 여기에 있을 가능성이 큽니다. 이 문제부터 해결해 보겠습니다.

linux-sshd-start-title = sshd 시작
linux-sshd-start = 먼저 `sudo sshd -t`로 설정 파일에 오류가 없는지 확인해 주세요(문제가 없으면 아무것도 출력되지 않으며, 오류가 있으면 `/etc/ssh/sshd_config`에서 표시된 줄을 수정해 주세요). 그런 다음 `sudo systemctl restart sshd`와 `sudo systemctl enable sshd`를 실행합니다. 시작되지 않는다면 `sudo journalctl -u sshd -n 50`에서 원인을 확인하실 수 있습니다. Ubuntu와 Debian에서는 서비스 이름이 `ssh`이므로 `systemctl`과 `journalctl` 명령의 `sshd`를 `ssh`로 바꿔 입력해 주세요. 실행되면 알려 주세요. 다시 점검하겠습니다.
linux-opt-sshd-fails = 시작되지 않아요
    .aliases = 시작 안 됨, 시작 실패, 실패, 오류, 에러, error

linux-listen-title = sshd 포트 대기 상태
linux-listen = `sudo ss -tlnp | grep sshd`를 실행해 주세요. sshd가 `0.0.0.0:{ $port }` 또는 `[::]:{ $port }`에서 대기 중이어야 합니다. `127.0.0.1`만 표시된다면 `/etc/ssh/sshd_config`의 `ListenAddress`를 수정하고 sshd를 재시작해 주세요. 어떻게 나오나요?
linux-opt-listen-yes = 포트 { $port }에서 대기 중이에요
    .aliases = 대기 중, 리스닝, listening, 네, 예
linux-opt-listen-other = 다른 포트에서 대기 중이에요
    .aliases = 다른 포트, 다른, 다름, other
linux-opt-listen-none = 대기 중인 포트가 없어요
    .aliases = 없음, 없어요, 아무것도, 아니요, none

linux-custom-port-title = SSH 포트
linux-custom-port = sshd가 대기 중인 포트 번호는 몇 번인가요? 번호를 입력해 주시면 이쪽에서 테스트해 보겠습니다. (접속할 때는 `ssh -p <port>`로 포트를 지정하시고, 보안 그룹에서도 해당 포트를 허용해 주세요.)

linux-legacy-title = 오래된 SSH 알고리즘
linux-legacy = 서버가 최신 OpenSSH 클라이언트에서 더 이상 허용하지 않는 키 교환 또는 호스트 키 알고리즘만 제공하고 있어, 클라이언트가 "no matching key exchange method" 또는 "no matching host key type" 오류를 내고 연결을 포기합니다. 우선 접속하시려면 이번 연결에 한해 해당 알고리즘을 허용해 주세요: `ssh -oKexAlgorithms=+diffie-hellman-group14-sha1 -oHostKeyAlgorithms=+ssh-rsa -oPubkeyAcceptedAlgorithms=+ssh-rsa user@{ $ip }`. 그런 다음 서버의 OpenSSH를 업데이트하시거나 `/etc/ssh/sshd_config`에 최신 알고리즘을 추가해 주세요. 이제 로그인되나요?

linux-resources-title = CPU와 메모리
linux-resources = CPU나 메모리가 바닥난 서버는 연결은 받아들이지만 로그인을 끝내 완료하지 못할 수 있습니다. VNC 콘솔에서 `top`(`q`를 누르면 종료), `free -m`, `uptime`을 실행해 주세요. CPU 사용률이 100%에 가깝거나, 로드 평균(load average)이 CPU 개수보다 훨씬 높거나, 메모리가 거의 남아 있지 않나요?
linux-opt-resources-high = 네, 과부하 상태예요
    .aliases = 과부하, 높음, 높아요, 네, 예, high
linux-opt-resources-normal = 아니요, 정상으로 보여요
    .aliases = 정상, 괜찮아요, 아니요, 아뇨, normal

linux-resources-fix-title = 부하 줄이기
linux-resources-fix = `ps aux --sort=-%cpu | head`와 `ps aux --sort=-%mem | head`로 자원을 많이 쓰는 프로세스를 찾고, `dmesg | grep -i oom`으로 메모리 부족 때문에 커널이 프로세스를 강제 종료했는지 확인해 주세요. 자원을 과도하게 쓰는 프로세스를 중지하거나 재시작하시고(`sudo systemctl stop <service>` 또는 `sudo kill <pid>`), 필요하면 인스턴스를 재시작해 주세요. 평소 수준의 부하라면 더 높은 사양의 인스턴스 유형으로 변경하셔야 합니다. 완료되면 알려 주세요. 다시 점검하겠습니다.

## 진단에서 배제된 원인 (보고서용)
ruled-out-self-check = 콘솔 자가 진단에서 문제가 발견되지 않았습니다. (대역폭, 부하, 보안 그룹, DDoS, 보안 격리, 요금)
ruled-out-security-group = 보안 그룹에서 로그인 포트를 허용하고 있습니다. (사용자 확인)
ruled-out-allow-remote = "이 컴퓨터에 대한 원격 연결 허용"이 사용으로 설정되어 있습니다.
ruled-out-not-listening = 서버 내부에서 원격 로그인 서비스가 포트 { $port }에서 대기 중입니다.
ruled-out-registry = 레지스트리의 PortNumber 값 두 개가 일치합니다.
ruled-out-firewall = 인스턴스 방화벽에서 포트 { $port }을(를) 허용하고 있습니다.
ruled-out-resources = CPU와 메모리가 고갈되지 않았습니다.
