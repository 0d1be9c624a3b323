## 대화 틀: 인사, 질문, 오류, 명령어

welcome = 안녕하세요, vm-doctor입니다. 먼저 외부에서 서버 상태를 점검한 뒤, 서버 안에서 직접 확인하셔야 하는 항목을 하나씩 안내해 드리겠습니다. 다시 로그인하실 수 있을 때까지, 또는 전체 진단 보고서를 첨부해 지원 티켓을 접수하실 수 있을 때까지 함께하겠습니다.
ask-ip = 서버의 공인 IP 주소를 알려 주세요. (예: 203.0.113.10)
ask-os = { $ip } 서버의 운영 체제는 무엇인가요?
os-windows = Windows
    .aliases = windows, win, 윈도우, 윈도, 윈도즈
os-linux = Linux
    .aliases = linux, ubuntu, centos, debian, 리눅스, 우분투, 센토스, 데비안
os-auto = 잘 모르겠어요, 자동으로 확인해 주세요
    .aliases = auto, 자동, 자동 감지, 모름, 모르겠어요, 잘 모르겠어요
os-detected = 응답하는 로그인 포트로 보아 { $os ->
        [windows] Windows
       *[linux] Linux
    } 서버로 보입니다.
os-undecided = 포트만으로는 운영 체제를 판단하지 못했습니다. 직접 선택해 주세요.

err-not-ip = "{ $value }"은(는) IP 주소가 아닙니다. 203.0.113.10처럼 점으로 구분된 숫자 네 개로 입력해 주세요. (IPv6 주소도 입력하실 수 있습니다.)
err-bad-os = "{ $value }"은(는) 알 수 없는 운영 체제입니다. Windows 또는 Linux를 선택하시거나, 자동 확인을 선택해 주세요.
err-bad-port = "{ $value }"은(는) 올바른 포트 번호가 아닙니다. 포트는 1부터 65535 사이의 정수입니다.
err-bad-lang = 지원하는 언어는 영어(`/lang en`)와 한국어(`/lang ko`)입니다.
err-unknown-command = 알 수 없는 명령어입니다. /help를 입력하시면 사용할 수 있는 명령어를 확인하실 수 있습니다.
err-too-many-args = 명령어에 입력값이 너무 많습니다. /help를 입력하시면 사용법을 확인하실 수 있습니다.
err-not-an-option = { $count ->
        [0] 말씀을 이해하지 못했습니다. 보기 중 하나를 선택해 주세요.
       *[other] "{ $value }"은(는) 이해하지 못했습니다. 보기 중 하나를 선택하시거나, 1부터 { $count } 사이의 번호로 답해 주세요.
    }
err-empty-text = 답변을 입력해 주세요.
err-text-too-long = 입력하신 내용이 너무 깁니다. { $max }자 이내로 입력해 주세요.

probing = 이쪽에서 { $ip } 서버를 점검하고 있습니다. (Ping, 포트 { $ports })…
probing-resume = 서버를 점검하던 중에 봇이 재시작되었습니다. 지금 다시 점검하겠습니다.
still-probing = 아직 점검 중입니다. 몇 초 정도 걸립니다.
probe-summary = **외부에서 확인한 결과** ({ $ip }, { $elapsed }ms):
probe-icmp = Ping: { $state ->
        [reply] 응답 있음 ({ $received }/{ $sent }, 약 { $rtt }ms)
        [no_reply] 응답 없음 ({ $received }/{ $sent })
       *[unavailable] 봇이 실행되는 환경에서는 Ping을 보낼 수 없음
    }
probe-port = 포트 { $port }: { $state ->
        [open] 열림
        [closed] 닫힘 (서버가 이 포트에서 대기 중인 서비스가 없다고 응답함)
        [filtered] 응답 없음 (필터링됨)
       *[other] 판단 불가 (고객님 쪽이 아니라 봇 쪽의 문제)
    }
probe-ssh = 포트 { $port }의 SSH 응답: `{ $banner }`
probe-rdp = 포트 { $port }의 원격 데스크톱이 허용하는 방식: { $accepts }
probe-pending = { $what ->
        [ping] Ping: 확인 중…
       *[port] 포트 { $port }: 확인 중…
    }

recheck-start = { $ip } 서버를 다시 점검하고 있습니다. (포트 { $ports })…
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
recheck-better = 효과가 있었습니다. 이제 로그인 포트가 정상적으로 응답합니다.
recheck-same = 외부에서 보기에는 아직 변화가 없습니다. 계속 점검해 보겠습니다.

back-done = 네, 한 단계 전으로 돌아갑니다.
back-nothing = 돌아갈 이전 단계가 없습니다.
restarted = 처음부터 다시 시작합니다.
lang-set = 지금부터 한국어로 안내해 드리겠습니다.
status = **진행 상황:** { $ip } ({ $os }), 로그인 포트 { $port } / 외부 점검 { $probes }회, 답변 { $answers }개
status-step = 현재 단계:
status-findings = 최근 진단 결과:
status-none = 아직 진행 중인 진단이 없습니다. /diagnose를 입력하시거나, 서버의 IP 주소를 바로 알려 주세요.
help = 사용할 수 있는 명령어는 다음과 같습니다.
    /diagnose <ip> <windows|linux|auto> [포트]: 서버 점검 시작
    /back: 한 단계 전으로 돌아가기
    /restart: 처음부터 다시 시작
    /status: 진행 상황과 지금까지의 진단 결과 보기
    /ticket: 지원 티켓 링크와 진단 보고서 바로 받기
    /lang ko|en: 언어 변경 (English: /lang en)
    질문에는 보기의 번호나 이름으로 답하시거나, "네"처럼 말로 답하셔도 됩니다.
