## 대화 틀: 인사, 질문, 오류, 명령어

welcome = 안녕하세요, vm-doctor예요. 먼저 외부에서 서버 상태를 점검하고, 서버 안에서 직접 확인하셔야 하는 항목을 하나씩 안내해 드릴게요. 다시 로그인하실 수 있을 때까지, 또는 전체 진단 보고서를 첨부해 지원 티켓을 접수하실 수 있을 때까지 함께할게요.
ask-ip = 서버의 공인 IP 주소를 알려 주세요. (예: 203.0.113.10, 클라우드 콘솔의 인스턴스 목록에서 확인할 수 있어요.) "203.0.113.10 우분투 2222번 포트"처럼 한 번에 말씀해 주셔도 돼요.
ask-ip-have-os = 네, { $os ->
        [windows] Windows
       *[linux] Linux
    } 서버군요. 서버의 공인 IP 주소를 알려 주세요. (클라우드 콘솔의 인스턴스 목록에서 확인할 수 있어요. 예: 203.0.113.10)
ask-os = { $ip } 서버의 운영 체제는 무엇인가요?
os-windows = Windows
    .aliases = windows, win, 윈도우, 윈도, 윈도즈, 윈도우 서버, 윈도우서버
os-linux = Linux
    .aliases = linux, ubuntu, centos, debian, rocky, 리눅스, 우분투, 센토스, 데비안, 록키
os-auto = 잘 모르겠어요, 자동으로 확인해 주세요
    .aliases = auto, 자동, 자동 감지, 자동으로, 자동 확인, 모름, 모르겠어요, 잘 모르겠어요
os-detected = 응답하는 로그인 포트로 보아 { $os ->
        [windows] Windows
       *[linux] Linux
    } 서버로 보여요.
os-undecided = 포트만으로는 운영 체제를 판단하지 못했어요. 직접 선택해 주세요.

err-not-ip = IP 주소가 아니에요: "{ $value }". 203.0.113.10처럼 점으로 구분한 숫자 네 개로 입력해 주세요. (IPv6 주소도 돼요.)
err-not-ip-sentence = 보내 주신 내용에서 IP 주소를 찾지 못했어요: "{ $value }". 203.0.113.10처럼 서버의 공인 IP 주소를 함께 적어 주세요. (IPv6 주소도 돼요.)
err-bad-os = 알 수 없는 운영 체제예요: "{ $value }". Windows나 Linux 중에서 선택하시거나, 자동 확인을 선택해 주세요.
err-bad-port = 올바른 포트 번호가 아니에요: "{ $value }". 포트는 1부터 65535 사이의 정수예요.
err-bad-lang = 영어(`/lang en`)와 한국어(`/lang ko`)로 안내해 드릴 수 있어요.
err-unknown-command = 알 수 없는 명령어예요. /도움말(/help)을 입력하시면 사용할 수 있는 명령어를 볼 수 있어요.
err-too-many-args = 명령어에 입력값이 너무 많아요. /도움말(/help)을 입력하시면 사용법을 볼 수 있어요.
err-not-an-option = { $count ->
        [0] 말씀을 이해하지 못했어요. 보기 중 하나를 선택해 주세요.
       *[other] 이해하지 못한 답변이에요: "{ $value }". 보기 중 하나를 고르시거나 보기 번호(1~{ $count }번)로 답해 주세요.
    }
err-empty-text = 답변을 입력해 주세요.
err-text-too-long = 입력하신 내용이 너무 길어요. { $max }자 이내로 입력해 주세요.

probing = { $ip } 서버를 외부에서 점검하고 있어요(Ping, 포트 { $ports })…
probing-resume = 서버를 점검하던 중에 봇이 재시작됐어요. 지금 다시 점검할게요.
still-probing = 아직 점검 중이에요. 몇 초만 기다려 주세요.
probe-summary = **외부에서 확인한 결과** ({ $ip }, { $elapsed }ms):
probe-icmp = Ping: { $state ->
        [reply] 응답 있음 ({ $received }/{ $sent }, 약 { $rtt }ms)
        [no_reply] 응답 없음 ({ $received }/{ $sent })
       *[unavailable] 봇이 실행되는 환경에서는 Ping을 보낼 수 없음
    }
probe-port = 포트 { $port }: { $state ->
        [open] 열림
        [closed] 닫힘 (서버가 거부함)
        [filtered] { $reason ->
            [admin_prohibited] 거부됨: ICMP "관리상 금지(administratively prohibited)"
            [host_unreachable] 거부됨: ICMP "호스트 도달 불가(host unreachable)" 또는 "호스트 금지(host prohibited)"
            [net_unreachable] 거부됨: ICMP "네트워크 도달 불가(network unreachable)"
           *[other] 응답 없음 (필터링됨)
        }
       *[other] 판단 불가 (고객님 서버가 아니라 봇 쪽의 문제)
    }
probe-ssh = { $port }번 포트 SSH 응답: `{ $banner }`
probe-rdp = { $port }번 포트 원격 데스크톱이 허용하는 방식: { $accepts }
probe-pending = { $what ->
        [ping] Ping: 확인 중…
       *[port] 포트 { $port }: 확인 중…
    }

recheck-start = { $ip } 서버를 다시 점검하고 있어요. (포트 { $ports })…
recheck-result = 포트 { $port } 이전: { $before ->
        [open] 열림
        [closed] 닫힘
        [filtered] 필터링됨
        [inconclusive] 판단 불가
       *[other] 점검 안 함
    } / 현재: { $after ->
        [open] 열림
        [closed] 닫힘
        [filtered] 필터링됨
        [inconclusive] 판단 불가
       *[other] 점검 안 함
    }
target-changed = 대신 { $ip } 서버를 처음부터 점검할게요.
answer-unknown = 괜찮아요. 다른 방법으로 확인해 볼게요.
answer-works = 다행이에요!
back-from-confirm = 네, 하던 단계로 돌아갈게요.
nav-hint = 언제든지 /이전(/back) 명령으로 한 단계 전으로, /처음부터(/restart) 명령으로 처음으로 돌아갈 수 있어요. /티켓(/ticket) 명령을 쓰시면 전체 보고서와 함께 지원 티켓을 바로 받으실 수 있어요.
recheck-better = 효과가 있었어요. 이제 로그인 포트가 정상적으로 응답해요.
recheck-same = 외부에서 보기에는 아직 달라진 게 없어요. 계속 점검해 볼게요.
recheck-found = 외부에서도 { $port }번 포트가 정상적으로 응답해요. 로그인 서비스는 이 포트에서 기다리고 있어요.

back-done = 네, 한 단계 전으로 돌아갈게요.
back-nothing = 돌아갈 이전 단계가 없어요.
restarted = 처음부터 다시 시작할게요.
lang-set = 지금부터 한국어로 안내해 드릴게요.
lang-inferred = 한국어로 적어 주셔서 지금부터 한국어로 안내해 드릴게요. 영어가 편하시면 /lang en 을 입력해 주세요.
status = **진행 상황:** { $ip } ({ $os ->
        [windows] Windows
        [linux] Linux
       *[other] 운영 체제 아직 확인 전
    }), 로그인 포트 { $port } / 외부 점검 { $probes }회, 답변 { $answers }개
