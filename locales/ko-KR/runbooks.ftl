## 런북 내용. 모든 단계에서 쓸 수 있는 인자: $ip, $port (로그인 포트),
## $os (windows | linux | auto), $client (windows | mac | linux | unknown),
## $port_state (open | closed | filtered | inconclusive | unknown), $icmp
## (reply | no_reply | unavailable | unknown), $egress (봇이 점검하는 출발지
## 주소의 CIDR 목록, 또는 "none"), $user_ip / $user_cidr (또는 "none"),
## $user_ping / $user_port (ok | failed | unknown), 그리고 단계에서 저장한
## 변수($registry_port, $sshd_port).
## 변수 바로 뒤에 조사를 붙이지 마세요: "{ $ip } 주소는", "{ $port }번 포트를".

-self-diagnosis-url = https://console.cloud.tencent.com/workorder/check
-port-tool-url = https://console.cloud.tencent.com/vpc/helper

rb-triage = 기본 점검
rb-common = 고객님 쪽과 봇 쪽 결과 비교
rb-windows = Windows 원격 데스크톱
rb-linux = Linux SSH

## 공통 보기
opt-done-recheck = 다 했어요, 다시 점검해 주세요
    .aliases = 완료, 완료했어요, 다시 점검, 재점검, 다시 확인, 다시 확인해 주세요, 했어요, 다 했어요, 끝났어요, 재시작했어요, 켰어요, 체크했어요, 완료요, 시작했어요, 이제 running, 이제 active, 실행됐
opt-changed-recheck = 설정을 바꿨어요, 다시 점검해 주세요
    .aliases = 바꿨어요, 변경했어요, 수정했어요, 조치했어요, 다시 점검, 재점검, 다시 확인
opt-not-this = 이건 해당 없어요
    .aliases = 해당 없음, 해당 없어요, 이거 아니에요, 이건 아니에요, 건너뛰기, 넘어가기, 패스
opt-cannot-do = 그건 할 수 없어요
    .aliases = 할 수 없어요, 할 수 없음, 못 해요, 못해요, 불가, 어려워요, 못 하겠어요, 못하겠어요, 할 수가 없어요, 안 돼요, 막혀 있어서
opt-login-works = 이제 로그인돼요
    .aliases = 로그인돼요, 로그인 돼요, 로그인 성공, 로그인했어요, 들어가져요, 접속돼요, 접속 돼요, 되네요, 이제 돼요, 이제 됐, 해결됐, 됐어요, 됩니다
opt-login-still-fails = 여전히 로그인이 안 돼요
    .aliases = 여전히 안 돼요, 아직도 안 돼요, 그래도 안 돼요, 계속 안 돼요, 로그인 실패, 실패, 여전히 안, 아직도 안, 그래도 안, 계속 안, 똑같아요, 같은 오류, 여전히 실패, 계속 같은, 안 됩니다, 안돼요, 안 돼요, 안됨
opt-vnc-in = VNC로 로그인했어요
    .aliases = 접속했어요, 들어왔어요, 로그인했어요, 접속함, 로그인됨, 로그인됐, 로그인 됐, 접속됐, 접속 됐, 접속했, 들어왔, 들어갔, 들어가져, 됐어요, 돼요, 되네요, 로그인 성공, 접속 성공, 들어가졌
opt-vnc-cannot = VNC도 안 돼요
    .aliases = vnc도 안 돼요, vnc 안 돼요, vnc 안 됨, vnc 실패, vnc 접속 안 돼요, vnc도 안, vnc도 접속 못, vnc 접속이 안, vnc 접속 안, vnc 로그인 안, vnc도 못, 검은 화면, 까맣, 까만 화면, 화면이 안 나와, 비번을 몰라, 비밀번호를 몰라, 비번 몰라, 비밀번호 몰라, 비밀번호가 없, 비번이 없, 비번이 기억 안, 비밀번호가 기억 안, 몰라서 못 들어가, 없어서 못 들어가
opt-vnc-still-cannot = 그래도 못 들어가겠어요
    .aliases = 그래도 안 돼요, 여전히 안 돼요, 아직도 안 돼요, 그래도 안, 여전히 안, 아직도 안, 여전히 검은 화면, 그래도 못, 까맣, 까만 화면, 검은 화면
vnc-help-title = VNC 콘솔에 들어가기
opt-works-now = 이제 돼요
    .aliases = 이제 됩니다, 이제 잘 돼요, 해결됐어요, 해결됨
opt-dont-know = 모르겠어요 / 확인할 수 없어요
    .aliases = 모르겠어요, 잘 모르겠어요, 몰라요, 확인할 수 없어요, 확인 못 해요

## 대화를 왜 이 단계에서 시작하는지 (첫 점검 직후 한 줄)
route-no-answer = 서버 안을 보기 전에 인스턴스가 실행 중인지, { $ip }가 지금도 인스턴스의 주소인지부터 확인할게요.
route-ssh-legacy = 로그인이 안 되는 원인일 가능성이 아주 높으니 여기서부터 시작할게요.
route-ssh-ok = 서버, 네트워크 경로, sshd에는 문제가 없으니 클라이언트 쪽과 계정을 살펴볼게요.
route-rdp-ok = 서버, 네트워크 경로, 서비스에는 문제가 없으니 클라이언트에 어떤 메시지가 나오는지 살펴볼게요.
route-filtered = 보안 그룹부터 확인하고, 그다음에 서버 안의 방화벽을 볼게요.
route-closed = 거부한 건 서버 자신이라서 네트워크와 보안 그룹은 연결을 통과시키고 있어요. 그 점검은 건너뛰고 바로 서버 안에서 실행 중인 서비스를 확인해 볼게요.
route-service-broken = 서버 안에서 고쳐야 하니 콘솔로 접속해 볼게요.
route-refused-icmp = 이런 거부는 대개 서버 안의 방화벽이 보내는 거라서, 보안 그룹보다 서버 안부터 살펴볼게요.
route-refused-router = 서버가 아니라 경로 중간의 라우터가 거부한 거라서 서버 안의 방화벽은 원인이 아니에요. 보안 그룹부터 네트워크 경로를 살펴볼게요.
route-inconclusive = 봇이 있는 곳에서 { $ip } 주소를 점검하지 못했어요. (고객님 서버가 아니라 봇 쪽 네트워크 문제예요.) 그래서 고객님이 직접 해 보시는 테스트로 더 알아봐야 해요.

## 기본 점검
triage-self-check-title = 콘솔 자가 진단
triage-self-check = 클라우드 콘솔의 **자가 진단** 도구로 이 인스턴스를 진단해 주세요: { -self-diagnosis-url } (콘솔에서는 **티켓** > **자가 진단**). 로그인 장애 원인 대부분을 자동으로 찾아 줘요. 진단 결과가 어떻게 나왔나요?
triage-opt-bandwidth = 대역폭: 사용량이 한도에 도달했거나 공인 대역폭이 0으로 설정됨
    .aliases = 대역폭, 트래픽, 대역폭 초과, 대역폭 0, 대역폭 문제
triage-opt-load = 서버 부하가 높음
    .aliases = 부하, 과부하, 고부하, 부하 높음, cpu, 메모리
triage-opt-security-group = 보안 그룹 규칙
    .aliases = 보안 그룹, 보안그룹, 보안 그룹 규칙, sg
triage-opt-blocked = DDoS 차단 또는 보안 격리
    .aliases = ddos, 디도스, 차단, 블랙홀, 격리, 보안 격리, 디도스 차단, 차단이래요
triage-opt-arrears = 계정 연체
    .aliases = 연체, 미납, 요금, 결제, 잔액 부족
triage-opt-nothing = 발견된 문제 없음
    .aliases = 문제 없음, 이상 없음, 정상, 발견된 것 없음, 아무것도 없음, 이상 없, 문제 없, 아무것도 안 나, 정상이래요, 없다고 나와요

triage-instance-title = 인스턴스 상태와 주소
triage-instance = 클라우드 콘솔의 인스턴스 목록(**CVM**(Cloud Virtual Machine) > **인스턴스**(Instances))에서 세 가지를 확인해 주세요. 인스턴스 상태가 **실행 중**(Running)인지(**중지됨**(Stopped)이나 **시작 중**(Starting)이 아닌지), **공인 IP**(또는 연결된 EIP)가 { $ip } 주소와 같은지, 계정이 연체되지 않았는지요. 확인해 보니 어떤가요?
triage-opt-was-stopped = 중지되어 있어서 시작했어요, 다시 점검해 주세요
    .aliases = 중지됨, 중지되어 있었어요, 시작했어요, 켰어요, 꺼져 있었어요, 꺼져 있었, 중지 상태였, 중지돼 있었, 방금 켰, 꺼져 있었, 종료되어 있었, 다시 켰, 전원이 꺼져
triage-opt-running = 실행 중이고 주소도 맞아요
    .aliases = 실행 중, 실행중, 주소 맞아요, 주소도 맞아요, 정상, 켜져 있어요, 정상적으로 실행, 주소도 맞
triage-opt-other-ip = 공인 IP가 다른 주소예요
    .aliases = 다른 ip, 다른 주소, ip가 달라요, 주소가 달라요, ip가 바뀌었어요, ip가 다르, 주소가 다르, ip가 달라, ip가 바뀌

triage-new-ip-title = 올바른 주소
triage-new-ip = 콘솔에 표시된 인스턴스의 공인 IP는 무엇인가요? 입력해 주시면 그 주소로 처음부터 다시 점검할게요.

triage-bandwidth-title = 대역폭
triage-bandwidth = 공인 대역폭을 다 쓰고 있으면 새 연결이 시간 초과로 끊기고, 대역폭이 0Mbps로 설정되어 있으면 공인 트래픽이 인스턴스에 전혀 닿지 않아요. 콘솔에서 인스턴스의 공인 대역폭 상한과, 아웃바운드 트래픽 그래프가 상한에 붙어 평평하게 이어지는지 확인해 주세요. 상한을 높이시거나 대역폭을 다 쓰는 작업을 멈추신 뒤 알려 주시면 다시 점검할게요.

triage-load-title = 서버 부하
triage-load = CPU나 메모리가 바닥난 서버는 연결은 받아도 로그인을 끝내 마치지 못하는 경우가 많아요. 콘솔에서 인스턴스의 CPU와 메모리 그래프를 확인해 주세요. 최대치에 붙어 있다면 인스턴스를 재시작하시거나 VNC 콘솔로 접속해 부하가 큰 작업을 멈춰 주세요. 더 큰 인스턴스 유형으로 바꾸는 방법도 있어요. 조치하신 뒤 알려 주시면 다시 점검할게요.

triage-sg-title = 보안 그룹
triage-sg = 인스턴스에 연결된 보안 그룹이 인바운드 **TCP { $port }번 포트**를 두 곳에서 허용해야 해요. 하나는 고객님의 공인 주소, 다른 하나는 봇이 점검하는 주소예요({ $egress ->
        [none] 봇의 주소는 여기서 알려 드릴 수 없어요. 소스를 0.0.0.0/0으로 두면 봇도 들어올 수 있지만, 인터넷 전체에서 무차별 대입 공격도 받게 되니 테스트하는 동안에만 두고 끝나면 고객님 주소로 좁혀 주세요
       *[other] { $egress }
    }). 봇의 주소가 빠져 있으면 고객님 규칙이 맞더라도 봇의 재점검은 통과할 수 없어요. 규칙은 우선순위 순서로 비교되고 처음 일치한 규칙이 적용되니, 같은 포트를 막는 거부(Drop) 규칙보다 아래에 있거나 우선순위가 더 낮은 보안 그룹에 있는 허용(Allow) 규칙은 효과가 없어요. **포트 진단 도구**(Port Verification, { -port-tool-url })로 확인할 수 있어요. **원클릭 오픈**(Open all ports)은 22, 3389번 등을 모든 곳에 열어 두니, 로그인이 되면 그 규칙은 꼭 지워 주세요. 규칙을 저장하셨으면 알려 주세요.
triage-opt-sg-opened = 규칙을 추가했어요, 다시 점검해 주세요
    .aliases = 추가했어요, 규칙 추가, 규칙 추가했어요, 열었어요, 포트 열었어요, 원클릭 오픈, 오픈했어요, 했어요, 저장했, 추가했, 다 했어요, 완료
triage-opt-sg-already = 규칙이 이미 있었어요
    .aliases = 이미 있어요, 이미 있었어요, 이미 허용, 이미 열려 있어요, 허용되어 있어요, 이미 있, 원래 열려, 원래 있, 이미 열려, 원래부터, 열려 있었
triage-sg-help = **보안 그룹**은 서버 앞에 있는 클라우드 방화벽이에요. 클라우드 콘솔에서 인스턴스를 클릭하고 **보안 그룹** 탭에서 그룹 이름을 클릭한 뒤, **인바운드 규칙**의 **규칙 추가**에서 프로토콜 **TCP**, 포트 **{ $port }**, 소스는 고객님의 공인 주소(테스트하는 동안에는 0.0.0.0/0도 괜찮아요), 정책 **허용**으로 저장해 주세요.
    고객님 계정으로 보안 그룹을 열 수 없다면(권한이 없는 하위 계정 등) 클라우드 계정을 관리하는 분이 대신 규칙을 추가할 수 있어요. 위 규칙을 그대로 전달해 주세요.
    규칙을 저장하시면 알려 주세요. 다시 점검해 볼게요.

triage-sg-firewall-title = 서버 안으로
triage-sg-firewall = 다음으로 의심되는 곳은 서버 내부 방화벽이에요. 확인하려면 브라우저 콘솔로 로그인해야 해요. 클라우드 콘솔에서 인스턴스를 선택하고 **로그인**(Log In)을 클릭한 뒤, 다른 로그인 방식인 **VNC**를 선택해 로그인해 주세요. 로그인되셨나요?