bye = 오늘은 여기까지 하겠습니다. 진단 내용은 저장되어 있으니 언제든 다시 오시면 이어서 진행하실 수 있습니다.
ended-fixed = 다시 로그인하실 수 있게 되어 이번 진단을 마칩니다. 다른 서버를 점검하시려면 /diagnose를, 마지막 단계를 다시 보시려면 /back을 입력해 주세요.
ended-escalated = 이번 진단은 기술 지원팀으로 이관되었습니다. 링크와 보고서를 다시 받으시려면 /ticket을, 마지막 단계를 다시 보시려면 /back을, 새로 진단을 시작하시려면 /diagnose를 입력해 주세요.
session-expired = 이전 대화가 오랫동안 진행되지 않아 새 대화를 시작했습니다.
ticket-continue = 지원팀의 답변을 기다리시는 동안에도 점검을 계속 진행하실 수 있습니다.

ruled-out-port-blocked = 네트워크 경로와 보안 그룹이 포트 { $port }을(를) 허용하고 있습니다. (외부에서 응답함)
ruled-out-host-down = 인스턴스가 실행 중이며 네트워크로 접근할 수 있습니다. (Ping에 응답함)

## 지원 이관
ticket-link = 아래 링크에서 지원 티켓을 접수해 주세요(대상 서버와 요약은 미리 입력되어 있습니다): { $url }
report-saved = 전체 진단 보고서는 `{ $path }`에 저장되어 있습니다. 티켓에 첨부해 주세요.
err-internal = 봇 쪽에서 문제가 발생했습니다(고객님 서버의 문제는 아닙니다). 잠시 후 다시 시도해 주세요. 같은 문제가 계속되면 /ticket을 입력해 주세요.

## Discord
discord-cmd-diagnose-name = 진단
discord-cmd-diagnose-desc = 서버에 로그인할 수 없는 원인을 점검합니다
discord-opt-ip-name = ip
discord-opt-ip-desc = 서버의 공인 IP 주소
discord-opt-os-name = 운영체제
discord-opt-os-desc = 서버의 운영 체제
discord-opt-port-name = 포트
discord-opt-port-desc = 로그인 포트(Linux 22, Windows 3389가 아닌 경우에만 입력)
discord-cmd-back-name = 이전
discord-cmd-back-desc = 한 단계 이전으로 돌아갑니다
discord-cmd-restart-name = 처음부터
discord-cmd-restart-desc = 진단을 처음부터 다시 시작합니다
discord-cmd-status-name = 상태
discord-cmd-status-desc = 현재 진행 단계와 점검 결과를 보여 드립니다
discord-cmd-ticket-name = 티켓
discord-cmd-ticket-desc = 지원 티켓 링크와 진단 보고서를 바로 받습니다
discord-cmd-lang-name = 언어
discord-cmd-lang-desc = 답변 언어를 바꿉니다
discord-opt-lang-name = 언어
discord-opt-lang-desc = 한국어 또는 영어
discord-cmd-help-name = 도움말
discord-cmd-help-desc = 사용할 수 있는 명령어를 안내합니다
discord-thread-name = vm-doctor { $ip }
discord-continue-in-thread = { $ip } 서버 점검은 { $thread }에서 진행합니다. 그쪽에서 이어서 확인해 주세요.
discord-started-here = 여기에서 { $ip } 서버 점검을 시작합니다.
discord-not-yours = 이 진단에는 { $owner }님만 답변하실 수 있습니다. 진행 상황은 함께 보실 수 있습니다.
discord-stale = 이미 답변했거나 지난 질문입니다. 가장 최근 메시지에서 답변해 주세요.
discord-rate-limited = 짧은 시간에 진단을 여러 번 시작하셨습니다. { $seconds }초 후에 다시 시도해 주세요.
discord-channel-not-allowed = 이 채널에서는 진단을 진행하지 않습니다. 지원 채널에서 요청해 주세요.
discord-role-required = 이 서버에서 진단을 실행하려면 별도의 역할이 필요합니다. 관리자에게 문의해 주세요.
discord-answer-button = 답변 입력하기
discord-modal-title = 답변 입력
discord-modal-label = { $expect ->
        [ip] IP 주소
        [port] 포트 번호
       *[other] 답변
    }
discord-ticket-button = 지원 티켓 접수하기
discord-report-attached = 전체 진단 보고서를 첨부했습니다. 티켓에 함께 첨부해 주세요.
discord-field-probe = 점검 결과
discord-field-finding = 진단 내용
discord-see-below = 처리했습니다. 아래 메시지를 확인해 주세요.