status-step = 현재 단계:
status-findings = 최근 진단 결과:
status-none = 아직 진행 중인 진단이 없어요. /진단(/diagnose)을 입력하시거나, 서버의 IP 주소를 바로 알려 주세요.
help = 사용할 수 있는 명령어예요.
    /진단(/diagnose) <ip> <windows|linux|auto> [포트]: 서버 점검 시작
    /이전(/back): 한 단계 전으로 돌아가기
    /처음부터(/restart): 처음부터 다시 시작
    /상태(/status): 진행 상황과 진단 결과, 지금 드린 질문 다시 보기
    /티켓(/ticket): 지원 티켓 링크와 진단 보고서 바로 받기
    /언어(/lang) ko|en: 언어 변경 (English: /lang en)
    질문에는 보기 번호나 보기 이름으로 답하셔도 되고, "네", "아니요", "모르겠어요"처럼 말로 답하셔도 돼요. 모든 질문에서 "이제 돼요"도 선택하실 수 있어요.
bye = 오늘은 여기까지 할게요. 진단 내용은 저장되어 있으니 언제든 다시 오시면 이어서 진행할 수 있어요.
ended-fixed = 다시 로그인하실 수 있게 되어 이번 진단을 마쳤어요. 다른 서버를 점검하시려면 /진단(/diagnose), 마지막 단계를 다시 보시려면 /이전(/back)을 입력해 주세요.
ended-escalated = 이번 진단은 기술 지원팀으로 이관됐어요. 링크와 보고서를 다시 받으시려면 /티켓(/ticket), 마지막 단계를 다시 보시려면 /이전(/back), 새로 진단을 시작하시려면 /진단(/diagnose)을 입력해 주세요.
session-expired = 이전 대화가 너무 오래 멈춰 있어서 새 대화를 시작했어요.
ticket-continue = 지원팀 답변을 기다리시는 동안에도 점검은 계속 진행하실 수 있어요.
ticket-needs-target = 지원팀도 가장 먼저 어떤 서버인지 물어볼 거라, 거기서부터 시작할게요. 서버의 공인 IP 주소를 알려 주세요(클라우드 콘솔의 인스턴스 목록에 나와 있어요). 제가 외부에서 먼저 확인해 두면, /티켓(/ticket)으로 넘길 때 주소와 확인한 내용이 모두 채워져요.

ruled-out-port-blocked = 네트워크 경로와 보안 그룹은 { $port }번 포트를 통과시키고 있어요. (외부에서 응답함)
ruled-out-host-down = 인스턴스는 실행 중이고 네트워크로 접근할 수 있어요. (Ping에 응답함)

## 지원 이관
ticket-link = 이 링크에서 지원 티켓을 접수해 주세요(대상 서버와 요약은 미리 입력되어 있어요): { $url }
report-saved = 전체 진단 보고서를 다음 위치에 저장했어요: `{ $path }`. 티켓에 첨부해 주세요.
err-internal = 봇 쪽에서 문제가 생겼어요. (고객님 서버 문제는 아니에요.) 잠시 후 다시 시도해 주시고, 같은 문제가 계속되면 /티켓(/ticket)을 입력해 주세요.
err-store-unavailable = 지금 대화 기록 저장소에 연결할 수 없어서 방금 보내신 내용은 반영하지 못했어요. (앞서 알려 주신 내용은 그대로 남아 있어요.) 1분쯤 뒤에 다시 시도해 주세요.

## Discord
discord-cmd-diagnose-name = 진단
discord-cmd-diagnose-desc = 서버에 로그인할 수 없는 원인을 점검해요
discord-opt-ip-name = ip
discord-opt-ip-desc = 서버의 공인 IP 주소 또는 DNS 이름
discord-opt-os-name = 운영체제
discord-opt-os-desc = 서버의 운영 체제
discord-opt-port-name = 포트
discord-opt-port-desc = 로그인 포트(Linux 22, Windows 3389가 아닐 때만 입력)
discord-cmd-back-name = 이전
discord-cmd-back-desc = 한 단계 전으로 돌아가요
discord-cmd-restart-name = 처음부터
discord-cmd-restart-desc = 진단을 처음부터 다시 시작해요
discord-cmd-status-name = 상태
discord-cmd-status-desc = 현재 진행 단계와 점검 결과를 보여 드려요
discord-cmd-ticket-name = 티켓
discord-cmd-ticket-desc = 지원 티켓 링크와 진단 보고서를 바로 받아요
discord-cmd-lang-name = 언어
discord-cmd-lang-desc = 안내 언어를 바꿔요
discord-opt-lang-name = 언어
discord-opt-lang-desc = 한국어 또는 영어
discord-cmd-help-name = 도움말
discord-cmd-help-desc = 사용할 수 있는 명령어를 안내해요
discord-thread-name = vm-doctor { $ip }
discord-continue-in-thread = { $ip } 서버 점검은 스레드 { $thread } 안에서 진행할게요. 그쪽에서 이어서 봐 주세요.
discord-started-here = 여기에서 { $ip } 서버 점검을 시작할게요.
discord-not-yours = 이 진단에는 { $owner }님만 답하실 수 있어요. 진행 상황은 함께 보셔도 돼요.
discord-stale = 이미 답변했거나 지나간 질문이에요. 가장 최근 메시지에서 답해 주시거나, /상태(/status)를 입력하시면 지금 질문을 다시 보여 드릴게요.
discord-rate-limited = 짧은 시간에 진단을 여러 번 시작하셨어요. { $seconds }초 후에 다시 시도해 주세요.
discord-channel-not-allowed = 이 채널에서는 진단을 진행하지 않아요. 지원 채널에서 요청해 주세요.
discord-role-required = 이 서버에서 진단을 실행하려면 별도의 역할이 필요해요. 관리자에게 문의해 주세요.
discord-answer-button = 답변 입력하기
discord-modal-title = 답변 입력
discord-modal-label = { $expect ->
        [ip] IP 주소
        [port] 포트 번호
       [paste] 명령 실행 결과를 여기에 붙여 넣어 주세요
       *[other] 답변
    }
discord-ticket-button = 지원 티켓 접수하기
discord-report-attached = 전체 진단 보고서를 첨부했어요. 티켓에 함께 첨부해 주세요.
discord-field-probe = 점검 결과
discord-field-finding = 진단 내용
discord-see-below = 처리했어요. 아래 메시지를 확인해 주세요.
discord-cannot-post = 이 채널에는 메시지를 올릴 수 없어요. 여기서는 저에게 { $missing } 권한이 없거든요. 서버 관리자에게 제 권한을 확인해 달라고 요청하시거나, 제가 메시지를 올릴 수 있는 채널에서 명령어를 사용해 주세요.
discord-lost-permission = Discord가 이 채널에 메시지를 올리지 못하게 막아서 여기서는 진단을 계속할 수 없어요. 서버 관리자에게 이 채널에서 제 권한을 확인해 달라고 요청하신 뒤, /status로 이어서 진행해 주세요.
discord-report-not-attached = 이 채널에서는 보고서를 첨부할 수 없어요(파일 첨부 권한이 없어요). 아래 티켓 링크는 그대로 사용하실 수 있어요. 권한이 생기면 /ticket으로 보고서를 첨부해 드릴게요.
discord-perm-view-channel = 채널 보기
discord-perm-send-messages = 메시지 보내기
discord-perm-send-in-threads = 스레드에서 메시지 보내기
discord-perm-create-threads = 공개 스레드 만들기
discord-restarting = vm-doctor가 지금 재시작하는 중이에요. 1분쯤 뒤에 다시 해 주세요. 진행 중이던 진단은 그대로 남아 있고, 보이는 버튼도 그때 다시 누르시면 돼요.
discord-answered-in-thread = 진단은 { $thread } 스레드에서 진행 중이라 그곳에 답변했어요.