triage-blocked-title = 클라우드 측 차단
triage-blocked = 인스턴스가 DDoS 공격을 받으면 공인 IP가 일정 시간 "블랙홀"에 들어갈 수 있고, 보안 문제가 탐지된 인스턴스는 격리될 수 있어요. 서버 안에서 무엇을 해도 풀리지 않아요. 콘솔의 알림과 보안 센터를 확인해 주세요. 블랙홀은 안내된 시간이 지나면 저절로 풀리고, 격리는 보안 문제를 해결한 뒤 차단 해제를 신청해야 풀려요.
triage-opt-released = 해제됐어요, 다시 점검해 주세요
    .aliases = 해제, 해제됨, 해제됐어요, 풀렸어요, 차단 해제, 해제됐, 풀렸, 해제되었
triage-opt-still-blocked = 아직 차단되어 있어요
    .aliases = 여전히 차단, 아직 차단, 차단됨, 차단 중, 여전히 막혀, 아직 막혀

triage-arrears-title = 계정 연체
triage-arrears = 계정이 연체되면 잔액을 정산할 때까지 인스턴스가 중지되거나 네트워크가 끊겨요. 비용 센터에서 충전하시고, 인스턴스가 중지되어 있다면 시작한 뒤 알려 주세요. 다시 점검할게요.
triage-opt-paid = 결제하고 인스턴스를 시작했어요, 다시 점검해 주세요
    .aliases = 결제했어요, 충전했어요, 결제 완료, 충전 완료, 납부했어요

triage-restart-title = 인스턴스 재시작
triage-restart = 재시작으로 해결되는 문제가 많아요. 멈춘 로그인 서비스, 가득 찬 메모리, 꼬인 네트워크 스택 같은 것들이요. 콘솔에서 인스턴스를 선택하고 **재시작**(Restart)을 선택한 뒤(일반 재시작이 진행되지 않으면 강제 재시작을 사용해 주세요), 부팅될 때까지 1~2분 기다려 주시면 다시 점검할게요. 지금 재시작하기 어려우시면 재시작 없이 계속 진행할게요.
triage-opt-restarted = 재시작했어요, 다시 점검해 주세요
    .aliases = 재시작했어요, 재부팅했어요, 재시작 완료, 재부팅, 재시작했, 재부팅했, 재부팅 했, 재시작 했, 껐다 켰, 재부팅 완료
triage-opt-no-restart = 지금은 재시작할 수 없어요
    .aliases = 재시작 불가, 재시작 못 해요, 나중에, 건너뛰기, 넘어가기, 재시작 못, 재시작하면 안, 재부팅 못, 재부팅하면 안, 지금은 못

triage-confirm-title = 로그인해 보기
triage-confirm = { $moved ->
        [told] { $port }번 포트로 로그인되나요?
        [yes] 이제 { $port }번 포트가 정상적으로 응답해요. { $default_port }번이 아니라 { $port }번 포트로 접속해 주세요. { $os ->
            [windows] 원격 데스크톱 연결의 컴퓨터 칸에 `{ $ip }:{ $port }`를 입력하면 돼요. (`mstsc /v:{ $ip }:{ $port }`로 바로 열 수도 있어요.)
           *[other] `ssh -p { $port } <사용자>@{ $ip }` 명령으로 접속하면 돼요. (PuTTY라면 Port 칸에 { $port }를 넣어 주세요.)
        } 보안 그룹에서도 내 주소에서 오는 TCP { $port }번 포트를 허용해야 해요. 이제 로그인되나요?
       *[no] { $port_state ->
            [open] 이제 { $port }번 포트가 정상적으로 응답해요. 다시 로그인해 보세요. 로그인되나요?
            [closed] 고객님 쪽 연결은 됐지만, 봇에서는 { $port }번 포트가 아직 거부돼요. 고객님 주소만 허용하고 봇의 주소는 거부하는 규칙이 있는 것 같은데, 고객님께는 문제없어요. 로그인해 보세요. 로그인되나요?
            [filtered] 고객님 쪽 연결은 됐지만, 봇에서 { $port }번 포트로 보낸 연결은 아직 버려져요. 고객님 주소만 허용하는 규칙이 있는 것 같은데, 고객님께는 문제없어요. 로그인해 보세요. 로그인되나요?
           *[other] 봇이 있는 곳에서는 { $port }번 포트를 확실하게 점검하지 못해서, 고객님 쪽 테스트 결과를 기준으로 할게요. 로그인해 보세요. 로그인되나요?
        }
    }

triage-works-title = 확인
triage-works = 다행이에요! 마치기 전에 한 번만 확인할게요. 로그인에 성공하셨나요?
triage-opt-works-yes = 네, 로그인했어요
    .aliases = 로그인했어요, 들어왔어요, 접속했어요, 로그인 성공, 로그인했, 로그인됐, 접속했, 들어왔
triage-opt-works-not-yet = 아직이에요, 돌아갈게요
    .aliases = 아직 안 됐어요, 돌아가기, 이전, 이전으로, 아직이요, 아직 안 됐, 아직요

triage-fixed-title = 해결됨
triage-fixed = 다시 로그인되셨다니 다행이에요. 같은 문제가 또 생기면 언제든 새 진단을 시작해 주세요.

skip-sg-port-answers = 보안 그룹 점검은 건너뛸게요. 외부에서 봇이 { $port }번 포트의 응답을 받았으니 규칙이 트래픽을 통과시키고 있어요.

triage-restart-last = 지원팀에 넘기기 전에 하나만 더 해 볼게요. 서버 안에서는 더 고칠 곳이 보이지 않았지만, 점검으로는 보이지 않는 문제(멈춘 서비스, 바닥난 메모리, 꼬인 네트워크 스택)가 재시작으로 풀리는 경우가 많아요. 콘솔에서 인스턴스를 선택하고 **재시작**(Restart)을 선택한 뒤(일반 재시작이 진행되지 않으면 강제 재시작을 사용해 주세요), 부팅될 때까지 1~2분 기다려 주시면 다시 점검할게요. 지금 재시작하기 어려우시면 진단 보고서와 함께 지원팀에 넘겨 드릴게요.
triage-restart-retry = 지원팀에 넘기기 전에 인스턴스를 한 번 재시작하고 다시 로그인해 보세요. 외부 점검으로는 보이지 않는 멈춘 세션이나 서비스가 재시작하면 정리돼요. 콘솔에서 인스턴스를 선택하고 **재시작**(Restart)을 선택한 뒤 부팅될 때까지 몇 분 기다려 주세요{ $os ->
        [windows] (Windows가 업데이트를 설치하는 중이면 더 오래 걸려요)
       *[other] {""}
    }. 이제 로그인되나요?
triage-opt-restarted-still = 재시작했는데도 안 돼요
    .aliases = 재시작해도 안 돼요, 재부팅해도 안 돼요, 재시작했는데 안 돼요, 여전히 안 돼요, 그래도 안 돼요, 재시작해도 똑같아요, 재부팅했는데 안 돼요

## 공통: 고객님 쪽에서 본 상태
common-ping-title = 고객님 컴퓨터에서 Ping 테스트
common-ping = 이제 봇이 본 결과와 고객님 쪽에서 보이는 결과를 비교해 볼게요. { $icmp ->
        [reply] 서버가 봇의 Ping에 응답해요.
        [no_reply] 서버가 봇의 Ping에 응답하지 않아요. (Ping을 막아 둔 클라우드 서버가 많아서 이것만으로는 알 수 있는 게 별로 없어요.)
       *[other] 봇이 있는 곳에서는 Ping을 보낼 수 없었어요.
    } 고객님 컴퓨터에서 { $client ->
        [windows] 명령 프롬프트(Win+R을 누르고 `cmd` 입력)를 열고 `ping { $ip }` 명령을 실행해 주세요.
        [mac] 터미널에서 `ping -c 4 { $ip }` 명령을 실행해 주세요.
        [linux] 터미널에서 `ping -c 4 { $ip }` 명령을 실행해 주세요.
       *[other] `ping { $ip }` 명령(Windows: 명령 프롬프트) 또는 `ping -c 4 { $ip }` 명령(macOS, Linux: 터미널)을 실행해 주세요.
    } 응답이 오나요?
common-opt-ping-replies = 응답이 와요
    .aliases = 응답, 응답 와요, 응답 있음, 응답이 있어요, 응답이 와요, 응답 잘 와, 핑은 잘 가, 핑 잘 가, 핑 돼요, 응답 받, 잘 나가, 핑 나가
common-opt-ping-timeout = "요청 시간이 만료되었습니다"(Request timed out) / 응답 없음
    .aliases = 요청 시간 만료, 요청 시간이 만료되었습니다, 시간 초과, 타임아웃, 응답 없음, 응답이 없어요, 요청 시간이 만료, 응답이 없, 응답 없, 핑 안 가, 안 가요

common-port-test-title = 고객님 컴퓨터에서 포트 테스트
common-port-test = { $user_ping ->
        [failed] ping이 시간 초과된 것만으로는 알 수 있는 게 많지 않아요. ping에 응답하려면 보안 그룹에 ICMP 규칙이 있어야 하고 서버도 ping에 응답해야 하는데, 둘 다 막아 둔 서버가 많거든요. ping이 응답하게 하려면 보안 그룹 인바운드 규칙에서 ICMP를 허용해 주세요.{ $os ->
            [windows] {" "}서버에서는 방화벽 규칙도 추가해 주세요: `New-NetFirewallRule -DisplayName "Allow ping" -Direction Inbound -Protocol ICMPv4 -IcmpType 8 -Action Allow`.
            [linux] {" "}서버에서는 `sysctl net.ipv4.icmp_echo_ignore_all` 값이 0이어야 하고, 방화벽이 ICMP를 막지 않아야 해요.
           *[other] {" "}서버 자체 방화벽에서도 허용해 주세요.
        }{" "}
       *[other] {""}
    }이번에는 고객님 컴퓨터에서 로그인 포트를 테스트해 주세요. { $client ->
        [windows] PowerShell에서 `Test-NetConnection { $ip } -Port { $port }` 명령을 실행하고 `TcpTestSucceeded` 값을 확인해 주세요.
        [mac] 터미널에서 `nc -vz -G 5 { $ip } { $port }` 명령을 실행해 주세요. "succeeded"나 "open"이 나오면 연결된 거예요.
        [linux] `nc -vz -w 5 { $ip } { $port }` 명령을 실행해 주세요. "succeeded", "open" 또는 "Connected to"가 나오면 연결된 거예요.
       *[other] Windows라면 PowerShell에서 `Test-NetConnection { $ip } -Port { $port }` 명령을 실행해 `TcpTestSucceeded` 값을 확인하시고, macOS라면 `nc -vz -G 5 { $ip } { $port }`, Linux라면 `nc -vz -w 5 { $ip } { $port }` 명령을 실행해 주세요. ("succeeded", "open" 또는 "Connected to"가 나오면 연결된 거예요.)
    } 봇이 있는 곳에서 보면 { $port }번 포트는 { $port_state ->
        [open] 열려 있어요.
        [closed] 닫혀 있어요. (연결을 받는 서비스가 없어요.)
        [filtered] 응답하지 않아요. (드롭되고 있어요.)
       *[other] 확실하게 점검하지 못했어요.
    } 고객님 쪽에서는 어떻게 나오나요?
common-opt-port-ok = 연결돼요
    .aliases = 연결됨, 연결됐어요, 연결 성공, 성공, 열려 있어요, 열림, 연결됐, 연결돼요, 연결 돼요, 돼요, 되네요, 성공했
common-opt-port-failed = 실패하거나 시간이 초과돼요
    .aliases = 실패, 연결 실패, 시간 초과, 타임아웃, 연결 안 돼요, 연결 거부, 실패했, 연결 안, 연결이 안, 안 돼요, false라고

common-bot-blocked-title = 고객님은 되고, 봇은 안 돼요
common-bot-blocked = 고객님 컴퓨터에서는 { $port }번 포트에 연결되는데 봇은 연결되지 않아요. 서버까지 가는 길은 고객님에게는 열려 있고, 특정 소스 주소만 들여보내는 규칙이 있다는 뜻이에요. 대개 고객님 주소로만 제한된 보안 그룹 규칙(또는 방화벽 규칙)이에요. 로그인하는 데는 문제없어요. 봇의 재점검도 통과하게 하시려면 봇의 주소도 소스로 추가해 주세요. { $egress ->
        [none] 봇의 주소는 여기서 알려 드릴 수 없으니, 테스트하는 동안에만 0.0.0.0/0을 허용하고 끝나면 고객님 주소로 좁혀 주세요.
       *[other] 봇의 주소: { $egress }.
    } 이제 로그인되나요?

common-both-blocked-title = 양쪽 모두 막혀 있어요
common-both-blocked = 보안 그룹과 서버 내부 방화벽은 맞게 보이는데, 고객님 컴퓨터에서도 봇에서도 { $port }번 포트가 응답하지 않아요. 남은 건 서버 바깥이에요. 수정하신 보안 그룹이 **이 인스턴스에 연결된** 그룹이 맞는지(인스턴스에는 보안 그룹이 여러 개 연결될 수 있어요. 그룹은 연결된 순서로, 그룹 안에서는 규칙 우선순위 순서로 비교해서 처음 일치한 규칙이 적용되니, 허용 규칙보다 위에 있는 거부 규칙이 이겨요), 서브넷의 **네트워크 ACL**이 인바운드 TCP { $port }번 포트와 아웃바운드 응답 트래픽을 허용하는지, 인스턴스 앞의 로드 밸런서, NAT, 포트 포워딩이 다른 곳을 가리키고 있지 않은지 확인해 주세요. **포트 진단 도구**(Port Verification, { -port-tool-url })에서 실제로 적용되는 규칙을 볼 수 있어요. 문제를 찾으셨나요?
common-opt-found-fixed = 찾아서 고쳤어요, 다시 점검해 주세요
    .aliases = 찾았어요, 고쳤어요, 원인 찾음, 원인 찾았어요, 다른 보안 그룹이었
