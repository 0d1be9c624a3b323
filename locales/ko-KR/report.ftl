## 티켓과 함께 전달되는 진단 보고서(Markdown)

report-title = vm-doctor 진단 보고서
report-target = 서버: { $ip } ({ $os ->
        [windows] Windows
        [linux] Linux
       *[other] 운영 체제 확인 전
    }), 로그인 포트 { $port }
report-times = 진단 시작: { $started } / 보고서 작성: { $generated } (UTC)
report-outcome = 결과: { $outcome ->
        [fixed] 해결됨(사용자 로그인 가능)
        [escalated] 기술 지원팀으로 이관됨
       *[open] 진단 진행 중
    }
report-at-step = 마지막 단계: { $step }
report-findings = 진단 결과
report-probes = 외부 점검
report-probe-run = { $at } ({ $purpose ->
        [initial] 최초 점검
        [corrected] 정정 후 재점검
        [alternates] 로그인 서비스를 옮길 때 자주 쓰는 포트 점검
       *[recheck] 변경 후 재점검
    }, { $elapsed }ms)
report-checks = 서버 내부 점검 내역
report-check-answer = { $at }: { $step }: { $answer }
report-check-inferred = { $answer } (사용자가 답한 것이 아니라 붙여 넣은 출력에서 읽은 내용이에요)
report-ruled-out = 배제된 원인
report-disputed = 사용자 답변과 외부 점검 결과가 어긋나는 항목
report-none = (없음)
report-ssh-algos = SSH 키 교환 알고리즘: { $kex } / 호스트 키 알고리즘: { $hostkey }
report-col-probe = 점검 항목
report-col-state = 상태
report-col-reason = 세부 내용
report-col-rtt = 응답 시간
ticket-summary = vm-doctor: { $ip } 서버({ $os ->
        [windows] Windows
        [linux] Linux
       *[other] 운영 체제 확인 전
    }, 포트 { $port })에 로그인할 수 없음. 진단 결과: { $findings }
report-pastes = 붙여 넣은 출력
report-summary = 요약: 로그인 포트 { $port }번은 { $state ->
        [open] 열려 있어요
        [closed] 닫혀 있어요(서버가 거부함: 대기 중인 서비스 없음)
        [filtered] 중간에서 버려지거나 거부돼요
        [inconclusive] 봇 쪽에서 점검할 수 없었어요
       *[other] 아직 측정하지 않았어요
    }{ $moved ->
        [yes] {" "}(로그인 서비스가 기본 포트 { $usual }번이 아니라 { $port }번에서 발견됨)
       *[no] {""}
    }. 가설: { $cause ->
        [no-answer-at-all] 인스턴스가 중지되었거나, 주소가 틀렸거나, 모든 트래픽이 버려지고 있어요
        [host-unreachable] 방화벽이 ICMP로 거부하고 있어요. 서버 안의 방화벽일 가능성이 높아요
        [host-unreachable-router] 서버가 아니라 경로 중간의 라우터({ $icmp_from })가 ICMP로 거부하고 있어요. 네트워크 경로 문제예요
        [port-filtered] 보안 그룹이나 방화벽이 로그인 포트를 버리고 있어요
        [port-closed] 로그인 서비스가 그 포트에서 대기하고 있지 않아요
        [ssh-legacy-only] SSH 서버가 최신 클라이언트가 거부하는 알고리즘만 제공해요
        [ssh-ok] 경로와 sshd는 정상이에요. 클라이언트, 키, 계정 쪽이에요
        [rdp-ok] 경로와 원격 데스크톱은 정상이에요. 클라이언트나 계정 쪽이에요
        [probe-inconclusive] 알 수 없어요. 봇이 있는 곳에서 점검하지 못했어요
        [none] 아직 없어요
        [firewall-blocks] 서버 안 방화벽 규칙이 로그인 포트를 막고 있어요
        [sshd-privsep] sshd가 중지되어 있어요(권한 분리 디렉터리가 없음)
        [sshd-bad-config] 설정 파일의 잘못된 줄 때문에 sshd가 시작되지 않아요
        [sshd-address-in-use] 다른 프로그램이 포트를 쓰고 있어서 sshd가 시작되지 않아요
        [sshd-bind-denied] sshd가 포트를 쓸 수 없어요(SELinux)
        [sshd-no-hostkeys] 호스트 키가 없어서 sshd가 시작되지 않아요
        [sshd-fatal] sshd가 자체 오류로 멈춰요
        [service-stopped] 로그인 서비스가 중지되어 있어요
        [service-missing] 로그인 서비스가 설치되어 있지 않아요
        [listen-local-only] 로그인 서비스가 로컬 주소에서만 대기하고 있어요
        [listen-other-port] 로그인 서비스가 다른 포트에서 대기하고 있어요
        [listen-none] 로그인 포트에서 대기 중인 서비스가 없어요
        [disk-full] 디스크가 가득 찼어요
        [resources-high] 서버의 CPU, 메모리 또는 디스크가 부족해요
        [registry-differ] 레지스트리의 PortNumber 값 두 개가 서로 달라요
        [rdp-listener-missing] RDP-Tcp 리스너가 없어요
        [boot-trouble] 서버가 정상적으로 부팅되지 않아요
        [client-publickey] 서버가 제시한 키를 받아들이지 않아요
        [client-password] 비밀번호가 거부돼요
        [client-other-port] 사용자의 클라이언트가 아직 예전 포트로 접속하고 있어요
       *[other] 로그인 서비스가 연결은 받지만 정상적으로 동작하지 않아요({ $cause })
    }.{ $clues ->
        [none] {""}
       *[other] {" "}붙여 넣은 출력에서 읽은 단서: { $clues }.
    }