## 어느 질문에서나 받아들이는 일반적인 답변 (쉼표로 구분, 띄어쓰기와 문장 부호는
## 무시함). 대화 언어와 관계없이 두 언어의 목록을 모두 사용해요.
## 한 표현은 네 목록 중 한 곳에만 넣어 주세요.
phrases-yes = 네, 예, 넵, 넹, 넴, 녜, 옙, 응, 웅, 어, 엉, ㅇㅇ, ㅇㅇㅇ, ㅇㅋ, ㅇㅋㅇㅋ, 오케이, 오키, 예스, 네네, 넵넵, 네 맞아요, 맞아요, 맞아, 맞음, 맞습니다, 맞네요, 그래요, 그렇습니다, 그럼요, 당연하죠, 됐어요, 됐습니다, 됐음, 했어요, 했습니다, 했음, 해 봤어요, 있어요, 있습니다, 있음, 있네요, 켜져 있어요, 좋아요, ㅇ, 응응, 웅웅, 넹넹, 예예, 됐어, 했어, 있어, 됨, 완료, 켜져 있음, 켜짐, 되어 있어요, 돼 있어요, 그렇네요, 돼요, 됩니다, 잘 돼요, 되네요
phrases-no = 아니요, 아뇨, 아니오, 아니, 아니야, 아니에요, 아닙니다, 아닌데요, 아님, ㄴㄴ, ㄴ, 노, 놉, 안 돼요, 안돼요, 안 돼, 안 됩니다, 안 되네요, 아직 안 돼요, 없어요, 없습니다, 없음, 없네요, 안 했어요, 안 나와요, 꺼져 있어요, 아니용, 아녀, 노노, ㄴㄴㄴ, 안됨, 안 되는데요, 없어, 꺼짐, 여전히 안, 계속 안, 실패했어요, 실패
phrases-unknown = 모르겠어요, 몰라요, 잘 모르겠어요, 잘 몰라요, 모르겠습니다, 모르겠네요, 모름, 몰라, 모르겠음, 확인할 수 없어요, 확인 못 해요, 확인 못 하겠어요, 확인이 안 돼요, 확인 불가, 확인 어려워요, 어떻게 확인해요, 어떻게 하는지 몰라요, 글쎄요, 글쎄, 모르겠, 모르겠는데요, ㅁㄹ, 확인 안 돼요
phrases-works = 이제 돼요, 이제 됩니다, 이제 돼, 이제 잘 돼요, 이제 됐어요, 이제 됐습니다, 되었어요, 해결되었어요, 이제 되네요, 접속이 돼요, 로그인이 돼요, 접속 잘 돼요, 접속돼요, 접속됩니다, 접속됐어요, 이제 접속돼요, 로그인돼요, 로그인됩니다, 로그인됐어요, 이제 로그인돼요, 접속 성공, 로그인 성공, 해결됐어요, 해결됐습니다, 해결했어요, 해결됨, 해결, 들어가져요, 들어가졌어요, 고쳐졌어요
phrases-pardon = 뭐라고요, 뭐라구요, 네 뭐라고요, 무슨 말이에요, 무슨 말씀이세요, 다시 말해 주세요, 엥, 잉, 네에, 여보세요, 안녕하세요, 계세요, 거기 있어요, 듣고 있어요
phrases-ask = 뭐예요, 뭐에요, 뭔가요, 뭐죠, 뭐지요, 뭔지, 뭐야, 무엇인가요, 어디, 어딨, 어떻게, 무슨 뜻, 어느 메뉴, 설명해
phrases-ask-about = 뭐, 무슨
## "뭐"가 질문이 아닌 문장("뭐라고 나오냐면").
phrases-statement = 이렇게 나와요, 이렇게 나오네요, 라고 나와요, 라고 나오네요, 라고 떠요, 뭐라고 나오냐면, 뭐가 나왔냐면
phrases-negation = not, no, never, don't, dont, doesn't, doesnt, isn't, isnt, can't, cant, cannot, won't, wont, didn't, didnt, wasn't, wasnt, aren't, arent, haven't, nothing, neither, 안, 못
phrases-negation-after = 않, 없, 못
## 안, 못이 부정이 아닌 낱말.
phrases-not-negation = 보안, 제안, 방안, 안녕, 불안, 안내, 안전, 잘못, 안에
## 같은 말로 읽는 철자(자주 틀리는 철자: 되요, 됬어요).
phrases-spellings = 돼>되, 됬>됐, 햇>했, 잇>있, 됀>된
## 말로 하는 상담 요청: /티켓(/ticket)과 같아요.
phrases-ticket = 티켓, 상담원, 상담사, 사람이랑, 사람하고, 사람과 얘기, 담당자 연결, 담당자분, 엔지니어 연결, 고객센터, 지원팀 연결, 직접 문의할게요
## 값 하나를 두 곳에 말하는 표현(“둘 다 3389예요”).
phrases-both = 둘 다, 두 개 다, 두 값 다, 둘 모두, 양쪽 다, 양쪽 모두, 둘이 다
## “아직이요”, “잠시만요”: 질문은 그대로 둬요.
phrases-wait = 아직, 아직이요, 아직요, 잠깐만요, 잠시만요, 잠깐만, 잠시만, 기다려 주세요, 재부팅 중, 재부팅하는 중, 재시작 중, 재시작하는 중, 하는 중이에요, 하고 있어요

## 답변 이해하기
understand-did-you-mean = { $count ->
        [1] 혹시 "{ $first }" 말씀이세요? 맞으면 아래에서 골라 주시고, 아니면 다른 말로 알려 주세요.
       *[other] 혹시 "{ $first }", "{ $second }" 중 어느 쪽이세요? 아래에서 골라 주세요.
    }
understand-cant-answer = 죄송해요, 그 질문에는 여기서 답해 드리기 어려워요. 이 점검 밖의 일은 /티켓(/ticket)으로 지금까지 확인한 내용과 함께 지원팀에 넘겨 드릴 수 있어요.
understand-again = 다시 질문으로 돌아갈게요.
understand-elsewhere = 말씀하신 건 { $subject } 이야기 같아요. 지금 여쭤본 것과는 다른 부분이라, 필요하면 뒤에서 확인할게요. 지금은 이 질문에 답해 주세요.
understand-wait = 천천히 하셔도 돼요. 준비되시면 답해 주세요.