common-opt-nothing-found = 거기에는 문제가 없어요
    .aliases = 문제 없어요, 문제 없음, 이상 없음, 다 정상이에요, 다 정상, 문제 없어, 이상 없, 다 맞아요

common-your-side-title = 고객님의 공인 주소
common-your-side = 중요한 단서예요. 봇이 시도하면 { $port }번 포트가 열려 있는데, 고객님 쪽에서는 연결되지 않아요. 서버에는 접근할 수 있고, 고객님과 서버 사이의 무언가가 막고 있다는 뜻이에요. 보통 셋 중 하나예요. 특정 소스 주소만 허용하는 보안 그룹 규칙, 고객님 주소에 대한 차단(fail2ban 같은 도구는 로그인 실패가 반복되면 그 주소를 차단해요), 또는 고객님 쪽 네트워크(회사 방화벽이나 통신사의 포트 차단)예요. 고객님의 공인 IP 주소는 무엇인가요? (그 컴퓨터에서 "내 IP 확인"을 검색한 뒤 여기에 붙여 넣어 주세요.)

common-source-rule-title = 고객님 주소에 대한 규칙
common-source-rule = { $user_ip ->
        [none] 고객님의 공인 주소를 기준으로 다음을 확인해 주세요.
    1. 보안 그룹: TCP { $port }번 포트의 인바운드 규칙에 고객님 주소가 포함되어 있어야 해요(IPv4는 /32, IPv6는 /128로). 테스트하는 동안에는 0.0.0.0/0으로 두셔도 돼요.
    2. 서버의 차단 목록(Linux, VNC로 접속해서): `sudo fail2ban-client status sshd` 명령으로 차단된 주소를 볼 수 있고, `sudo fail2ban-client set sshd unbanip <your address>` 명령으로 차단을 풀 수 있어요. `/etc/hosts.deny` 파일과 클라우드 호스트 보안(Cloud Workload Protection)의 무차별 대입 차단 목록도 확인해 주세요.
       *[other] { $user_ip } 주소를 기준으로 다음을 확인해 주세요.
    1. 보안 그룹: TCP { $port }번 포트의 인바운드 규칙에 { $user_ip } 주소가 포함되어 있어야 해요(`{ $user_cidr }` 형식으로). 테스트하는 동안에는 0.0.0.0/0으로 두셔도 돼요.
    2. 서버의 차단 목록(Linux, VNC로 접속해서): `sudo fail2ban-client status sshd` 명령으로 차단된 주소를 볼 수 있고, `sudo fail2ban-client set sshd unbanip { $user_ip }` 명령으로 차단을 풀 수 있어요. `/etc/hosts.deny` 파일과 클라우드 호스트 보안(Cloud Workload Protection)의 무차별 대입 차단 목록도 확인해 주세요.
    }
    3. 고객님 쪽 네트워크: 휴대폰 핫스팟 같은 다른 네트워크에서 접속해 보세요. 거기서는 된다면 회사나 통신사에서 이 포트를 막고 있는 거예요.
    이제 로그인되나요?

common-escalate-title = 기술 지원팀으로 이관
common-escalate = 여기서 더 안내해 드릴 수 있는 방법이 없어서 기술 지원팀이 이어서 봐야 해요. 외부 점검 결과, 서버에서 확인하신 내용, 확인하지 못한 항목을 모두 담은 진단 보고서를 만들어 두었어요. 티켓에 첨부해 주시면 같은 질문을 다시 받지 않으셔도 돼요.

common-vnc-rescue-title = VNC로도 안 될 때
common-vnc-rescue = 지원팀에 넘기기 전에 몇 가지만 더 해 볼게요.
    • **강제 재시작:** 콘솔에서 인스턴스를 강제 재시작으로 **재시작**(Restart)하시고, 몇 분 뒤 VNC를 다시 열어 주세요.
    { $os ->
        [windows] • **"업데이트 작업 중", "Windows 준비 중" 화면이나 돌아가는 동그라미가 보이면:** Windows가 업데이트를 설치하고 있어요. 이때는 재시작하지 말고 끝날 때까지 기다려 주세요(30분 정도 걸릴 수도 있어요). 부팅할 때마다 파란 화면이나 **자동 복구**(Automatic Repair)가 나온다면 이전 상태로 되돌려야 해요. 시스템 디스크 스냅샷으로 복원하시거나 지원팀에 문의해 주세요.
       *[other] • **부팅 메시지가 멈추거나 `(initramfs)` 또는 emergency mode 프롬프트가 나오면:** 서버가 부팅을 끝내지 못하고 있는 거예요. 화면에 나온 내용을 붙여 넣어 주시면 읽어 볼게요.
            • **복구 모드**(콘솔에서 이 인스턴스에 제공된다면 **더 보기**(More) > **운영**(Operations) > **복구 모드 진입**(Enter Rescue Mode))로 들어가면 디스크가 연결된 작은 시스템으로 부팅돼서 디스크의 파일을 고칠 수 있어요. 먼저 시스템 디스크 스냅샷을 만들어 두세요.
    }
    이제 접속되셨나요?

## Windows
win-vnc-title = VNC로 로그인
win-vnc = 다음 점검은 Windows 안에서 해야 하니, 원격 데스크톱이 안 될 때도 쓸 수 있는 브라우저 콘솔로 로그인해 주세요. 클라우드 콘솔에서 인스턴스를 선택하고 **로그인**(Log In)을 클릭한 뒤, 다른 로그인 방식인 **VNC**를 선택하고 **지금 로그인**(Log In Now)을 클릭해 주세요. 잠금 화면이 나오면 왼쪽 위의 **원격 명령 보내기**(Send Remote Command)에서 **Ctrl-Alt-Delete**를 보낸 뒤 로그인해 주세요. 로그인되셨나요?
win-vnc-help = 다음 점검은 모두 콘솔에서 해야 해서, VNC 콘솔에 들어가는 것부터 도와드릴게요. **VNC 콘솔**은 브라우저에서 서버 화면을 직접 여는 방법이에요. 클라우드 콘솔의 인스턴스 목록에서 서버 행의 **로그인**(Log In)을 클릭하고 **VNC**를 선택한 뒤 **지금 로그인**(Log In Now)을 클릭해 주세요.
    • **잠금 화면이 나오면:** 왼쪽 위의 **원격 명령 보내기**(Send Remote Command)에서 **Ctrl-Alt-Delete**를 보낸 뒤 로그인해 주세요.
    • **비밀번호를 물어보면:** Windows의 **Administrator** 비밀번호예요. 잊으셨다면 서버 행의 **더 보기**(More) > **비밀번호 재설정**(Reset Password)에서 재설정하시고(인스턴스가 재시작돼요) 새 비밀번호로 로그인해 주세요.
    • **화면이 까맣게 나오면:** 화면을 클릭하고 아무 키나 눌러 주세요. Windows는 한동안 쓰지 않으면 화면을 꺼요. Ctrl-Alt-Delete를 보내도 화면이 켜져요.
    • **"업데이트 작업 중"이나 "Windows 준비 중"이 보이면:** Windows가 업데이트를 설치하고 있어요. 그동안은 재시작하지 말고 기다려 주세요.
    • **몇 분이 지나도 까맣거나 멈춰 있으면:** 탭을 닫고 VNC를 다시 열어 보세요. 그래도 그대로면 콘솔에서 인스턴스를 재시작하시고(**더 보기**(More) > **재시작**(Restart)) 부팅이 끝난 뒤 다시 열어 주세요. Windows는 부팅하는 데 몇 분이 걸리고, 업데이트를 설치하는 중이면 더 오래 걸려요.
    이제 로그인되셨나요?

win-allow-remote-title = 원격 연결 허용
win-allow-remote = Windows에서 `SystemPropertiesRemote` 명령을 실행해 주세요. (또는 **내 PC**(This PC)를 마우스 오른쪽 버튼으로 클릭하고 **속성**(Properties) > **고급 시스템 설정**(Advanced system settings) > **원격**(Remote) 탭으로 가도 돼요.) 원격 데스크톱 항목에서 **이 컴퓨터에 대한 원격 연결 허용**(Allow remote connections to this computer)이 선택되어 있나요?
win-opt-allow-was-on = 네, 선택되어 있어요
    .aliases = 선택되어 있어요, 선택됨, 체크되어 있어요, 체크됨, 허용되어 있어요, 선택되어, 선택돼, 체크되어, 체크돼, 되어 있어요, 켜져 있
win-opt-allow-off = 아니요, 선택되어 있지 않아요
    .aliases = 선택 안 됨, 선택되어 있지 않아요, 체크 안 됨, 체크 안 되어 있어요, 허용 안 됨, 선택 안, 체크 안, 선택이 안, 체크가 안, 꺼져 있, 해제되어, 허용 안 함, 허용 안 함으로, 연결 허용 안 함

win-allow-remote-fix-title = 원격 연결 켜기
win-allow-remote-fix = **이 컴퓨터에 대한 원격 연결 허용**(Allow remote connections to this computer)을 선택하고 **확인**(OK)을 클릭해 주세요. (3389번 포트용 방화벽 규칙도 Windows가 함께 켜 줘요.) PowerShell에서는 `Set-ItemProperty 'HKLM:\System\CurrentControlSet\Control\Terminal Server' -Name fDenyTSConnections -Value 0` 명령을 실행한 다음 `Enable-NetFirewallRule -Group "@FirewallAPI.dll,-28752"` 명령을 실행하면 같아요. 설정이 회색으로 잠겨 있거나 다시 꺼진다면 그룹 정책이 정하고 있는 거예요. 그때는 `HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services`에 `fDenyTSConnections` 값이 있어요. (`gpedit.msc` > 컴퓨터 구성 > 관리 템플릿 > Windows 구성 요소 > 원격 데스크톱 서비스 > 원격 데스크톱 세션 호스트 > 연결) 다 되면 알려 주세요. 다시 점검할게요.

win-firewall-title = Windows Defender 방화벽
win-firewall = { $port }번 포트로 들어오는 연결이 응답을 받기 전에 버려지고 있어요. 흔한 원인은 Windows Defender 방화벽이에요. VNC로 접속해 PowerShell을 열고 `Get-NetFirewallRule -Group "@FirewallAPI.dll,-28752" | Format-Table DisplayName, Enabled, Profile` 명령을 실행해 주세요. Windows 표시 언어와 관계없이 동작하는 명령이에요. 기본 제공 원격 데스크톱 규칙은 `Enabled` 값이 **True**여야 하지만, 이 규칙은 3389번 포트만 허용해요. 규칙을 켜려면 `Enable-NetFirewallRule -Group "@FirewallAPI.dll,-28752"` 명령을 실행해 주세요. 이 포트를 막는 **차단**(Block) 규칙은 어떤 허용 규칙보다 우선해요. `Get-NetFirewallPortFilter -Protocol TCP | Where-Object LocalPort -eq { $port } | Get-NetFirewallRule | Format-Table DisplayName, Enabled, Action, Profile`로 그런 규칙을 볼 수 있고, `Get-NetFirewallProfile | Format-Table Name, Enabled, DefaultInboundAction, AllowInboundRules`에서 `AllowInboundRules`가 `False`인 프로필은 허용 규칙을 모두 무시해요. 다른 보안 프로그램이 막을 수도 있어요. 원격 데스크톱이 다른 포트를 쓴다면 그 포트용 규칙을 추가해 주세요: `New-NetFirewallRule -DisplayName "Remote Desktop { $port }" -Direction Inbound -Protocol TCP -LocalPort { $port } -Action Allow`. 확인해 보니 어떤가요?
win-opt-firewall-allows = 규칙이 있고 켜져 있어요
    .aliases = 규칙 있음, 규칙이 있어요, 사용 중, 허용됨, 켜져 있음, 규칙 있, 켜져 있, true로
win-opt-firewall-fixed = 규칙이 없어서 고쳤어요, 다시 점검해 주세요
    .aliases = 추가했어요, 켰어요, 규칙 추가, 규칙 추가했어요, 고쳤어요, 없어서 추가, 추가했, 고쳤, 꺼져 있어서

win-netstat-title = 원격 데스크톱이 대기 중인가요?
win-netstat = 서버의 PowerShell에서 `Get-NetTCPConnection -State Listen -LocalPort { $port }` 명령을 실행해 주세요. (`netstat -ano | findstr :{ $port }`도 돼요. 한국어 Windows는 상태가 `LISTENING`이 아니라 `수신 대기`로 나오니, 상태 말고 포트로만 걸러 주세요.) 정상이라면 `0.0.0.0:{ $port }`(그리고 `[::]:{ $port }`)에서 대기 중인 줄이 보여요. 어떻게 나오나요?
win-opt-netstat-listening = { $port }번 포트에서 대기 중이에요(Listen, 수신 대기 또는 LISTENING)
    .aliases = 리스닝, 대기 중, listening 있음, listening 줄 있음, 수신 대기, listening 있, listening이 있
win-opt-netstat-other = 대기 중이지만 다른 포트예요
    .aliases = 다른 포트, 포트가 달라요, 다른 포트에서 대기, 포트가 달라
win-opt-netstat-nothing = { $port }번 포트에서 대기 중인 게 없어요
    .aliases = 아무것도 없어요, 아무것도 안 나와요, 결과 없음, 빈 화면, 아무것도 안, 아무것도 없, 빈칸, 안 나와요, 결과 없, 안 보여요, 안 보이, 없네요

win-registry-title = 레지스트리의 포트 번호
win-registry = 원격 데스크톱은 포트 번호를 레지스트리 두 곳에 저장하고, 두 값은 같아야 해요. 실제로 대기하는 포트는 **RDP-Tcp** 아래의 값이에요. PowerShell에서 두 값을 한 번에 읽어 보세요.
    `'Wds\rdpwd\Tds\tcp','WinStations\RDP-Tcp' | ForEach-Object {"{"} (Get-ItemProperty "HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\$_").PortNumber {"}"}`
    10진수 숫자 두 개가 출력돼요. `regedit`에서는 `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server\Wds\rdpwd\Tds\tcp`와 `...\Terminal Server\WinStations\RDP-Tcp` 아래의 **PortNumber** 값이에요. **10진수**(Decimal)로 바꾸지 않으면 16진수로 보여요(0xd3d는 3389예요). 두 숫자가 같은가요?