report-source = 점검한 곳: { $egress ->
        [none] 봇의 출발 주소가 설정되어 있지 않아요
       *[other] { $egress }
    }
report-reason = { $reason ->
        [syn_ack] SYN-ACK
        [reset] TCP 리셋(RST)
        [timeout] 응답 없음(시간 초과)
        [host_unreachable] ICMP 목적지 도달 불가: 호스트 도달 불가 또는 금지(type 3, code 1/10/13)
        [net_unreachable] ICMP 목적지 도달 불가: 네트워크 도달 불가(type 3, code 0)
        [admin_prohibited] ICMPv6 목적지 도달 불가: 관리상 금지(type 1, code 1)
       *[local_error] 봇 쪽의 로컬 오류
    }
report-paste-at = { $at }, 단계: { $step }

## A paste answered the current question (engine)
paste-answers = 붙여 넣어 주신 내용으로 이 질문의 답을 확인했어요.

## The summary at the top of the report, and every fact with its source
report-summary-title = 요약
report-opening = 사용자가 처음 쓴 말({ $at } UTC): { $words }
report-opening-none = { $at } UTC에 시작했어요. 사용자가 직접 쓴 문장은 없어요(명령과 버튼만 사용).
report-user-lang = 사용자는 { $lang ->
        [ko-KR] 한국어
       *[other] 영어
    }로 대화했어요. 사용자가 입력한 답은 입력한 그대로 인용하고, 사용자가 본 선택지는 그 언어로 옆에 적었어요.
report-user-saw = 사용자가 본 선택지: { $label }
report-decisive = 결정적 단서: { $by }. 이 단서로 "{ $step }" 단계로 진행했어요.
report-decisive-none = 결정적 단서: 아직 없어요(점검 결과나 붙여 넣은 출력으로 경로가 정해지지 않았어요).
report-contradiction = 서로 맞지 않는 정보
report-how = { $how ->
        [measured] 봇이 직접 측정
        [inferred] 붙여 넣은 출력에서 봇이 추론
        [provider] 클라우드 API 정보
        [pasted] 붙여 넣은 출력에서 확인
       *[said] 사용자 답변
    }
report-evidence = 확인된 사실과 출처
report-evidence-line = { $at }: { $source ->
        [measured] 봇이 직접 측정
        [provider] 클라우드 API
        [pasted] 붙여 넣은 출력
        [inferred] 붙여 넣은 출력에서 봇이 추론
       *[said] 사용자 답변
    }: { $code }{ $ok ->
        [yes] {" "}({ $subject }: 정상)
        [no] {" "}({ $subject }: 문제 있음)
       *[none] {""}
    }{ $stands ->
        [yes] {""}
       *[no] , 다른 근거에 밀림
    }
report-decisions = 대화가 이렇게 진행된 이유
report-decision-line = { $at }: "{ $step }", 근거: { $by } ({ $table ->
        [first] 첫 점검
        [cloud] 클라우드 API
       *[paste] 붙여 넣은 출력
    })
report-contradiction-line = { $subject }: { $held ->
        [measured] 봇의 이전 측정
        [provider] 클라우드 API
        [pasted] 붙여 넣은 출력
        [inferred] 붙여 넣은 출력에서 봇이 추론한 답변
       *[said] 사용자 답변
    }({ $held_code }) 결과는 { $held_ok ->
        [yes] 정상
       *[no] 문제 있음
    }, { $wins ->
        [measured] 봇의 측정
        [provider] 클라우드 API
        [pasted] 붙여 넣은 출력
        [inferred] 붙여 넣은 출력에서 봇이 추론한 답변
       *[said] 사용자 답변
    }({ $wins_code }) 결과는 { $wins_ok ->
        [yes] 정상
       *[no] 문제 있음
    }. 뒤쪽 결과를 따름({ $why ->
        [specific] 포트에 대한 구체적인 줄이 도구의 전체 상태 표시보다 우선
        [newer] 더 최근 결과
       *[source] 더 확실한 출처
    }).