## 붙여 넣은 내용: 명령어 출력과 로그를 읽고 알려 드리기
paste-too-long = 붙여 넣으신 내용이 너무 길어요. { $max }KiB 이내로 붙여 넣어 주세요. 예를 들어 오류 앞뒤의 몇 줄만 붙여 넣으셔도 돼요.
paste-unrecognized = 붙여 넣으신 출력 내용을 알아보지 못했어요. 여기에서 읽을 수 있는 출력은 다음과 같아요: { $os ->
        [windows] `netstat -ano`, PortNumber 키 두 개에 대한 `reg query` 또는 `Get-ItemProperty`, `Test-NetConnection`, `ping`, `telnet`, `sc query TermService` / `Get-Service TermService`, `qwinsta`
        [linux] `ss -tlnp` / `netstat -tlnp`, `systemctl status ssh`, `journalctl -u ssh` 또는 `/var/log/secure`, `sshd -t`, `ufw status`, `firewall-cmd --list-all`, `iptables -S`, `nft list ruleset`, `free -m`, `uptime`, `df -h`, `ssh -v`, `nc -vz`, `ping`, 부팅 콘솔 메시지
       *[other] `netstat`, `ss`, `systemctl status ssh`, `reg query` (PortNumber), `Test-NetConnection`, `ping`, `ssh -v`, 방화벽 규칙 목록, `free -m`, `df -h`, 부팅 콘솔 메시지
    }. 명령어 출력의 첫 줄부터 전체를 붙여 넣어 주세요.
paste-read = 붙여 넣으신 내용에서 다음을 확인했어요.
paste-more = …외 { $count }개 항목이 더 있어요.
paste-later = 보내 주신 내용은 저장해 두었어요. 점검 단계에서 도움이 될 거예요. 먼저 위의 질문부터 답해 주세요.
paste-new-port = 로그인 서비스가 실제로 쓰는 포트는 { $old }번이 아니라 { $port }번 포트군요. 봇이 있는 곳에서 { $port }번 포트를 테스트해 볼게요.
paste-no-change = 지금 살펴보고 있는 내용과 일치해요. 이 단계를 계속 진행할게요.
paste-check-listeners = { $port }번 포트에서 기다리는 프로그램은 없지만, { $ports }번 포트에서 기다리는 프로그램이 있어요. (프로세스 번호만 나와 있어요.) 거기서 { $service ->
        [rdp] 원격 데스크톱이
       *[ssh] SSH가
    } 응답하는지 봇이 있는 곳에서 확인해 볼게요.
paste-ask-tasklist = { $port }번 포트는 프로세스 { $pid }번이 쓰고 있어요. 어떤 서비스인지 보려면 `tasklist /svc /fi "PID eq { $pid }"`를 실행해 보세요. 거기에 `TermService`가 보이면 원격 데스크톱 포트가 { $port }번으로 바뀐 거예요.
alt-found = 외부에서 { $port }번 포트로 { $service ->
        [rdp] 원격 데스크톱이
       *[ssh] SSH가
    } 정상적으로 응답해요. 로그인 서비스의 포트가 이쪽으로 바뀌어 있었어요.
alt-none = 외부에서 { $ports }번 포트로도 { $service ->
        [rdp] 원격 데스크톱이
       *[ssh] SSH가
    } 응답하지 않아요.
alt-moved = { $service ->
        [rdp] 원격 데스크톱이 { $default_port }번이 아니라 { $port }번 포트에서 응답해요. 포트가 이쪽으로 옮겨져 있어요. `mstsc /v:{ $ip }:{ $port }` 명령으로, 또는 원격 데스크톱 연결의 컴퓨터 칸에 `{ $ip }:{ $port }`를 입력해서 접속해 주세요. 원래 포트로 되돌리려면 `HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp` 아래 **PortNumber**를 { $default_port }(10진수)로 바꾸고 `Restart-Service TermService -Force`를 실행해 주세요. { $port }번을 그대로 쓰셔도 되는데, 그때는 보안 그룹에서 이 포트를 계속 허용해 두셔야 해요.
       *[ssh] SSH가 { $default_port }번이 아니라 { $port }번 포트에서 응답해요. 포트가 이쪽으로 옮겨져 있어요. `ssh -p { $port } { $user ->
            [unknown] <사용자>
           *[other] { $user }
        }@{ $ip }` 명령으로 접속해 주세요. (PuTTY라면 Port 칸에 { $port }를 넣어 주세요.) 원래 포트로 되돌리려면 `sudo grep -ri '^Port' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/`로 찾은 곳에서 `Port { $default_port }`로 바꾸고 { $distro ->
            [debian] `sudo sshd -t && sudo systemctl restart ssh`를 실행해 주세요. (Ubuntu 22.10 이상에서 `ssh.socket`이 대기 중이라면 `sudo systemctl daemon-reload && sudo systemctl restart ssh.socket`)
            [redhat] `sudo sshd -t && sudo systemctl restart sshd`를 실행해 주세요.
           *[other] `sudo sshd -t && sudo systemctl restart ssh`를 실행해 주세요. (CentOS, Rocky, RHEL은 `sshd`, Ubuntu 22.10 이상은 `sudo systemctl daemon-reload && sudo systemctl restart ssh.socket`)
        } { $port }번을 그대로 쓰셔도 되는데, 그때는 보안 그룹에서 이 포트를 계속 허용해 두셔야 해요.
    }

fact-listening = • { $addr }:{ $port } 주소에서 { $owner ->
        [none] 어떤 프로그램이
       *[other] `{ $owner }` 프로그램이
    } 대기하고 있어요
fact-established = • { $port }번 포트에 연결된 세션이 있어요
fact-registry = • { $key ->
        [tds] `Wds\rdpwd\Tds\tcp`
       *[other] `WinStations\RDP-Tcp`
    } 아래의 PortNumber 값: { $port }
fact-client = • 고객님 클라이언트: { $result ->
        [connected] 연결 성공
        [refused] "Connection refused" (연결 거부)
        [timeout] 응답 없음 (시간 초과)
        [publickey] 서버가 키를 거부함 ("Permission denied (publickey)")
        [password] 비밀번호가 거부됨
        [kex] 일치하는 키 교환 방식 없음
        [hostkey-type] 일치하는 호스트 키 유형 없음
        [hostkey-changed] 서버의 호스트 키가 바뀜
        [no-route] "No route to host" (고객님 네트워크에서 이 주소로 가는 경로가 없거나, 방화벽이 연결을 거부하고 있어요. CentOS 기본 `REJECT` 규칙도 이렇게 보여요.)
        [no-name] 호스트 이름을 찾지 못함 (호스트 이름 대신 서버의 공인 IP 주소로 접속해 주세요.)
        [cipher] 일치하는 암호화 방식(cipher) 없음
       *[closed] 서버가 연결을 끊음
    }
fact-client-port = • 클라이언트가 접속을 시도한 포트: { $port }번
fact-ping = • 고객님 쪽 Ping: { $replies ->
        [yes] 응답 있음
       *[no] 응답 없음
    }