win-opt-registry-same = 같아요
    .aliases = 같음, 일치, 일치해요, 둘 다 같아요, 같아요, 같네요, 같습니다, 똑같, 둘 다
win-opt-registry-differ = 달라요
    .aliases = 다름, 불일치, 일치하지 않아요, 서로 달라요, 달라요, 다르네요, 다릅니다, 서로 다르, 같지 않, 일치하지 않

win-registry-fix-title = 포트 번호 맞추기
win-registry-fix = 레지스트리를 고치기 전에 콘솔에서 시스템 디스크 스냅샷을 만들어 두시면 되돌릴 수 있어요. 원격 데스크톱이 쓸 포트를 정해 주세요. 일부러 바꾼 게 아니라면 표준 포트인 **3389**예요. 두 키의 **PortNumber**를 모두 그 번호로 설정해 주세요. regedit에서는 값을 더블 클릭하고 **10진수**(Decimal)를 선택한 뒤 번호를 입력하면 되고, PowerShell에서는 키마다 `Set-ItemProperty "HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp" -Name PortNumber -Value 3389` 명령을 실행하면 돼요(`Wds\rdpwd\Tds\tcp` 키도 똑같이요). 3389가 아닌 포트를 고르셨다면 기본 제공 방화벽 규칙이 그 포트를 허용하지 않으니, `New-NetFirewallRule -DisplayName "Remote Desktop custom port" -Direction Inbound -Protocol TCP -LocalPort <port> -Action Allow` 명령으로 규칙을 추가하고 보안 그룹에서도 그 포트를 허용해 주세요. 그런 다음 `Restart-Service TermService -Force` 명령으로 적용하시거나(VNC 세션은 끊기지 않아요) 인스턴스를 재시작해 주세요.
win-opt-registry-fixed = 맞추고 원격 데스크톱을 다시 시작했어요
    .aliases = 맞췄어요, 수정했어요, 다시 시작했어요, 재시작했어요, 수정 완료, 완료, 맞췄, 수정했, 재시작했

win-registry-port-title = 원격 데스크톱 포트
win-registry-port = 지금 **RDP-Tcp** 키에 설정된 포트는 몇 번인가요? 10진수로 입력해 주세요(누가 바꾸지 않았다면 3389예요). 봇이 있는 곳에서 그 포트를 테스트해 볼게요.

win-restart-rds-title = 원격 데스크톱 서비스 다시 시작
win-restart-rds = Windows 안에서(VNC로 접속해서) 원격 로그인을 받는 서비스를 다시 시작해 주세요. `services.msc`를 실행하고 **원격 데스크톱 서비스**(Remote Desktop Services)를 찾아 마우스 오른쪽 버튼으로 클릭한 뒤 **다시 시작**(Restart)을 선택하거나, PowerShell에서 `Restart-Service TermService -Force` 명령을 실행해 주세요. 서비스가 **사용 안 함**(Disabled)이면 먼저 `Set-Service TermService -StartupType Manual`을 실행하고, **중지하는 중**(Stopping)에서 멈춰 있으면 프로세스를 끝낸 뒤(`sc.exe queryex TermService`로 PID를 확인하고 `taskkill /f /pid <PID>`) 다시 시작해 주세요. VNC 세션은 끊기지 않아요. 다 되면 알려 주세요. 다시 점검할게요.

win-errors-title = 클라이언트에 나오는 메시지
win-errors = 원격 데스크톱 클라이언트에서 연결에 실패할 때 어떤 메시지가 나오나요?
win-opt-err-password = "로그온 시도가 실패했습니다"(The logon attempt failed) / 비밀번호가 틀렸거나 기억나지 않음
    .aliases = 비밀번호, 비밀번호 오류, 비밀번호 틀림, 비번, 로그온 실패, 로그온 시도 실패, 자격 증명, 비밀번호 분실, 비밀번호가 틀, 비밀번호 틀, 로그온 시도, 비밀번호를 잊, 까먹
win-opt-err-no-right = "사용자 계정에 원격 로그인 권한이 없으므로 연결이 거부되었습니다"
    .aliases = 연결 거부, 거부, 권한, 권한 없음, 원격 로그인 권한, 권한이 없, 권한 없, 거부되었, 연결이 거부
win-opt-err-auth = "인증 오류가 발생했습니다"(An authentication error has occurred) (CredSSP)
    .aliases = 인증 오류, 인증, 인증 오류가 발생했습니다, 인증 에러
win-opt-err-cannot-connect = "원격 데스크톱에서 원격 컴퓨터에 연결할 수 없습니다"
    .aliases = 연결할 수 없음, 연결할 수 없습니다, 연결 불가, 원격 컴퓨터에 연결할 수 없습니다, 연결할 수 없, 접속할 수 없
win-opt-err-mac = Mac에서 접속하는데 안 돼요
    .aliases = 맥, 맥북, 맥에서, mac에서, 맥으로
win-opt-err-other = 다른 메시지가 나와요
    .aliases = 기타, 다른 메시지, 다른 오류, 그 외, 다른 에러

win-credentials-title = 사용자 이름과 비밀번호
win-credentials = 먼저 계정을 확인해 주세요. 기본 사용자 이름은 **Administrator**예요(도메인 없이 입력하시거나 `.\Administrator`로 입력해 주세요). 비밀번호는 대소문자를 구분해요. 비밀번호를 잊으셨다면 클라우드 콘솔에서 재설정해 주세요. 인스턴스를 선택하고 **더 보기**(More) > **비밀번호 재설정**(Reset Password)을 선택하면 돼요. (인스턴스를 재시작해야 적용돼요. 콘솔에서 인스턴스를 중지할지 함께 물어봐요.) 그런 다음 새 비밀번호로 `{ $ip }:{ $port }` 주소에 접속해 보세요. 이제 로그인되나요?

win-err-logon-right-title = 원격 로그온 권한
win-err-logon-right = 사용 중인 계정에 원격 데스크톱으로 로그온할 권한이 없어요. VNC로 접속해 `secpol.msc`를 실행하고 **로컬 정책**(Local Policies) > **사용자 권한 할당**(User Rights Assignment)에서 **원격 데스크톱 서비스를 통한 로그온 허용**(Allow log on through Remote Desktop Services)을 열어 주세요. 여기에 **Administrators**와 **Remote Desktop Users**(또는 사용 중인 계정)가 있어야 해요. **원격 데스크톱 서비스를 통한 로그온 거부**(Deny log on through Remote Desktop Services)에 계정이 들어 있지 않은지도 확인해 주세요. 계정을 **Remote Desktop Users** 그룹에 넣으려면 `Add-LocalGroupMember -SID S-1-5-32-555 -Member <user>` 명령을 실행해 주세요(그룹 이름은 Windows 표시 언어마다 다를 수 있지만 SID는 같아요). 그런 다음 `gpupdate /force` 명령을 실행하고 다시 접속해 보세요. 이제 로그인되나요?

win-err-mac-title = Mac에서 접속하는 경우
win-err-mac = Microsoft의 공식 클라이언트인 **Windows App**(이전 이름: Microsoft Remote Desktop)을 App Store에서 설치해 최신 버전으로 업데이트해 주세요. 오래된 서드파티 클라이언트는 최신 Windows 서버에 연결하지 못하는 경우가 많아요. PC를 `{ $ip }:{ $port }` 주소로 추가하고 사용자 이름은 `Administrator`(또는 사용 중인 계정)로 입력한 뒤, 인증서 경고가 나오면 수락해 주세요. 오류 코드 **0x204**가 나온다면 Mac이 서버에 아예 연결하지 못한 거예요. 클라이언트가 아니라 네트워크 문제라서, 다음으로 Mac에서 포트를 테스트해 볼게요. 이제 로그인되나요?

win-err-auth-title = 인증 오류(CredSSP)
win-err-auth = 대개 클라이언트와 서버의 네트워크 수준 인증(NLA, CredSSP) 설정이 맞지 않을 때 나오고, 한쪽에만 보안 업데이트가 설치된 경우가 많아요. 제대로 해결하려면 양쪽 모두에 최신 Windows 업데이트를 설치해야 해요. 당장 접속하셔야 한다면 VNC로 서버에 접속해 `SystemPropertiesRemote`를 실행하고 **네트워크 수준 인증을 사용하여 원격 데스크톱을 실행하는 컴퓨터에서만 연결 허용**(Allow connections only from computers running Remote Desktop with Network Level Authentication)의 선택을 해제한 뒤, 접속해서 업데이트하고 다시 선택해 주세요. 비밀번호가 틀렸을 때도 이 메시지가 나오니 비밀번호도 다시 확인해 주세요(대소문자를 구분해요).

win-err-cannot-connect-title = 원격 컴퓨터에 연결할 수 없음
win-err-cannot-connect = 이 메시지는 고객님의 클라이언트가 { $port }번 포트에서 쓸 만한 응답을 받지 못했다는 뜻이에요. { $port_state ->
        [open] 제가 점검할 때는 포트가 정상적으로 응답해요. 서버는 켜져 있고 연결도 받아들이고 있으니, 문제는 고객님 컴퓨터와 서버 사이에 있어요. 먼저 고객님 컴퓨터에서 포트를 테스트해 보세요({ $client ->
            [mac] 터미널에서 `nc -vz -G 5 { $ip } { $port }`
            [linux] `nc -vz -w 5 { $ip } { $port }`
           *[other] PowerShell에서 `Test-NetConnection { $ip } -Port { $port }`
        }). 거기서 실패하면 보안 그룹의 소스 규칙에 고객님 주소가 빠져 있거나, 인터넷 회사나 회사 네트워크가 나가는 { $port }번 포트를 막고 있을 수 있어요. 연결된다면 클라이언트가 정확히 `{ $ip }:{ $port }`로 접속하는지 확인해 주세요.
        [closed] 제가 점검할 때도 거부돼요. 서버 안에서 이 포트로 연결을 받는 서비스가 없으니, 원격 데스크톱 서비스가 멈춰 있거나 다른 포트에서 대기하고 있는 거예요. VNC로 접속해 `Get-NetTCPConnection -State Listen -LocalPort { $port }` 명령으로 이 포트에서 대기하는 게 있는지 확인하시고, `Restart-Service TermService -Force` 명령으로 서비스를 다시 시작해 주세요.
        [filtered] { $user_port ->
            [ok] 제가 점검할 때는 버려지지만 고객님의 테스트는 연결됐어요. 규칙이 고객님 주소만 허용하고 있는 거라 고객님이 접속하는 데는 문제가 없어요. 클라이언트가 정확히 `{ $ip }:{ $port }`로 접속하는지, 고객님 컴퓨터의 VPN이나 프록시가 연결을 다른 길로 보내고 있지 않은지 확인해 주세요.
           *[other] 제가 점검할 때도 Windows가 응답하기 전에 버려져요. 보안 그룹이나 Windows Defender 방화벽이 막고 있는 거예요. VNC로 접속해 `Get-NetFirewallRule -Group "@FirewallAPI.dll,-28752" | Format-Table DisplayName, Enabled, Profile` 명령으로 기본 제공 원격 데스크톱 규칙을 확인해 주세요(`Enable-NetFirewallRule -Group "@FirewallAPI.dll,-28752"` 명령으로 켤 수 있고, 3389번 포트에만 해당돼요). 다른 포트라면 규칙을 추가해 주세요: `New-NetFirewallRule -DisplayName "Remote Desktop { $port }" -Direction Inbound -Protocol TCP -LocalPort { $port } -Action Allow`.
        }
       *[other] 제가 있는 곳에서는 확실하게 점검하지 못했으니, 고객님의 테스트 결과로 판단할게요. { $client ->
            [mac] 터미널에서 `nc -vz -G 5 { $ip } { $port }`
            [linux] `nc -vz -w 5 { $ip } { $port }`
           *[other] PowerShell에서 `Test-NetConnection { $ip } -Port { $port }`
        } 명령을 실행해 보세요. 실패한다면 보안 그룹의 소스 규칙, 서버의 Windows Defender 방화벽, 또는 고객님 쪽 네트워크(인터넷 회사, 회사망)가 막고 있는 거예요.
    }{ $moved ->
        [yes] {" "}{ $port }번은 기본 포트(3389)가 아니니 `{ $ip }:{ $port }` 형식으로 접속해 주세요.
       *[other] {""}
    }

win-opt-mac-0x204 = 오류 코드 0x204가 나와요
    .aliases = 0x204, 0x00000204, 오류 0x204, 에러 0x204, 코드 0x204, 0x204 오류, 0x204 에러, 오류 코드 0x204

win-opt-err-sessions = 원격 데스크톱 라이선스 서버 오류 / 사용자 수, 세션 제한
    .aliases = 라이선스, 라이센스, 라이선스 서버, 라이센스 서버, 사용자가 너무 많, 세션 제한, 최대 연결 수, 다른 사용자가 로그인, 세션
win-opt-err-account = 계정 잠김 / 비밀번호 만료 또는 변경 필요
    .aliases = 계정이 잠겨, 계정 잠김, 잠겨 있습니다, 잠겼, 비밀번호 만료, 비밀번호가 만료, 암호가 만료, 암호를 변경, 비밀번호를 변경, 계정이 비활성, 계정 사용 안 함
win-opt-err-internal = "내부 오류가 발생했습니다"
    .aliases = 내부 오류, 내부 오류가 발생했습니다, 내부 오류 발생

