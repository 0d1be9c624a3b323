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
report-paste-at = { $at }, 단계: { $step }

## A paste answered the current question (engine)
paste-answers = 붙여 넣어 주신 내용으로 이 질문의 답을 확인했어요.