fact-service = • { $service ->
        [termservice] 원격 데스크톱 서비스(Remote Desktop Services)
        [ssh-socket] `ssh.socket`
       *[sshd] sshd
    }: { $state ->
        [running] 실행 중
        [listening] 활성 (대기 중)
        [stopped] 중지됨
        [failed] 실패
        [starting] 아직 시작하는 중 (1~2분이 지나도 그대로라면 멈춘 상태예요. 서비스나 서버를 다시 시작하고 로그를 확인해 주세요.)
       *[not-found] 설치되지 않았거나 찾을 수 없음
    }
fact-sshd = • sshd: { $kind ->
        [address-in-use] 다른 프로그램이 이미 포트를 사용 중 ("Address already in use")
        [bind-denied] { $detail }번 포트를 쓸 권한이 없음 ("Permission denied": CentOS, Rocky, RHEL의 SELinux)
        [privsep] "Missing privilege separation directory" (설정 오류 아님)
        [bad-config] 설정 오류{ $line ->
            [-1] {""}
           *[other] { " " }({ $line }번째 줄)
        }: { $detail }
        [failed-password] 비밀번호 로그인 실패 (접속 주소: { $detail })
        [closed-auth] 클라이언트가 인증 도중에 연결을 포기함
        [max-auth] 인증 시도 횟수 초과
       *[fatal] 치명적 오류: { $detail }
    }
fact-firewall = • { $firewall ->
        [ufw] ufw
        [firewalld] firewalld
        [iptables] iptables
       *[nft] nftables
    }: { $verdict ->
        [allows] TCP { $port }번 포트 허용
        [blocks] TCP { $port }번 포트 차단
       *[off] 비활성
    }
fact-memory = • 메모리: 전체 { $total }MB 중 { $available }MB 사용 가능
fact-load = • 최근 1분간 평균 부하: { $load }{ $cpus ->
        [-1] {""}
       *[other] { " " }(CPU { $cpus }개)
    }
fact-disk = • { $mount } 경로 사용률: { $pct }%
fact-boot = • 부팅 콘솔: { $kind ->
        [kernel-panic] 커널 패닉
        [maintenance] root 비밀번호 입력 대기 중 (유지 보수 모드)
        [emergency] 긴급 모드(emergency mode)
        [fstab] /etc/fstab에 등록된 디스크를 마운트할 수 없음 ({ $mount })
        [no-space] 디스크에 남은 공간 없음
       *[ssh-failed] OpenSSH 시작 실패
    }
fact-rdp-listener = • 원격 데스크톱 리스너(`rdp-tcp`): { $present ->
        [yes] 있음
       *[no] 없음
    }
paste-button = 출력 붙여 넣기
paste-shown = (출력 결과를 붙여 넣음)

## 채팅에서 받은 호스트 이름
resolving-name = { $name } 이름을 조회하고 있어요…
resolved-name = { $name } 이름의 주소는 { $ip } 주소예요. 이 주소만 점검할게요.
err-name = { $why ->
        [not-found] { $name } 이름으로 조회되는 주소가 없어요. 철자를 확인하시거나 서버의 공인 IP 주소를 보내 주세요.
        [dns-timeout] { $name } 이름 조회가 너무 오래 걸렸어요. 다시 시도하시거나 서버의 공인 IP 주소를 보내 주세요.
        [bad-name] 입력하신 "{ $name }" 값은 올바른 호스트 이름이 아니에요. 서버의 공인 IP 주소나 DNS 이름을 보내 주세요.
       *[other] { $name } 이름이 가리키는 주소는 점검할 수 없는 주소예요({ $why }). 사설, 로컬 또는 예약된 주소라서 공인 서버 주소가 아니에요. 서버의 공인 IP 주소를 보내 주세요.
    }

## 용어 설명: 되물으신 질문에 답하는 짧은 설명과 콘솔에서 찾는 위치. .words는 그 용어를
## 부르는 말이에요(쉼표로 구분, 두 언어의 목록을 모두 사용해요).
glossary-vnc = **VNC 콘솔**은 브라우저에서 서버 화면을 직접 여는 로그인 방법이에요. 네트워크나 SSH, 원격 데스크톱이 안 될 때도 쓸 수 있어요. 클라우드 콘솔의 인스턴스 목록에서 서버 행의 **로그인**(Log In)을 클릭하고 **VNC 로그인**을 선택하면 돼요. { $os ->
        [linux] Linux 계정(root, Ubuntu 이미지는 ubuntu)의 비밀번호가 필요해요. 키로만 로그인해 오셔서 비밀번호가 없다면 인스턴스 > **더 보기**(More) > **비밀번호/키**(Password/Key) > **비밀번호 재설정**(Reset Password)에서 먼저 설정해 주세요(인스턴스가 재시작돼요).
        [windows] Administrator 계정의 비밀번호가 필요해요. Windows 잠금 화면에서는 왼쪽 위 **원격 명령 보내기**로 Ctrl-Alt-Delete를 보내 주세요.
       *[other] 서버 OS 계정(Linux는 root나 ubuntu, Windows는 Administrator)의 비밀번호가 필요하고, Windows 잠금 화면에서는 왼쪽 위 **원격 명령 보내기**로 Ctrl-Alt-Delete를 보내 주세요.
    }
    .name = VNC 콘솔
    .words = vnc, vnc 콘솔, vnc console, 브라우저 콘솔, browser console, ctrl alt del, ctrl-alt-delete, 컨트롤 알트 딜리트, 원격 명령, send remote command, 대체 로그인, vnc thing, 콘솔 로그인, console login
glossary-security-group = **보안 그룹**은 클라우드가 서버 앞에서 적용하는 방화벽이에요. 들어오는 트래픽(인바운드)을 어떤 포트, 어떤 주소에서 허용할지 규칙으로 정해요. 콘솔에서 인스턴스를 클릭한 뒤 **보안 그룹** 탭에서 연결된 그룹을 보고, **규칙 편집**으로 인바운드 규칙을 추가할 수 있어요.
    .name = 보안 그룹
    .words = 보안 그룹, 보안그룹, security group, security groups, sg, 인바운드 규칙, inbound rule
glossary-public-ip = **공인 IP**는 인터넷에서 서버에 접속할 때 쓰는 주소예요(예: 203.0.113.10). 10.x.x.x나 172.16~31.x.x, 192.168.x.x로 시작하는 사설 IP와는 달라요. 콘솔의 인스턴스 목록에서 **IP 주소** 열에 "(공인)"으로 표시된 주소예요. EIP를 연결했다면 그 주소가 공인 IP예요.
    .name = 공인 IP
    .words = 공인 ip, 공인ip, 공용 ip, 퍼블릭 ip, 공인 아이피, public ip, public address, ip address, ip 주소, eip
glossary-key-pair = **키 페어**(SSH 키)는 비밀번호 대신 쓰는 로그인 열쇠예요. 공개 키는 서버에, 개인 키(.pem 파일)는 고객님 컴퓨터에 있어요. 콘솔의 **SSH 키** 메뉴에서 키 목록을 보고, 인스턴스의 **더 보기**, **비밀번호/키**, **키 바인딩**으로 서버에 연결해요(인스턴스를 중지해야 해요). 개인 키 파일은 만들 때 한 번만 내려받을 수 있어요.
    .name = SSH 키
    .words = 키 페어, 키페어, key pair, keypair, ssh key, ssh 키, 개인 키, private key, pem, 키