win-err-sessions-title = 세션과 라이선스
win-err-sessions = Windows Server는 관리용 원격 데스크톱 세션을 두 개까지 허용해요. 그보다 많이 쓰려면 원격 데스크톱 세션 호스트 역할과 라이선스가 필요하고, 라이선스 서버 없이 120일 유예 기간이 끝나면 라이선스 메시지와 함께 로그인이 실패해요.
    • 지금 바로 접속하려면: `mstsc /admin /v:{ $ip }:{ $port }` 명령은 라이선스가 필요 없는 관리용 세션으로 접속해요.
    • 세션이 가득 찼다면: VNC로 접속해 `qwinsta` 명령으로 세션 목록을 볼 수 있고(연결이 끊긴 세션도 자리를 차지해요), `logoff <ID>` 명령으로 세션을 끝낼 수 있어요.
    • 역할: `Get-WindowsFeature RDS-RD-Server` 명령으로 설치되어 있는지 확인해 주세요. 라이선스 서버가 없다면 역할을 제거하시고(`Uninstall-WindowsFeature RDS-RD-Server` 실행 후 재시작) 관리용 세션 두 개로 돌아가시거나, 사용 중인 라이선스 서버를 지정해 주세요.
    이제 로그인되나요?

win-err-account-title = 계정 잠김, 사용 안 함, 만료
win-err-account = 계정 자체가 로그인을 거부하고 있어요. VNC로 접속해 PowerShell에서 확인해 주세요.
    • `Get-LocalUser <user> | Format-List Name, Enabled, PasswordExpires, PasswordLastSet` 명령으로 계정이 비활성화되어 있는지(`Enabled`가 `False`면 `Enable-LocalUser <user>`), 비밀번호가 언제 만료되는지 볼 수 있어요.
    • **계정 잠김:** 잘못된 비밀번호가 여러 번 입력되면 잠겨요({ $port }번 포트가 열려 있으면 봇이 비밀번호를 대입해 보는 경우가 많아요). 잠금 시간이 지나면 저절로 풀리고(`secpol.msc` > 계정 잠금 정책), 바로 풀려면 `Get-CimInstance Win32_UserAccount -Filter "LocalAccount=True AND Name='<user>'" | Set-CimInstance -Property @{"{"}Lockout=$false{"}"}` 명령을 실행해 주세요.
    • **비밀번호 만료, 또는 다음 로그온 때 변경해야 하는 경우:** 네트워크 수준 인증(NLA)을 쓰면 접속하는 동안에는 비밀번호를 바꿀 수 없어요. VNC로 로그인하면 Windows가 새 비밀번호를 물어보니 거기서 바꾸시거나, `Set-LocalUser <user> -Password (Read-Host -AsSecureString)` 명령으로 정하시거나, 콘솔에서 재설정해 주세요(**더 보기**(More) > **비밀번호 재설정**(Reset Password)).
    이제 로그인되나요?

win-err-internal-title = "내부 오류가 발생했습니다"
win-err-internal = 보통 서버 쪽 암호화, 즉 원격 데스크톱 인증서나 인증서가 저장된 키 저장소에 문제가 있을 때 나와요. VNC로 접속해 PowerShell에서 확인해 주세요.
    • `Get-ChildItem 'Cert:\LocalMachine\Remote Desktop'` 명령으로 인증서를 볼 수 있어요. 만료되었거나 깨진 인증서는 지우고 서비스를 다시 시작하면 새로 만들어져요: `Get-ChildItem 'Cert:\LocalMachine\Remote Desktop' | Remove-Item` 실행 후 `Restart-Service TermService -Force`.
    • 그래도 안 되면 키 저장소 권한이 좁혀졌을 수 있어요. `icacls C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys /grant *S-1-5-32-544:(F) *S-1-5-18:(F)` 명령으로 Administrators와 SYSTEM에 모든 권한을 다시 주신 뒤(SID로 지정해서 Windows 표시 언어와 관계없이 동작해요) 서비스를 한 번 더 다시 시작해 주세요.
    이제 로그인되나요?

win-resources-title = Windows의 CPU, 메모리, 디스크
win-resources = CPU나 메모리, 디스크 공간이 바닥난 Windows 서버는 VNC에서도 아주 느리고, 원격 데스크톱 로그인을 끝내 마치지 못할 수 있어요. PowerShell에서 확인해 주세요(모두 Windows 표시 언어와 관계없이 동작해요).
    • CPU: `Get-CimInstance Win32_Processor | Select-Object LoadPercentage`
    • 메모리: `Get-CimInstance Win32_OperatingSystem | Select-Object FreePhysicalMemory, TotalVisibleMemorySize` (KB 단위)
    • 디스크: `Get-PSDrive C` (**Free** 열)
    작업 관리자(`taskmgr` > **자세히**)에서도 한눈에 볼 수 있어요. CPU가 100%에 가깝거나, 메모리가 거의 남지 않았거나, C: 드라이브가 가득 찼나요?

win-resources-fix-title = 부하 줄이기
win-resources-fix = `Get-Process | Sort-Object CPU -Descending | Select-Object -First 10 Name, Id, CPU, WS` 명령으로 자원을 가장 많이 쓰는 프로세스를 찾고(메모리는 `WS`로 정렬해 주세요), `Stop-Process -Id <Id>` 명령이나 해당 서비스를 중지해서 멈춰 주세요. C: 드라이브가 가득 찼다면 `cleanmgr`를 실행하시거나, 오래된 업데이트 다운로드 파일을 지우시거나(`Stop-Service wuauserv` 실행 후 `C:\Windows\SoftwareDistribution\Download` 비우기), 콘솔에서 디스크를 늘려 주세요. 평소 수준의 부하라면 더 큰 인스턴스 유형으로 바꿔 주세요. 다 되면 알려 주세요. 다시 점검할게요.

win-network-title = Windows의 네트워크 어댑터
win-network = 보안 그룹과 방화벽은 문제없어 보이는데 고객님과 저 모두 응답을 받지 못하고 있어요. 그러니 Windows 안의 네트워크 어댑터를 살펴볼게요. VNC로 접속해 PowerShell에서 확인해 주세요.
    • `Get-NetAdapter | Format-Table Name, Status, MacAddress`: 어댑터가 **Up**이어야 해요. **Disabled**라면 `Enable-NetAdapter -Name "<Name>"` 명령으로 켜 주세요.
    • `Get-NetIPConfiguration`(또는 `ipconfig /all`): IPv4 주소가 인스턴스의 사설 IP(콘솔에 나와요)여야 하고 기본 게이트웨이가 있어야 해요. 누군가 직접 입력한 고정 주소가 맞지 않으면 서버가 네트워크에서 끊겨요. `netsh interface ip set address name="<Name>" source=dhcp`와 `netsh interface ip set dns name="<Name>" source=dhcp` 명령으로 DHCP로 되돌려 주세요.
    찾은 게 있나요?

## Linux
linux-vnc-title = VNC로 로그인
linux-vnc = 다음 점검은 서버에서 직접 해야 하니, SSH가 안 될 때도 쓸 수 있는 브라우저 콘솔로 로그인해 주세요. 클라우드 콘솔에서 인스턴스를 선택하고 **로그인**(Log In)을 클릭한 뒤 **VNC**를 선택하면 돼요. VNC에서는 root나 사용 중인 계정의 OS 비밀번호가 필요해요. 키로만 로그인해 와서 비밀번호가 없다면 콘솔에서 먼저 설정해 주세요(인스턴스 > **더 보기**(More) > **비밀번호/키**(Password/Key) > **비밀번호 재설정**(Reset Password), 인스턴스가 재시작돼요). 로그인되셨나요?
linux-opt-vnc-slow = 너무 느리거나 멈춰 있어요
    .aliases = 느려요, 느림, 멈춤, 멈췄어요, 멈춰 있어요, 먹통, 화면 멈춤, 멈췄, 멈춰, 버벅, 계속 로딩, 로딩만
linux-vnc-help = 다음 점검은 모두 콘솔에서 해야 해서, VNC 콘솔에 들어가는 것부터 도와드릴게요. **VNC 콘솔**은 브라우저에서 서버 화면을 직접 여는 방법이에요. 클라우드 콘솔의 인스턴스 목록에서 서버 행의 **로그인**(Log In)을 클릭하고 **VNC**를 선택해 주세요.
    • **비밀번호를 물어보면:** SSH 키가 아니라 서버 계정({ $distro ->
        [redhat] root
       *[other] root, Ubuntu 이미지는 ubuntu
    })의 비밀번호예요. 키로만 로그인해 오셨다면 그 계정에는 비밀번호가 없을 수도 있어요. 서버 행의 **더 보기**(More) > **비밀번호/키**(Password/Key) > **비밀번호 재설정**(Reset Password)에서 비밀번호를 정하시고(인스턴스가 재시작돼요) 그 비밀번호로 로그인해 주세요.
    • **화면이 까맣게 나오면:** Enter 키를 한 번 눌러 주세요. 꺼져 있던 콘솔 화면이 켜지면서 로그인 프롬프트가 나와요.
    • **몇 분이 지나도 까맣거나 멈춰 있으면:** 탭을 닫고 VNC를 다시 열어 보세요. 그래도 멈춰 있으면 콘솔에서 인스턴스를 재시작하시고(**더 보기**(More) > **재시작**(Restart)) 부팅이 끝난 뒤 다시 열어 주세요.
    이제 로그인되셨나요?

linux-firewall-title = 서버 내부 방화벽
linux-firewall = { $distro ->
        [debian] 서버 내부 방화벽이 { $port }번 포트를 허용하는지 확인해 주세요.
            • ufw: `sudo ufw status`. 22번 포트는 `OpenSSH` 또는 `22/tcp` 줄에 `ALLOW`로 표시돼요. 열려면: `sudo ufw allow { $port }/tcp`.
            • iptables나 nftables만 쓰는 경우: `sudo iptables -S INPUT` 또는 `sudo nft list ruleset`. { $port }번 포트를 허용하는 `ACCEPT`보다 앞에 이 포트를 막는 `DROP`이나 `REJECT`가 있는지 봐 주세요. 열려면: `sudo iptables -I INPUT -p tcp --dport { $port } -j ACCEPT`. 재시작해도 유지되도록 `sudo netfilter-persistent save`로 저장해 주세요.
            방화벽이 TCP { $port }번 포트를 허용하나요? (또는 방화벽이 아예 없나요?)
        [redhat] 서버 내부 방화벽이 { $port }번 포트를 허용하는지 확인해 주세요.
            • firewalld: 먼저 `sudo firewall-cmd --get-active-zones`로 네트워크 인터페이스가 속한 영역(zone)을 확인하고, `sudo firewall-cmd --zone=<영역> --list-all`을 실행해 주세요. 22번 포트는 `services:` 아래에 `ssh`로, 다른 포트는 `ports:` 아래에 표시돼요. 열려면: `sudo firewall-cmd --permanent --zone=<영역> --add-port={ $port }/tcp` 명령을 실행한 뒤 `sudo firewall-cmd --reload`.
            • iptables나 nftables만 쓰는 경우: `sudo iptables -S INPUT` 또는 `sudo nft list ruleset`. { $port }번 포트를 허용하는 `ACCEPT`보다 앞에 이 포트를 막는 `DROP`이나 `REJECT`가 있는지 봐 주세요. (CentOS 7 기본 규칙 `REJECT --reject-with icmp-host-prohibited`도 그중 하나예요.) 열려면: `sudo iptables -I INPUT -p tcp --dport { $port } -j ACCEPT`. 재시작해도 유지되도록 `sudo service iptables save`(CentOS 7, 이후 버전은 firewalld를 써 주세요)로 저장해 주세요.
            방화벽이 TCP { $port }번 포트를 허용하나요? (또는 방화벽이 아예 없나요?)
       *[other] 서버 내부 방화벽이 { $port }번 포트를 허용하는지 확인해 주세요. 배포판에 따라 달라요.
            • ufw를 쓰는 Ubuntu/Debian: `sudo ufw status`. 22번 포트는 `OpenSSH` 또는 `22/tcp` 줄에 `ALLOW`로 표시돼요. 열려면: `sudo ufw allow { $port }/tcp`.
            • firewalld를 쓰는 CentOS, Rocky, RHEL: 먼저 `sudo firewall-cmd --get-active-zones`로 네트워크 인터페이스가 속한 영역(zone)을 확인하고, `sudo firewall-cmd --zone=<영역> --list-all`을 실행해 주세요. 22번 포트는 `services:` 아래에 `ssh`로, 다른 포트는 `ports:` 아래에 표시돼요. 열려면: `sudo firewall-cmd --permanent --zone=<영역> --add-port={ $port }/tcp` 명령을 실행한 뒤 `sudo firewall-cmd --reload`.
            • iptables나 nftables만 쓰는 경우: `sudo iptables -S INPUT` 또는 `sudo nft list ruleset`. { $port }번 포트를 허용하는 `ACCEPT`보다 앞에 이 포트를 막는 `DROP`이나 `REJECT`가 있는지 봐 주세요. (CentOS 7 기본 규칙 `REJECT --reject-with icmp-host-prohibited`도 그중 하나예요.) 열려면: `sudo iptables -I INPUT -p tcp --dport { $port } -j ACCEPT`. 재시작해도 유지되도록 `sudo netfilter-persistent save`(Ubuntu, Debian) 또는 `sudo service iptables save`(CentOS 7)로 저장해 주세요.
            방화벽이 TCP { $port }번 포트를 허용하나요? (또는 방화벽이 아예 없나요?)
    }
linux-opt-firewall-allows = { $port }번 포트를 허용해요 / 방화벽이 없어요
    .aliases = 허용, 허용돼요, 허용됨, 방화벽 없음, 방화벽 없어요, 방화벽 없, 비활성, 허용돼, 허용되어, 꺼져 있
linux-opt-firewall-fixed = 막혀 있어서 열었어요, 다시 점검해 주세요
    .aliases = 열었어요, 막혀 있었어요, 포트 열었어요, 고쳤어요, 막혀 있어서, 포트 열었, 허용했, 추가했