glossary-instance = **인스턴스**는 클라우드에 있는 고객님의 서버(가상 머신)예요. 콘솔의 **Cloud Virtual Machine**, **인스턴스** 목록에서 상태, 공인 IP를 볼 수 있어요. 서버 행의 **더 보기** 메뉴에 **재시작**과 **비밀번호/키**, **비밀번호 재설정**이 있어요(비밀번호를 재설정하면 인스턴스가 재시작돼요).
    .name = 인스턴스
    .words = 인스턴스, instance, instances, 인스턴스 목록, instance list, 재시작, 재부팅, restart, reboot, 비밀번호 재설정, reset the password, reset password, 가상 머신, cvm
glossary-powershell = **PowerShell**은 Windows의 명령 창이에요. 시작 버튼을 마우스 오른쪽 버튼으로 클릭한 뒤 **Windows PowerShell**(또는 **터미널**)을 선택하거나, Win+R을 누르고 `powershell`을 입력하면 열려요. 고객님 컴퓨터에서 테스트할 때는 고객님 PC에서, 서버를 점검할 때는 VNC로 접속한 서버에서 열어 주세요.
    .name = PowerShell
    .words = powershell, 파워쉘, 파워셸, 파워 쉘
glossary-regedit = **레지스트리 편집기**(regedit)는 Windows 설정값을 직접 보고 고치는 도구예요. Win+R을 누르고 `regedit`를 입력하면 열려요. 왼쪽 트리에서 경로를 따라 폴더를 열고, 오른쪽 목록에서 값을 두 번 클릭하면 수정할 수 있어요. 값을 고치기 전에는 메모해 두세요.
    .name = 레지스트리
    .words = regedit, 레지스트리, 레지스트리 편집기, registry, registry editor, portnumber
glossary-terminal = **명령 창**은 명령어를 입력하는 창이에요. Windows에서는 Win+R을 누르고 `cmd`를 입력하면 **명령 프롬프트**가 열려요. macOS는 **응용 프로그램**, **유틸리티**의 **터미널**, Linux는 **터미널**을 여세요. 서버에서 실행할 명령은 VNC로 접속한 서버 화면에 입력해 주세요.
    .name = 명령 창
    .words = cmd, 명령 프롬프트, command prompt, 터미널, terminal, 명령 창, 명령창, 명령어, command, commands, 커맨드, ping, 입력
glossary-sshd = **sshd**는 Linux 서버에서 SSH 접속을 받는 서비스(OpenSSH 서버)예요. Ubuntu와 Debian에서는 `ssh`, CentOS, Rocky, RHEL에서는 `sshd`라는 이름이에요. VNC로 서버에 접속해 `sudo systemctl status ssh`(또는 `sshd`)를 실행하면 상태를 볼 수 있어요.
    .name = SSH 서비스(sshd)
    .words = sshd, ssh 서비스, ssh service, openssh, openssh server, systemctl
glossary-firewall = **방화벽**은 서버 안에서 들어오는 연결을 막거나 허용하는 프로그램이에요. 클라우드의 보안 그룹과는 따로 동작해요. Linux에서는 ufw, firewalld, iptables/nftables, Windows에서는 Windows Defender 방화벽이에요. 서버 안에서 확인해야 하니 VNC로 접속해 주세요. Windows는 Win+R에 `wf.msc`를 입력하면 설정이 열려요.
    .name = 서버 안 방화벽
    .words = 방화벽, firewall, ufw, firewalld, iptables, nftables, windows defender, 디펜더, wf.msc
glossary-port = **포트**는 서버의 어느 서비스로 연결할지 가리키는 번호예요. SSH는 보통 22번, 원격 데스크톱은 3389번이에요. 보안 그룹과 서버 방화벽이 이 번호를 허용해야 접속할 수 있어요. 지금 점검하는 로그인 포트는 /상태(/status)로 볼 수 있어요.
    .name = 포트
    .words = 포트, port, ports, 포트 번호, port number
glossary-remote-desktop = **원격 데스크톱**(RDP)은 Windows 서버 화면에 접속하는 방법이에요. Windows PC에서는 Win+R을 누르고 `mstsc`를 입력해 **원격 데스크톱 연결**을 열고 서버의 공인 IP를 입력하면 돼요. Mac에서는 App Store의 **Windows App**(이전 이름 Microsoft Remote Desktop)을 써요.
    .name = 원격 데스크톱
    .words = 원격 데스크톱, 원격 데스크탑, 원격데스크톱, remote desktop, rdp, mstsc, 원격 접속
glossary-ssh-client = **SSH 클라이언트**는 고객님 컴퓨터에서 Linux 서버에 접속하는 프로그램이에요. macOS, Linux, Windows 10 이상에서는 터미널(또는 PowerShell)에서 `ssh 사용자@서버IP` 명령으로 접속해요. PuTTY, Xshell, Termius 같은 프로그램도 SSH 클라이언트예요.
    .name = SSH 클라이언트
    .words = ssh 클라이언트, ssh client, putty, xshell, termius, mobaxterm
glossary-vm-command = 서버에서 실행할 명령은 **VNC 콘솔**로 로그인한 서버 화면에 입력해요. { $os ->
        [windows] 그 화면에서 PowerShell을 관리자 권한으로 열고(시작 버튼을 마우스 오른쪽 버튼으로 클릭한 뒤 **Windows PowerShell(관리자)** 또는 **터미널(관리자)**) 명령을 입력하거나 붙여넣고 Enter를 눌러 주세요.
       *[other] 프롬프트(`$`나 `#`로 끝나는 줄)에 명령을 입력하고 Enter를 눌러 주세요. `sudo`는 계정 비밀번호를 물어보는데, 입력해도 화면에는 아무것도 표시되지 않아요. VNC에 붙여넣으려면 콘솔 위쪽의 **텍스트 보내기**(또는 복사/붙여넣기) 창을 쓰세요.
    } 결과가 나오면 어떻게 나왔는지 짧게 말씀해 주시거나 출력을 복사해서 여기에 붙여넣어 주세요. 제가 읽어 드릴게요.
    .name = 서버에서 명령 실행
    .words = sudo, 프롬프트, prompt, 관리자 권한, run as administrator, as administrator
glossary-allow-remote = **원격 연결 허용**은 Windows가 원격 데스크톱 접속을 받을지 정하는 설정이에요. VNC 콘솔에서 Win+R을 누르고 `SystemPropertiesRemote`를 입력한 뒤 Enter를 누르면 **원격** 탭이 열려요. **이 컴퓨터에 대한 원격 연결 허용**을 선택하고 **확인**을 눌러 주세요. Windows Server 2022 이후 버전은 **설정** > **시스템** > **원격 데스크톱**에도 같은 스위치가 있어요.
    .name = 원격 연결 허용
    .words = allow remote connections, remote connections, 원격 연결 허용, 원격 연결, systempropertiesremote, system properties, 시스템 속성, remote tab, 원격 탭
glossary-login-again = { $os ->
        [windows] 다시 접속해 보시려면 고객님 컴퓨터에서 **원격 데스크톱 연결**을 열고(Win+R, `mstsc`, Mac은 **Windows App**) 서버의 공인 IP를 입력한 뒤(포트가 3389가 아니면 `:포트`까지) Administrator로 로그인해 보세요.
        [linux] 다시 접속해 보시려면 고객님 컴퓨터의 터미널에서 `ssh 사용자@서버IP`를 실행해 보세요(포트가 22가 아니면 `-p 포트`, 키로 로그인하시면 `-i 키.pem`을 붙여요). PuTTY 같은 SSH 클라이언트를 쓰신다면 평소처럼 접속하시면 돼요.
       *[other] 다시 접속해 보시려면 평소 하시던 방법으로 접속해 보세요. Linux는 터미널에서 `ssh 사용자@서버IP`, Windows는 **원격 데스크톱 연결**(Win+R, `mstsc`)이에요.
    } 어떻게 됐는지 알려 주세요. 오류 메시지만 알려 주셔도 도움이 돼요.
    .name = 다시 접속
    .words = log in again, 다시 접속, 다시 로그인, 재접속, reconnect, 접속 시도
glossary-resources = { $os ->
        [windows] VNC 콘솔에서 **작업 관리자**를 열어 주세요. **원격 명령 보내기**로 Ctrl-Alt-Delete를 보내고 작업 관리자를 선택하면 돼요(Ctrl+Shift+Esc도 돼요). **자세히**를 누른 뒤 **프로세스** 탭을 CPU나 메모리 순으로 정렬하면 무엇이 많이 쓰는지 보여요.
       *[other] VNC 콘솔에서 `top`을 실행하면 부하와 자원을 많이 쓰는 프로세스가 보여요(`q`를 누르면 나가요). `free -m`은 메모리(MB), `df -h`는 디스크별 사용량을 보여 줘요. 부하가 CPU 개수보다 훨씬 높거나, 남은 메모리가 거의 없거나, 디스크가 100%라면 그게 원인일 수 있어요.
    }
    .name = CPU·메모리 사용량
    .words = cpu, memory, 메모리, ram, task manager, 작업 관리자, htop, load average, 부하, 사용률, disk full, 디스크
glossary-self-diagnosis = **자가 진단**은 클라우드에서 제공하는 인스턴스 자동 점검 도구예요. 콘솔 오른쪽 위 **티켓**에서 **자가 진단**을 열고 인스턴스를 골라 시작하면 1분쯤 뒤에 보안 그룹에서 닫힌 포트나 멈춘 서비스처럼 찾아낸 문제를 보여 줘요.
    .name = 자가 진단
    .words = self-diagnosis, self diagnosis, 자가 진단, 자가진단, 자체 진단, diagnosis tool, 진단 도구
glossary-monitoring = 인스턴스의 **모니터링** 그래프에서 CPU, 메모리, 트래픽 변화를 볼 수 있어요. 콘솔에서 인스턴스를 클릭하고 **모니터링** 탭을 연 뒤 최근 1시간이나 하루로 맞춰 보세요. CPU가 100%에 붙어 있거나 아웃바운드 트래픽이 대역폭 상한에 딱 붙어 평평하다면 그게 찾는 신호예요.
    .name = 모니터링 그래프
    .words = monitoring, 모니터링, graph, graphs, 그래프, bandwidth, 대역폭, traffic, 트래픽, outbound, 아웃바운드
glossary-blocking = **차단**(블랙홀, 격리라고도 해요)은 DDoS 공격이나 보안 문제가 있을 때 공인 IP를 한동안 인터넷에서 끊는 조치예요. 차단되면 콘솔 위쪽 종 모양 아이콘(**메시지 센터**)으로 알림이 오고, **Anti-DDoS** 콘솔에서 차단된 IP와 해제 예정 시각을 볼 수 있어요.
    .name = IP 차단
    .words = black hole, ip blocking, IP 차단, blackhole, 블랙홀, 격리, isolated, isolation, ddos, 디도스, anti-ddos, message center, 메시지 센터
glossary-netstat = **netstat**은 서버의 프로그램이 어떤 포트에서 접속을 기다리는지(대기 중인지) 보여 주는 명령이에요. Linux에서는 `ss -tlnp`, PowerShell에서는 `Get-NetTCPConnection -State Listen`이 같은 일을 해요. `0.0.0.0:3389`(또는 `0.0.0.0:22`) 줄이 LISTENING(한국어 Windows는 수신 대기, Linux는 LISTEN) 상태라면 모든 주소에서 그 포트로 접속을 받고 있다는 뜻이고, `127.0.0.1:…`이면 서버 자신에게서 오는 접속만 받아요. VNC 콘솔로 서버에 들어가서 실행해 주세요.
    .name = 대기 포트(netstat)
    .words = netstat, ss -tlnp, get-nettcpconnection, 넷스탯, listening ports, listening port, 대기 포트, 리스닝 포트, 수신 대기
glossary-billing = **미납 요금**이 있으면 계정의 인스턴스가 중지되거나 네트워크가 끊겨요. 콘솔 오른쪽 위 **비용 센터**에서 잔액과 미납 금액을 볼 수 있어요. 충전한 뒤 인스턴스가 중지돼 있다면 인스턴스 목록에서 시작해 주세요.
    .name = 요금 미납
    .words = billing, 결제, 요금, 미납, 연체, overdue, arrears, 잔액, top up, 충전, billing center, 비용 센터

## Two facts disagree: which one the conversation goes by (engine, evidence model)
evidence-contradiction = { $subject ->
        [firewall] 서버 안 방화벽
        [listener] { $port }번 포트에서 대기 중인 서비스
        [service] 로그인 서비스
        [client] 고객님이 직접 해 보신 연결 테스트
        [user-ping] 고객님이 직접 해 보신 ping
        [registry] 레지스트리의 원격 데스크톱 포트
        [resources] 서버의 메모리, CPU, 디스크
        [security-group] 보안 그룹
        [instance] 인스턴스 상태
       *[other] 이 항목
    }: { $same ->
        [yes] { $wins ->
                [pasted] 붙여 넣어 주신 출력
                [said] 고객님 답변
                [inferred] 붙여 넣으신 출력에서 제가 읽은 내용
                [provider] 클라우드 API 정보
               *[measured] 제 점검 결과
            } 안에서 서로 다른 내용이 나와요. 한쪽은 { $held_ok ->
                [yes] 문제없다고
               *[no] 문제가 있다고
            } 하고, 다른 쪽은 { $wins_ok ->
                [yes] 문제없다고
               *[no] 문제가 있다고
            } 해요.
       *[no] { $held ->
            [measured] 제 이전 점검
            [provider] 클라우드 API 정보
            [pasted] 붙여 넣어 주신 출력
            [inferred] 이전에 붙여 넣으신 출력에서 제가 읽은 내용
           *[said] 고객님 답변
        }에서는 { $held_ok ->
            [yes] 문제없다고
           *[no] 문제가 있다고
        } 나왔지만, { $wins ->
            [measured] 제가 밖에서 직접 점검한 결과
            [provider] 클라우드 API 정보
            [pasted] 붙여 넣어 주신 출력
            [inferred] 붙여 넣으신 출력에서 제가 읽은 내용
           *[said] 고객님 답변
        }에서는 { $wins_ok ->
            [yes] 문제없다고
           *[no] 문제가 있다고
        } 나와요.
    } { $why ->
        [specific] 포트에 대한 구체적인 규칙이 전체 상태 표시(예: inactive)보다 정확해서 그쪽을 기준으로 볼게요.
        [newer] 더 최근 결과를 기준으로 볼게요.
       *[source] { $wins ->
            [measured] 직접 측정한 결과가 전해 들은 내용보다 확실해서
            [provider] 클라우드 쪽 기록이 전해 들은 내용보다 확실해서
            [pasted] 서버가 직접 출력한 내용이 답변보다 확실해서
           *[other] 그쪽이 더 확실해서
        } 그쪽을 기준으로 볼게요.
    }