linux-skip-firewall = 방화벽과 보안 그룹 점검은 건너뛸게요. 외부에서 { $port }번 포트가 응답하니 둘 다 이 포트를 막고 있지 않아요.

linux-sshd-title = sshd가 실행 중인가요?
linux-sshd = { $distro ->
        [debian] 서버에서 `sudo systemctl status ssh` 명령을 실행해 주세요. Ubuntu 22.10 이상은 SSH를 필요할 때 시작해요. 그래서 `ssh.service`가 **inactive**로 보여도 `sudo systemctl status ssh.socket` 결과가 **active (listening)**이면 정상이에요. 어떻게 나오나요?
        [redhat] 서버에서 `sudo systemctl status sshd` 명령을 실행해 주세요. 어떻게 나오나요?
       *[other] 서버에서 Ubuntu와 Debian은 `sudo systemctl status ssh`, CentOS, Rocky, RHEL은 `sudo systemctl status sshd` 명령을 실행해 주세요. Ubuntu 22.10 이상은 SSH를 필요할 때 시작해요. 그래서 `ssh.service`가 **inactive**로 보여도 `sudo systemctl status ssh.socket` 결과가 **active (listening)**이면 정상이에요. 어떻게 나오나요?
    }
linux-opt-sshd-running = active (running)
    .aliases = 실행 중, 실행중, 돌아가요, 동작 중, 돌아가, running이라고, running 이라고
linux-opt-sshd-socket = { $distro ->
        [redhat] sshd는 inactive지만 sshd.socket은 active (listening)이에요
       *[other] ssh는 inactive지만 ssh.socket은 active (listening)이에요
    }
    .aliases = 소켓, 소켓 활성, ssh.socket 활성, ssh.socket active, ssh.socket은 active, sshd.socket
linux-opt-sshd-stopped = inactive (dead)
    .aliases = 중지, 중지됨, 멈춤, 실행 안, 실행이 안, 안 돌아, 멈춰, 꺼져, 죽어
linux-opt-sshd-failed = failed
    .aliases = 실패, 에러, 오류, exit-code
linux-opt-sshd-missing = "could not be found" (설치되어 있지 않음)
    .aliases = 서비스 없음, 찾을 수 없음, 찾을 수 없, 없대요, 없다고, 없다네요, 설치 안, 설치가 안
linux-sshd-install-title = SSH 서버 설치
linux-skip-sshd = sshd 점검은 건너뛸게요. { $port }번 포트에서 SSH 서버가 정상적으로 응답하니 sshd는 실행 중이고 연결을 기다리고 있어요.
linux-skip-legacy = { $port }번 포트에서 SSH 서버가 응답하지만, 최신 SSH 클라이언트가 거부하는 오래된 알고리즘만 제공해요. 로그인이 안 되는 이유가 여기에 있을 가능성이 크니 이것부터 해결해 볼게요.

linux-sshd-start-title = sshd 시작
linux-sshd-start = { $distro ->
        [debian] SSH 서비스를 시작하고 부팅할 때도 자동으로 시작되게 해 주세요: `sudo systemctl enable --now ssh`. 그런 다음 `sudo systemctl status ssh`로 다시 확인해 주세요. 실행되면 알려 주세요. 다시 점검할게요.
        [redhat] sshd를 시작하고 부팅할 때도 자동으로 시작되게 해 주세요: `sudo systemctl enable --now sshd`. 그런 다음 `sudo systemctl status sshd`로 다시 확인해 주세요. 실행되면 알려 주세요. 다시 점검할게요.
       *[other] sshd를 시작하고 부팅할 때도 자동으로 시작되게 해 주세요: `sudo systemctl enable --now ssh`(Ubuntu, Debian) 또는 `sudo systemctl enable --now sshd`(CentOS, Rocky, RHEL). 그런 다음 `sudo systemctl status ssh`(또는 `sshd`)로 다시 확인해 주세요. 실행되면 알려 주세요. 다시 점검할게요.
    }
linux-opt-sshd-fails = 시작되지 않아요
    .aliases = 시작 안 돼요, 시작 안 됨, 시작 실패, 오류, 에러, 시작이 안, 시작 안, 실패해요, 실패

linux-sshd-config-title = sshd가 시작되지 않거나 대기하지 않는 이유
linux-sshd-config = 원인을 찾아볼게요. 아래 첫 두 명령을 서버에서 실행하고 출력된 내용을 여기에 붙여넣어 주세요. 제가 읽어 보고 어떤 조치가 필요한지 알려 드릴게요. (무언가를 고치기 전에 콘솔에서 시스템 디스크 스냅샷을 만들어 두시면 되돌릴 수 있어요.)
    • `sudo sshd -t` 명령은 설정을 검사해요. 파일에 문제가 없으면 아무것도 출력하지 않고, 문제가 있으면 고칠 파일과 줄을 알려 줘요.{ $distro ->
        [redhat] {""}
       *[other] { " " }Debian과 Ubuntu에서는 ssh가 중지된 상태일 때 "Missing privilege separation directory: /run/sshd"라는 메시지도 나오는데, 이건 설정 오류가 아니에요. `sudo mkdir -p -m 0755 /run/sshd` 명령으로 디렉터리를 만들고 다시 검사해 주세요.
    }
    • { $distro ->
        [debian] `sudo journalctl -u ssh -n 50`
        [redhat] `sudo journalctl -u sshd -n 50`
       *[other] `sudo journalctl -u ssh -n 50`(CentOS, Rocky, RHEL은 `-u sshd`)
    } 명령으로 멈춘 이유를 볼 수 있어요. "Address already in use"가 나오면 다른 프로그램이 그 포트를 쓰고 있는 거예요. `sudo ss -tlnp` 명령으로 어떤 프로그램인지 확인할 수 있어요. "no hostkeys available"이 나오면 `sudo ssh-keygen -A`로 호스트 키를 만들어 주세요.{ $distro ->
        [debian] {""}
        [redhat] { " " }"Bind to port { $port } … Permission denied"가 나오면 SELinux가 기본이 아닌 포트를 막는 거예요: `sudo semanage port -a -t ssh_port_t -p tcp { $port }`.
       *[other] { " " }CentOS, Rocky, RHEL에서 "Bind to port { $port } … Permission denied"가 나오면 SELinux가 기본이 아닌 포트를 막는 거예요: `sudo semanage port -a -t ssh_port_t -p tcp { $port }`.
    }
    • `sudo grep -Ei '^(Port|ListenAddress)' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf` 명령으로 sshd가 쓰는 포트와 주소를 볼 수 있어요. (처음 읽은 값이 적용되고, `sshd_config.d`의 추가 설정 파일을 먼저 읽어요.){ $distro ->
        [redhat] {""}
       *[other] { " " }Ubuntu 24.04에서는 `Port`를 sshd_config에 적지만, `sudo systemctl daemon-reload`와 `sudo systemctl restart ssh.socket`을 실행해야 적용돼요. 22.10~23.10에서는 `sudo systemctl edit ssh.socket`에서 포트를 정하는데, 새 줄 앞에 빈 `ListenStream=` 줄을 넣어야 예전 포트가 함께 남지 않아요.
    }
    • `df -h /`와 `df -i /` 명령으로 디스크(또는 inode)가 가득 찼는지 확인해 주세요. 가득 차면 sshd가 세션을 시작하지 못해요.
    고친 뒤 `sudo sshd -t`로 검사하고 { $distro ->
        [debian] `sudo systemctl restart ssh`로
        [redhat] `sudo systemctl restart sshd`로
       *[other] `sudo systemctl restart ssh`(CentOS, Rocky, RHEL은 `sshd`)로
    } 다시 시작한 다음 알려 주세요. 다시 점검할게요.

linux-listen-title = sshd가 대기 중인가요?
linux-listen = { $port_state ->
        [closed] 밖에서 { $port }번 포트로 접속하면 거부돼요. 보통 sshd가 그 포트에서 대기하지 않는다는 뜻이에요(다른 포트에서 대기하거나 127.0.0.1에서만 대기하는 경우).{" "}
        [filtered] 밖에서 { $port }번 포트로 접속하면 아무 응답이 없어요. sshd가 대기 중이라면 중간에서 트래픽을 버리고 있는 거라, 서버 쪽 대기 상태부터 확인해 볼게요.{" "}
        [open] { $port }번 포트에서 무언가 응답하지만 SSH는 아니에요.{" "}
       *[other] {""}
    }`sudo ss -tlnp | grep -E 'sshd|systemd'` 명령을 실행해 주세요. `0.0.0.0:{ $port }` 또는 `[::]:{ $port }` 주소가 보이고 소유 프로세스가 `sshd`여야 해요.{ $distro ->
        [redhat] {""}
       *[other] { " " }Ubuntu 22.10 이상에서는 ssh.socket이 대신 대기하므로 `systemd`로 보여요.
    } `0.0.0.0` 대신 서버 자신의 사설 IP가 보여도 괜찮아요. 공인 IP가 그 주소로 연결되거든요. 어떻게 나오나요?
linux-opt-listen-yes = { $port }번 포트에서 모든 주소로 대기 중이에요
    .aliases = 대기 중, 리스닝, 모든 주소, 0.0.0.0
linux-opt-listen-other = 다른 포트에서 대기 중이에요
    .aliases = 다른 포트, 포트가 달라요, 다른 번호, 포트가 달라
linux-opt-listen-localhost = 127.0.0.1이나 이 서버에 없는 주소에서만 대기 중이에요
    .aliases = 로컬호스트, 로컬만, 내부 주소만, 127.0.0.1만, localhost만
linux-opt-listen-none = 전혀 대기하지 않아요
    .aliases = 대기 안 함, 대기 안 해요, 아무것도 없어요, 결과 없음, 아무것도, 결과가 없, 안 나와요, 대기 안, 안 보여요, 안 보이, 없네요

linux-custom-port-title = SSH 포트
linux-custom-port = sshd가 대기 중인 포트는 몇 번인가요? 번호를 입력해 주시면 봇이 있는 곳에서 테스트해 볼게요. (접속할 때는 `ssh -p <port>`로 포트를 지정하시고, 보안 그룹과 방화벽에서도 그 포트를 허용해 주세요.)

linux-bans-title = 차단 목록과 접근 제어
linux-bans = 무언가가 연결을 받은 뒤 끊거나, 일부 주소만 돌려보내고 있어요. 서버에서 다음을 확인해 주세요.
    • fail2ban: `sudo fail2ban-client status sshd` 명령으로 차단된 주소를 볼 수 있고, `sudo fail2ban-client set sshd unbanip <address>` 명령으로 차단을 풀 수 있어요.{ $egress ->
        [none] {""}
       *[other] { " " }봇의 주소도 차단 목록에 없는지 봐 주세요: { $egress }
    }
    • TCP Wrapper: `cat /etc/hosts.deny /etc/hosts.allow`. hosts.deny에 `sshd: ALL` 같은 줄이 있으면 hosts.allow에 없는 모든 주소가 막혀요.
    • sshd 자체 설정: `sudo grep -Ei '^(AllowUsers|DenyUsers|AllowGroups|MaxStartups)' /etc/ssh/sshd_config`.
    • 클라우드의 호스트 보안(Cloud Workload Protection)도 로그인 실패가 반복되면 주소를 차단해요. 호스트 보안 콘솔에서 무차별 대입(brute-force) 차단 목록을 확인하시고 고객님 주소를 허용해 주세요.
    차단이나 규칙을 찾아서 없애셨나요?
linux-opt-bans-found = 네, 찾아서 없앴어요, 다시 점검해 주세요
    .aliases = 찾았어요, 없앴어요, 지웠어요, 차단 해제, 해제했어요, 풀었어요, 찾아서, 해제했, 밴 되어, 차단돼 있어서
linux-opt-bans-none = 아무것도 없어요
    .aliases = 차단 없음, 차단된 것 없음, 차단된 거 없어요, 아무것도 없었어요, 차단된 거 없, 없어요, 비어 있, 아무것도 없

linux-legacy-title = 오래된 SSH 알고리즘
linux-legacy = 서버가 최신 OpenSSH 클라이언트가 더 이상 받아들이지 않는 키 교환, 호스트 키 또는 암호화(cipher) 알고리즘만 제공해서, 클라이언트가 "no matching key exchange method", "no matching host key type" 또는 "no matching cipher" 오류를 내며 연결을 포기해요. 지금 바로 접속하시려면 이번 연결에서만 그 알고리즘을 허용해 주세요: { $legacy_opts ->
        [none] `ssh -p { $port } -oKexAlgorithms=+diffie-hellman-group14-sha1 -oHostKeyAlgorithms=+ssh-rsa -oPubkeyAcceptedAlgorithms=+ssh-rsa <user>@{ $ip }`. (오류 메시지의 "Their offer:" 뒤에 나온 이름을 쓰시고, "no matching cipher" 오류라면 그중 하나를 추가해 주세요. 예: `-oCiphers=+aes128-cbc`)
       *[other] `ssh -p { $port } { $legacy_opts } <user>@{ $ip }` (이 서버가 제공하는 알고리즘으로 만든 옵션이에요.)
    } 그런 다음 서버의 OpenSSH를 업데이트해 최신 알고리즘을 제공하게 해 주세요. 이제 로그인되나요?

linux-client-error-title = ssh에 나오는 메시지
linux-client-error = 실패할 때 ssh(또는 사용 중인 SSH 클라이언트)에 어떤 메시지가 나오나요?
linux-opt-err-publickey = "Permission denied (publickey)"
    .aliases = 공개키, 공개 키, 퍼블릭키, 키 오류, publickey 오류
linux-opt-err-password = "Permission denied, please try again" / 비밀번호가 틀림
    .aliases = 비밀번호, 비밀번호 오류, 비밀번호 틀림, 비번, 비번 틀림, 비밀번호가 틀, 비번 틀, 비밀번호 틀