## A re-check whose result did not change because of what the user did (engine)
recheck-healthy = 밖에서 확인해 보니 { $port }번 포트가 정상적으로 응답해요.
recheck-changed = 밖에서 보기에 달라진 점은 있지만, 로그인 포트가 아직 제대로 응답하지 않아요. 계속 확인해 볼게요.

## What `ssh -v` of a refused login shows: the keys offered, the user typed (engine)
paste-ssh-keys = { $keys ->
        [none] 클라이언트가 키를 하나도 제시하지 않아서 서버가 받아들일 키가 없었어요. 키 파일을 직접 지정해 주세요: `{ $ssh } -i /키/파일/경로.pem { $user }@{ $ip }` (먼저 `chmod 600`으로 권한을 바꿔 주세요. 다른 사용자가 읽을 수 있는 키는 ssh가 건너뛰어요).
        [missing] 지정하신 키 파일이 컴퓨터에 없어요({ $file }). 경로와 파일 이름을 확인하신 뒤 `{ $ssh } -i /키/파일/경로.pem { $user }@{ $ip }`로 다시 접속해 주세요.
       *[offered] 클라이언트가 키를 { $count }개 제시했지만 서버가 하나도 받아들이지 않았어요. 인스턴스에 연결된 키 페어가 다른 키예요. 콘솔의 **SSH 키** 페이지에서 인스턴스에 연결된 키 페어를 확인할 수 있어요. 그 키 파일로 `{ $ssh } -i /그/키/파일.pem -o IdentitiesOnly=yes { $user }@{ $ip }`를 실행해 주세요.
    }
paste-ssh-user = `{ $typed }` 사용자로 접속하셨는데, 이 이미지의 기본 사용자는 `{ $default }`예요{ $default ->
        [ubuntu] {" "}(Tencent Cloud의 Ubuntu 이미지는 `ubuntu` 사용자로 시작하고, root 로그인은 기본적으로 꺼져 있어요)
       *[other] {" "}(CentOS, Rocky, TencentOS, OpenCloudOS 이미지는 `root`, Ubuntu 이미지는 `ubuntu` 사용자로 시작해요)
    }. `{ $ssh } { $default }@{ $ip }`로 접속해 보세요.

## After "it works now": the likely cause and how to keep it from coming back (engine)
fixed-followup = { $cause ->
        [security-group] 원인은 보안 그룹이 { $port }번 포트를 허용하지 않았던 것으로 보여요. 꼭 필요한 규칙만 남겨 두시고, 누가 언제 규칙을 바꿨는지는 콘솔의 작업 기록(Cloud Audit)에서 확인할 수 있어요.
        [firewall] 원인은 서버 안 방화벽이 { $port }번 포트를 막았던 것으로 보여요. { $os ->
            [windows] 네트워크가 바뀌어도 꺼지지 않도록 인바운드 규칙을 모든 프로필(도메인, 개인, 공용)에서 사용으로 두세요.
           *[other] 재부팅해도 사라지지 않도록 규칙을 영구로 저장해 주세요: `sudo ufw allow { $port }/tcp`, `sudo firewall-cmd --permanent --add-port={ $port }/tcp` 후 `--reload`, 또는 iptables 규칙 저장(`sudo netfilter-persistent save`, CentOS 7은 `sudo service iptables save`).
        }
        [sshd] 원인은 SSH 서비스가 멈췄거나 설정에 문제가 있었던 것으로 보여요. `sudo journalctl -b -u ssh`(또는 `-u sshd`)로 부팅 이후의 로그를 보시면 왜 멈췄는지 알 수 있어요. 설정을 바꾼 뒤에는 재시작 전에 `sudo sshd -t`로 먼저 확인하시면 오타 때문에 접속이 막히는 일을 막을 수 있어요.
        [resources] 원인은 서버의 CPU, 메모리 또는 디스크가 부족했던 것으로 보여요. 콘솔 모니터링에서 CPU, 메모리, 디스크 사용률 알람을 설정해 두시면 다음에 미리 알 수 있어요. `sudo journalctl -b -k | grep -i oom`으로 부팅 이후 메모리 부족으로 종료된 프로그램을 확인할 수 있어요.
        [instance] 원인은 인스턴스 자체(중지, 요금 연체, 대역폭 없음)로 보여요. 누가 언제 인스턴스를 중지하거나 바꿨는지는 콘솔의 작업 기록(Cloud Audit)에서, 요금 연체로 중지됐는지는 결제 페이지에서 확인할 수 있어요. 다시 중지되지 않도록 잔액을 충전하시거나 자동 갱신을 켜 두세요.
        [port] 원인은 로그인 서비스가 기본 포트가 아닌 { $port }번 포트에서 대기하고 있었던 것으로 보여요. 앞으로는 이 포트로 접속하시거나, 서비스 설정에서 원래 포트로 되돌려 주세요(사용하는 포트는 보안 그룹과 방화벽에서 계속 허용해 두세요).
        [rdp] 원인은 서버의 원격 데스크톱 설정으로 보여요. 이벤트 뷰어(Windows 로그 > 시스템, 그리고 응용 프로그램 및 서비스 로그 > Microsoft > Windows > TerminalServices)에서 무엇이 언제 바뀌었는지 확인할 수 있어요.
        [login] 원인은 서버가 아니라 클라이언트 쪽(키, 사용자 이름, 클라이언트 설정)으로 보여요. 접속에 성공한 키 파일과 사용자 이름을 `~/.ssh/config` 등에 함께 저장해 두세요.
       *[general] 무슨 일이 있었는지는 { $os ->
            [windows] 이벤트 뷰어(Windows 로그 > 시스템)
           *[other] 부팅 이후의 저널(`sudo journalctl -b`)
        }과 콘솔의 작업 기록(Cloud Audit)에서 무엇이 언제 바뀌었는지 확인할 수 있어요.
    }{ $sg ->
        [yes] {" "}테스트용으로 보안 그룹에 0.0.0.0/0을 허용하는 규칙을 추가하셨다면, 지금 고객님 주소나 사무실 대역으로 좁혀 주세요. 열려 있는 로그인 포트는 몇 분 안에 스캔 대상이 돼요.
       *[no] {""}
    }