linux-opt-err-hostkey = "REMOTE HOST IDENTIFICATION HAS CHANGED" / "Host key verification failed"
    .aliases = 호스트 키, 호스트키, 호스트 키 변경, 호스트 키 오류
linux-opt-err-algorithms = "no matching key exchange method" / "no matching host key type"
    .aliases = 알고리즘, 알고리즘 오류, 키 교환
linux-opt-err-refused = "Connection refused" 또는 "Connection timed out"
    .aliases = 연결 거부, 거부, 시간 초과, 타임아웃, 연결 시간 초과
linux-opt-err-closed = 연결 직후 "Connection closed" 또는 "reset"
    .aliases = 연결 끊김, 끊겨요, 바로 끊겨요, 리셋, 끊깁니다, 끊어져, 연결이 끊
linux-opt-err-other = 다른 메시지가 나와요
    .aliases = 기타, 다른 메시지, 다른 오류, 그 외, 다른 에러

linux-key-title = 키 로그인
linux-key = 서버는 키 인증을 요구하는데 고객님의 키를 받아들이지 않았어요. 다음을 확인해 주세요.
    • 사용자 이름은 이미지에 따라 달라요. { $distro ->
        [debian] Ubuntu는 `ubuntu`이고, 이 클라우드의 Debian 이미지는 `root`예요. (다른 클라우드는 `admin` 등을 쓰니 이미지 설명을 확인해 주세요.)
        [redhat] 이 클라우드의 CentOS, Rocky 이미지는 `root`예요. (다른 클라우드는 `centos`, `rocky`, `ec2-user` 등을 쓰니 이미지 설명을 확인해 주세요.)
       *[other] Ubuntu는 `ubuntu`이고, 이 클라우드의 CentOS, Rocky, Debian 이미지는 `root`예요. (다른 클라우드는 `centos`, `rocky`, `admin` 등을 쓰니 이미지 설명을 확인해 주세요.)
    }
    • 인스턴스에 연결된 키 페어의 개인 키를 사용해 주세요: `ssh -i /path/to/key.pem -p { $port } <user>@{ $ip }`. macOS와 Linux에서는 키 파일을 본인만 읽을 수 있어야 해요: `chmod 600 /path/to/key.pem`. "Too many authentication failures"가 나오면 에이전트가 다른 키를 먼저 내민 거예요. `-o IdentitiesOnly=yes` 옵션을 붙여 주세요.
    • PuTTY는 `.ppk` 형식의 키가 필요해요. PuTTYgen에서 `.pem` 파일을 **Load**하고 **Save private key**로 저장한 뒤, **Connection** > **SSH** > **Auth**에서 그 파일을 선택해 주세요. 반대로 `ssh`에는 OpenSSH 형식이 필요해요(PuTTYgen > **Conversions** > **Export OpenSSH key**).
    • 콘솔에서 인스턴스에 어떤 SSH 키 페어가 연결되어 있는지 확인해 주세요. 키를 연결하려면(인스턴스 > **더 보기**(More) > **비밀번호/키**(Password/Key) > **키 연결**(Bind Key)) 인스턴스를 중지해야 해요.
    • VNC로 접속해서: `~/.ssh`는 권한 700, `~/.ssh/authorized_keys`는 권한 600이어야 하고, 소유자는 그 사용자여야 해요. 홈 디렉터리도 그룹이나 다른 사용자가 쓸 수 없어야 해요(`chmod go-w ~`). 그렇지 않으면 sshd가 키를 무시해요.{ $distro ->
        [debian] {""}
        [redhat] { " " }키를 손으로 복사해 넣었다면 SELinux 레이블이 틀렸을 수 있어요: `sudo restorecon -Rv ~/.ssh`.
       *[other] { " " }CentOS, Rocky, RHEL에서 키를 손으로 복사해 넣었다면 SELinux 레이블이 틀렸을 수 있어요: `sudo restorecon -Rv ~/.ssh`.
    }
    이제 로그인되나요?

linux-credentials-title = 비밀번호 로그인
linux-credentials = 비밀번호는 대소문자를 구분하고, 사용자 이름은 이미지에 따라 달라요({ $distro ->
        [debian] Ubuntu는 `ubuntu`, Debian은 `root`
        [redhat] 이 클라우드의 CentOS, Rocky 이미지는 `root`
       *[other] Ubuntu는 `ubuntu`, 대부분의 다른 이미지는 `root`
    }). 비밀번호를 잊으셨다면 클라우드 콘솔에서 재설정해 주세요(인스턴스 > **더 보기**(More) > **비밀번호/키**(Password/Key) > **비밀번호 재설정**(Reset Password), 인스턴스가 재시작돼요). SSH 비밀번호 로그인을 꺼 둔 이미지도 많아요. VNC로 접속해 `sudo sshd -T | grep -Ei 'passwordauthentication|permitrootlogin'` 명령을 실행하면 sshd가 실제로 쓰는 값을 볼 수 있어요. (`passwordauthentication no`면 키로만 로그인할 수 있고, `permitrootlogin`이 `prohibit-password`나 `no`면 root는 비밀번호로 로그인할 수 없어요.) 바꾸려면 먼저 어디에 설정되어 있는지 찾아 주세요: `sudo grep -ri passwordauthentication /etc/ssh/sshd_config /etc/ssh/sshd_config.d/`. sshd는 처음 읽은 값을 쓰는데, { $distro ->
        [redhat] `/etc/ssh/sshd_config.d/` 안의 추가 설정 파일(9 버전의 `50-redhat.conf`, 클라우드 이미지에서는 흔히 `50-cloud-init.conf`)을 본 파일보다 먼저 읽으니 그 파일에서 고쳐야 해요.
       *[other] Ubuntu와 Debian 클라우드 이미지에서는 `/etc/ssh/sshd_config.d/50-cloud-init.conf` 같은 추가 설정 파일을 본 파일보다 먼저 읽으니 그 파일에서 고쳐야 해요.
    } 그다음 { $distro ->
        [debian] `sudo sshd -t && sudo systemctl restart ssh`로
        [redhat] `sudo sshd -t && sudo systemctl restart sshd`로
       *[other] `sudo sshd -t && sudo systemctl restart ssh`(CentOS, Rocky, RHEL은 `sshd`)로
    } 재시작하고 `sudo sshd -T`로 적용됐는지 확인해 주세요. 이제 로그인되나요?

linux-hostkey-title = 바뀐 호스트 키
linux-hostkey = 고객님 컴퓨터가 { $ip } 주소에 대해 다른 키를 기억하고 있어요. 인스턴스를 재설치했거나 주소가 새 인스턴스로 옮겨 갔다면 정상이에요. 그런 경우라면 `ssh-keygen -R { $ip }` 명령으로 예전 키를 지우고(22번이 아닌 포트라면 `ssh-keygen -R "[{ $ip }]:{ $port }"`), 다시 접속해 새 키를 수락해 주세요. 고객님 쪽에서 바뀐 게 없다면 키를 지우지 마시고 먼저 지원팀에 문의해 주세요. 이제 로그인되나요?

linux-verbose-title = ssh 상세 로그
linux-verbose = 로그인이 어디에서 멈추는지 볼게요. `ssh -v -p { $port } <user>@{ $ip }` 명령을 실행하고 오류 직전의 마지막 몇 줄을 읽어 보세요. 실패한 단계(키 교환, 인증 방식, 제시한 키)가 나와 있어요. 이 출력은 꼭 보관해 주세요. 여기서 해결되지 않으면 티켓에 함께 들어가요. 이제 로그인되나요?

linux-resources-title = CPU와 메모리
linux-resources = CPU나 메모리가 바닥난 서버는 연결은 받아도 로그인을 끝내 마치지 못할 수 있어요. VNC 콘솔에서 `top`(`q`를 누르면 종료), `free -m`, `uptime`, 그리고 디스크와 inode는 `df -h /`, `df -i /` 명령으로 확인해 주세요. CPU가 100%에 가깝거나, 로드 평균(load average)이 CPU 개수보다 훨씬 높거나, 메모리가 거의 남지 않았거나, 디스크가 가득 찼나요?
linux-opt-resources-high = 네, 과부하 상태이거나 가득 찼어요
    .aliases = 과부하, 높아요, 가득 찼어요, 꽉 찼어요, 부하 높음, 100%, 꽉 찼, 가득 찼, 거의 없어요, 부족
linux-opt-resources-normal = 아니요, 정상으로 보여요
    .aliases = 정상, 정상이에요, 괜찮아요, 문제 없어요, 괜찮아, 문제 없, 별 문제 없

linux-resources-fix-title = 부하 줄이기
linux-resources-fix = `ps aux --sort=-%cpu | head`와 `ps aux --sort=-%mem | head` 명령으로 원인 프로세스를 찾고, `sudo dmesg | grep -i oom`(또는 `sudo journalctl -k | grep -i oom`) 명령으로 메모리가 부족해 커널이 프로세스를 강제 종료했는지 확인해 주세요. 서버 자원을 잡아먹는 프로세스를 중지하거나 재시작하시고(`sudo systemctl stop <service>` 또는 `sudo kill <pid>`), 디스크가 가득 찼다면 공간을 확보하시거나 인스턴스를 재시작해 주세요. 평소 수준의 부하라면 더 큰 인스턴스 유형으로 바꿔 주세요. 다 되면 알려 주세요. 다시 점검할게요.

linux-opt-err-account = "This account is currently not available" / 계정이나 비밀번호 만료
    .aliases = 계정, 계정 만료, 만료된 계정, 계정이 만료, 계정 잠김, 계정이 잠겨, 비밀번호 만료, 비밀번호가 만료, not available, this account is currently not available

linux-account-title = 계정 자체 문제
linux-account = 비밀번호나 키가 맞아도 계정 자체가 로그인을 거부할 수 있어요. VNC에서 root로 접속해 고객님 계정(`<user>`)을 확인해 주세요.
    • `sudo passwd -S <user>`: 두 번째 칸이 `L`이나 `LK`면 비밀번호가 잠긴 거예요(`sudo passwd -u <user>`로 풀 수 있어요). `sudo chage -l <user>`로 계정이나 비밀번호가 만료됐는지 볼 수 있어요. `sudo chage -E -1 <user>`는 계정 만료를 없애고, `sudo passwd <user>`는 새 비밀번호를 정해요.
    • `getent passwd <user>`: 마지막 칸이 셸이에요. `/sbin/nologin`, `/usr/sbin/nologin`, `/bin/false`면 아무도 로그인할 수 없어요: `sudo usermod -s /bin/bash <user>`.
    • `ls /etc/nologin /run/nologin`: 둘 중 하나라도 있으면 root만 로그인할 수 있어요(종료나 업데이트 중에 남은 파일이에요): `sudo rm -f /etc/nologin /run/nologin`.
    • `ls -ld /home/<user> /home/<user>/.ssh`: 홈 디렉터리가 있어야 하고(`sudo mkhomedir_helper <user>`로 만들 수 있어요), 그룹이나 다른 사용자가 쓸 수 있으면 sshd가 키를 무시해요(StrictModes): `sudo chmod go-w /home/<user>`, `sudo chmod 700 /home/<user>/.ssh`.
    • root라면: `sudo sshd -T | grep -i permitrootlogin`. `no`면 키로도 root 로그인이 안 되고, `prohibit-password`면 root 비밀번호 로그인이 안 돼요. 이미지의 기본 사용자로 로그인해서 `sudo`를 써 주세요.
    이제 로그인되나요?

linux-network-title = 서버 안의 네트워크
linux-network = 보안 그룹과 방화벽은 문제없어 보이는데 고객님과 저 모두 응답을 받지 못하고 있어요. 그러니 서버 안의 네트워크를 살펴볼게요. VNC 콘솔에서 확인해 주세요.
    • `ip a`: 주 인터페이스(`eth0`, `ens5` 등)가 **UP**이고 인스턴스의 사설 IP(콘솔에 나와요)가 붙어 있어야 해요. 주소가 없거나 다른 주소라면 네트워크 설정이 바뀐 거예요.
    • `ip route`: `default via …` 줄이 있어야 해요. 없으면 응답이 서버 밖으로 나가지 못해요.
    • 설정 파일: { $distro ->
        [debian] Ubuntu는 `cat /etc/netplan/*.yaml`(적용은 `sudo netplan apply`), Debian은 `/etc/network/interfaces`예요.
        [redhat] `cat /etc/sysconfig/network-scripts/ifcfg-eth0`, 8 버전 이후라면 `nmcli connection show`예요.
       *[other] Ubuntu는 `cat /etc/netplan/*.yaml`(적용은 `sudo netplan apply`), Debian은 `/etc/network/interfaces`, CentOS, Rocky, RHEL은 `/etc/sysconfig/network-scripts/ifcfg-eth0` 또는 `nmcli connection show`예요.
    } 이 클라우드에서는 DHCP(`dhcp4: true`, `BOOTPROTO=dhcp`)가 안전한 설정이에요. 인스턴스의 사설 IP가 아닌 고정 주소를 쓰면 서버가 네트워크에서 끊겨요.
    찾은 게 있나요?

## 진단에서 배제된 원인 (보고서용)
ruled-out-self-check = 콘솔 자가 진단에서 문제가 발견되지 않았어요. (대역폭, 부하, 보안 그룹, DDoS, 보안 격리, 요금)
ruled-out-security-group = 보안 그룹이 로그인 포트를 허용하고 있어요. (사용자 확인)
ruled-out-allow-remote = "이 컴퓨터에 대한 원격 연결 허용"(Allow remote connections to this computer)이 켜져 있어요.
ruled-out-not-listening = 서버 안에서 원격 로그인 서비스가 { $port }번 포트에서 대기하고 있어요.
ruled-out-registry = 레지스트리의 PortNumber 값 두 개가 일치해요.
ruled-out-firewall = 서버 내부 방화벽이 { $port }번 포트를 허용해요.
ruled-out-resources = CPU, 메모리, 디스크가 바닥나지 않았어요.
ruled-out-bans = 연결을 거부하는 차단 목록이나 접근 제어 규칙이 없어요. (사용자 확인)

## 사용자 답변과 외부 점검 결과가 어긋나는 항목 (보고서용)
disputed-security-group = 사용자는 { $port }번 포트에 대한 보안 그룹 규칙을 확인했지만, 봇이 점검했을 때 { $port }번 포트는 여전히 드롭됐어요. 규칙이 봇의 주소를 허용하지 않거나, 인스턴스에 연결되지 않은 보안 그룹에 있거나, 네트워크 ACL이 막고 있을 수 있어요.
disputed-firewall = 사용자는 서버 내부 방화벽이 { $port }번 포트를 허용한다고 답했지만, 봇이 점검했을 때 { $port }번 포트는 여전히 드롭됐어요.

## 붙여 넣은 내용에서 알 수 있는 점, 다음 단계로 넘어가기 전에 안내 (붙여 넣기 경로의 안내 문구)
paste-contradicts-filtered = 고객님 쪽 테스트는 { $port }번 포트까지 연결되는데, 봇의 연결은 드롭돼요. 어떤 규칙이 고객님 주소는 허용하고 봇의 주소는 허용하지 않고 있어요.
paste-client-old-port = 클라이언트가 아직 예전 포트인 { $client_port }번으로 접속하고 있어요. 로그인 서비스는 이제 { $port }번 포트에서 응답하니, 새 포트가 막힌 게 아니라 접속할 포트만 바꾸면 돼요.
paste-sshd-bind-denied = { $distro ->
        [debian] sshd가 그 포트를 쓸 수 없어요. 시스템이 포트 사용을 거부했어요("Permission denied"). 보안 모듈이 막았거나(`sudo dmesg | grep -i denied`로 어느 모듈인지 확인할 수 있고, SELinux를 설치해 쓰고 계시다면 `sudo semanage port -a -t ssh_port_t -p tcp <포트>`로 허용할 수 있어요), sshd가 root 권한으로 실행되지 않은 거예요. `sudo systemctl restart ssh`로 다시 시작해 주세요.
        [redhat] sshd가 그 포트를 쓸 수 없어요. SELinux가 SSH용으로 지정된 포트만 sshd에 허용해요. `sudo semanage port -a -t ssh_port_t -p tcp <포트>`로 포트를 지정한 뒤 `sudo systemctl restart sshd`로 다시 시작해 주세요. (`semanage`가 없으면 `policycoreutils-python-utils`를, CentOS 7에서는 `policycoreutils-python`을 설치해 주세요.)
       *[other] sshd가 그 포트를 쓸 수 없어요. CentOS, Rocky, RHEL에서는 SELinux가 SSH용으로 지정된 포트만 sshd에 허용해요. `sudo semanage port -a -t ssh_port_t -p tcp <포트>`로 포트를 지정한 뒤 sshd를 다시 시작해 주세요. (`semanage`가 없으면 `policycoreutils-python-utils`를, CentOS 7에서는 `policycoreutils-python`을 설치해 주세요.)
    }
paste-contradicts-open = 고객님 클라이언트는 { $port }번 포트에 연결하지 못하지만, 봇은 연결할 수 있어요. 고객님과 서버 사이의 무언가가 연결을 막고 있어요.
paste-contradicts-closed = 서비스는 { $port }번 포트에서 대기하고 있는데, 외부에서 점검하면 "닫힘"으로 나와요. 연결을 거부하는(REJECT) 방화벽 규칙이나 차단 목록이 대신 응답하고 있어요.
paste-contradicts-closed-windows = 원격 데스크톱은 { $port }번 포트에서 대기하고 있는데, 외부에서 연결하면 서버가 거부해요("닫힘"). Windows 방화벽은 막을 때 연결을 드롭할 뿐 거부하지는 않아요. 그래서 대기 중인 서비스가 연결을 받지 못하는 상태이거나(원격 데스크톱 서비스가 멈춘 경우: 아래 안내대로 다시 시작해 주세요), 서버에 설치된 보안 프로그램이 연결을 거부하고 있을 가능성이 커요(보안 프로그램의 자체 방화벽이나 네트워크 보호 설정을 확인해 주세요).
paste-contradicts-filtered-listening = 서비스는 { $port }번 포트에서 대기하고 있는데, 봇의 연결은 도중에 드롭돼요. 서버 내부 방화벽이나 보안 그룹이 연결을 드롭하고 있어요.
paste-firewall-blocks = 방화벽이 TCP { $port }번 포트를 막고 있어요. 다음 명령으로 포트를 열어 주세요: { $firewall ->
        [ufw] `sudo ufw allow { $port }/tcp`
        [firewalld] `sudo firewall-cmd --permanent --add-port={ $port }/tcp && sudo firewall-cmd --reload`
        [iptables] `sudo iptables -I INPUT -p tcp --dport { $port } -j ACCEPT` (규칙을 저장하는 것도 잊지 마세요: { $distro ->
            [debian] `sudo netfilter-persistent save`
            [redhat] `sudo service iptables save`
           *[other] `sudo netfilter-persistent save` 또는 `sudo service iptables save`
        })
        [nft] `sudo nft insert rule inet filter input tcp dport { $port } accept` (테이블과 체인 이름은 사용 중인 규칙 세트에 맞게 바꾸시고, `/etc/nftables.conf`에도 추가해 주세요)
       *[other] `New-NetFirewallRule -DisplayName "Remote Desktop { $port }" -Direction Inbound -Protocol TCP -LocalPort { $port } -Action Allow`
    }
paste-firewall-open-but-dropped = 서버 내부 방화벽은 { $port }번 포트를 허용하는데도 봇의 연결은 드롭돼요. 연결을 드롭하는 곳은 보안 그룹(또는 네트워크 ACL)이에요.
paste-privsep = "Missing privilege separation directory: /run/sshd"는 설정 오류가 아니에요. ssh가 중지되어 있을 뿐이에요. `sudo mkdir -p -m 0755 /run/sshd` 명령을 실행하면 `sshd -t`가 정상적으로 동작해요. 서비스를 시작하면 이 디렉터리는 어차피 자동으로 만들어져요.
paste-sshd-config = sshd가 자체적으로 문제를 보고하고 있으니, sshd의 설정과 로그를 살펴볼게요.
paste-sshd-bad-config = 설정 파일의 한 줄 때문에 sshd가 시작되지 않고 있어요. `sudo sshd -t`를 실행하면 문제가 있는 파일과 줄 번호가 나와요(`/etc/ssh/sshd_config.d/` 안의 파일도 포함돼요). 그 줄을 고치거나 지운 뒤 `sudo sshd -t`가 아무것도 출력하지 않을 때까지 다시 확인하고, { $distro ->
        [debian] `sudo systemctl restart ssh`로
        [redhat] `sudo systemctl restart sshd`로
       *[other] `sudo systemctl restart ssh`(CentOS, Rocky, RHEL은 `sshd`)로
    } 다시 시작해 주세요.
paste-sshd-address-in-use = 다른 프로그램이 이미 { $port }번 포트를 쓰고 있어서 sshd가 시작되지 않고 있어요. `sudo ss -tlnp 'sport = :{ $port }'`로 무엇이 쓰고 있는지 확인해 주세요. { $distro ->
        [redhat] `systemd`(sshd.socket)라면 둘 중 하나만 남겨 주세요: `sudo systemctl disable --now sshd.socket && sudo systemctl restart sshd`.
       *[other] `systemd`(Ubuntu 22.10 이후의 ssh.socket)라면 둘 중 하나만 남겨 주세요: `sudo systemctl disable --now ssh.socket && sudo systemctl restart ssh`.
    } 다른 프로그램이라면 그 프로그램을 멈추거나 다른 포트로 옮겨 주세요.
paste-sshd-no-hostkeys = 호스트 키가 없어서 sshd가 시작되지 않고 있어요. `sudo ssh-keygen -A`로 빠진 키를 만든 뒤 { $distro ->
        [debian] `sudo systemctl restart ssh`로
        [redhat] `sudo systemctl restart sshd`로
       *[other] `sudo systemctl restart ssh`(CentOS, Rocky, RHEL은 `sshd`)로
    } 다시 시작해 주세요. 이전에 접속했던 클라이언트에서는 호스트 키가 바뀌었다는 경고가 한 번 나오는데, 이번에는 정상이에요.
paste-sshd-missing = SSH 서비스가 설치되어 있지 않아요(또는 다른 이름으로 설치되어 있어요). { $distro ->
        [debian] `sudo apt install openssh-server` 명령으로 설치한 뒤 `sudo systemctl enable --now ssh`로 시작해 주세요.
        [redhat] `sudo dnf install openssh-server` 명령으로 설치한 뒤(dnf가 없는 CentOS 7에서는 `sudo yum install openssh-server`) `sudo systemctl enable --now sshd`로 시작해 주세요.
       *[other] `sudo apt install openssh-server`(Ubuntu, Debian), `sudo dnf install openssh-server`(Rocky, RHEL 8 이상) 또는 `sudo yum install openssh-server`(dnf가 없는 CentOS 7) 명령으로 설치한 뒤, `sudo systemctl enable --now ssh`(Ubuntu, Debian) 또는 `sshd`(그 밖의 배포판)로 시작해 주세요.
    }
paste-local-only = sshd가 로컬 주소에서만 대기하고 있어서 외부에서는 연결할 수 없어요. `/etc/ssh/sshd_config`(또는 `/etc/ssh/sshd_config.d/` 안의 파일)의 `ListenAddress`{ $distro ->
        [redhat] {""}
       *[other] (또는 `ssh.socket`의 `ListenStream`)
    }를 `0.0.0.0` / `::`로 바꾸시거나 삭제해 주세요.
paste-registry-differ = PortNumber 값 두 개가 서로 달라요(`Tds\tcp` 값: { $reg_tds }, `RDP-Tcp` 값: { $reg_rdp }). 원격 데스크톱은 { $reg_rdp }번 포트에서 대기하고 있어요.
paste-registry-same = PortNumber 값 두 개가 모두 같으니(값: { $port }) 레지스트리는 문제가 아니에요.
paste-resources-high = 서버의 CPU, 메모리 또는 디스크 공간이 부족해요. 이것만으로도 로그인이 끝까지 완료되지 못할 수 있어요.
paste-disk-full = 디스크가 가득 찼어요. 디스크가 가득 차면 로그나 세션 파일을 쓸 수 없어서 sshd가 시작되지 않거나 로그인이 끝까지 완료되지 않아요. VNC 콘솔에서 `sudo du -xh / --max-depth=2 2>/dev/null | sort -h | tail -15` 명령을 실행하면 무엇이 공간을 차지하는지 볼 수 있어요. `sudo journalctl --vacuum-size=200M`, { $distro ->
        [debian] `sudo apt clean`으로 공간을 확보하시고, `/var/log` 아래의 오래된 로그를 지운 뒤 `sudo systemctl restart ssh`로 다시 시작해 주세요.
        [redhat] `sudo dnf clean all`(CentOS 7은 `sudo yum clean all`)로 공간을 확보하시고, `/var/log` 아래의 오래된 로그를 지운 뒤 `sudo systemctl restart sshd`로 다시 시작해 주세요.
       *[other] `sudo apt clean`(Ubuntu, Debian) 또는 `sudo dnf clean all`(CentOS 7은 `yum`)로 공간을 확보하시고, `/var/log` 아래의 오래된 로그를 지운 뒤 `sudo systemctl restart ssh`(또는 `sshd`)로 다시 시작해 주세요.
    }

linux-boot-title = 서버가 정상적으로 부팅되지 않아요
linux-boot = 부팅 콘솔을 보면 서버가 SSH가 시작되기 전 단계에서 멈춰 있어요. { $boot ->
        [kernel-panic] 커널 패닉은 보통 커널이나 드라이버를 업데이트한 뒤에 생겨요. 인스턴스를 재시작하고 (VNC로) 부팅 메뉴에서 이전 커널을 선택하시거나, 스냅샷으로 복원해 주세요.
        [maintenance] 서버가 root 비밀번호 입력을 기다리고 있어요(유지 보수 모드). VNC 콘솔에서 비밀번호를 입력한 뒤 `journalctl -xb` 명령을 실행하면 무엇이 실패했는지 볼 수 있어요. `/etc/fstab` 항목이 원인인 경우가 많아요.
        [emergency] 서버가 긴급 모드(emergency mode)에 들어가 있어요. VNC 콘솔에서 root로 로그인하고 `journalctl -xb | grep -i fail` 명령을 실행해 무엇이 실패했는지 확인해 주세요. `/etc/fstab` 항목이 원인인 경우가 많아요. 이 모드에서는 루트 파일 시스템이 읽기 전용이라, 파일을 고치기 전에 `mount -o remount,rw /`를 먼저 실행해 주세요.
        [fstab] `/etc/fstab`에 등록된 디스크({ $boot_mount })를 마운트할 수 없어요. VNC 콘솔에서 먼저 `mount -o remount,rw /`로 루트 파일 시스템을 쓸 수 있게 한 뒤, 그 줄을 주석 처리하시거나 옵션에 `nofail`을 추가하고 `reboot` 명령으로 재부팅해 주세요.
        [no-space] 디스크가 가득 찼어요. 공간을 확보하신 뒤(`/var/log` 아래의 오래된 로그, `sudo journalctl --vacuum-size=200M`, 패키지 캐시) ssh를 재시작해 주세요.
       *[ssh-failed] 부팅할 때 OpenSSH가 시작되지 못했어요. { $distro ->
            [debian] `sudo journalctl -u ssh -b`
            [redhat] `sudo journalctl -u sshd -b`
           *[other] `sudo journalctl -u ssh -b`(또는 `-u sshd`)
        } 명령으로 원인을 확인할 수 있어요.
    } 해결되면 알려 주세요. 다시 점검할게요.
