## Slack adapter

slack-thread-root = :stethoscope: { $user }님의 { $ip } 서버 진단이에요. 이 스레드에서 진행 상황을 확인해 주세요.
slack-thread-root-noip = :stethoscope: { $user }님의 서버 진단이에요. 이 스레드에서 진행 상황을 확인해 주세요.
slack-not-yours = 이 진단에는 { $owner }님만 답변할 수 있어요. 진행 상황은 함께 보셔도 괜찮아요.
slack-stale = 이미 답변했거나 지나간 질문이에요. 스레드의 가장 최근 메시지에서 답변해 주시거나, 스레드에 `!status`를 입력하시면 지금 질문을 다시 보여 드릴게요.
slack-rate-limited = 짧은 시간에 진단을 여러 번 시작하셨어요. { $seconds }초 후에 다시 시도해 주세요.
slack-channel-not-allowed = 이 채널에서는 진단을 진행하지 않아요. 지원 채널에서 요청해 주세요.
slack-answer-button = 답변 입력하기
slack-modal-title = 답변 입력
slack-modal-submit = 보내기
slack-modal-cancel = 취소
slack-modal-label = { $expect ->
        [ip] IP 주소
        [port] 포트 번호
       [paste] 명령 실행 결과를 여기에 붙여 넣어 주세요
       *[other] 답변
    }
slack-answered = :white_check_mark: { $answer } (답변: { $user }님)
slack-ticket-button = 지원 티켓 접수하기
slack-report-attached = 전체 진단 보고서를 이 스레드에 첨부했어요. 티켓에 함께 첨부해 주세요.
slack-report-comment = { $ip } 서버 진단 보고서
slack-field-finding = 진단 내용
slack-lang-set = 이제부터 한국어로 답변해 드릴게요.
slack-usage = 저를 멘션하면서 서버 IP를 알려 주시거나 DM으로 말씀하셔도 진단을 시작할 수 있어요. 진단 스레드에서는 답변을 그대로 입력해 주시고, 명령어는 `!`로 시작해 주세요(`/`는 Slack 자체 명령어에 쓰여요).
slack-restarting = vm-doctor가 지금 재시작하는 중이에요. 1분쯤 뒤에 명령어를 다시 보내 주세요. 진행 중이던 진단은 그대로 남아 있어요.
slack-start-your-own = 진단은 기존 스레드 안이 아니라 채널에서 시작해요. 내 서버를 점검하려면 채널에서 저를 멘션하시거나 `/diagnose`를 입력해 주세요.
slack-file-unreadable = 첨부 파일은 읽을 수 없어요. 대신 내용을 이 스레드에 텍스트로 붙여 넣어 주세요.
slack-not-in-channel = 저는 이 채널의 멤버가 아니라서 여기에는 진단을 올릴 수 없어요. `/invite`로 저({ $bot })를 채널에 초대하신 뒤 명령어를 다시 입력하시거나, 저와의 DM에서 이어서 진행해 주세요.
slack-continue-dm = DM에서 이어서 진행하기
slack-modal-failed = 답변 입력 창이 제때 열리지 않았어요. 버튼을 다시 눌러 주세요.
slack-restarting-click = vm-doctor가 지금 재시작하는 중이에요. 1분쯤 뒤에 다시 눌러 주세요. 진행 중이던 진단은 그대로 남아 있어요.
slack-restarting-message = vm-doctor가 지금 재시작하는 중이라 방금 보내 주신 메시지를 받지 못했어요. 1분쯤 뒤에 다시 보내 주세요. 진행 중이던 진단은 그대로 남아 있어요.
slack-restarting-form = vm-doctor가 지금 재시작하는 중이라 입력하신 답을 받지 못했어요. 1분쯤 뒤에 버튼을 다시 눌러 한 번 더 보내 주세요. 진행 중이던 진단은 그대로 남아 있어요.
slack-file-not-read = 첨부 파일은 읽을 수 없어서 함께 적어 주신 글만 읽었어요. 파일에 명령 실행 결과가 들어 있다면 그 내용을 이 스레드에 텍스트로 붙여 넣어 주세요.
slack-moved-to-dm = 저와의 DM에서 진단을 시작했어요. 사이드바의 앱 항목에서 저를 찾으실 수 있어요.
slack-restarting-form-typed = vm-doctor가 지금 재시작하는 중이라 입력하신 답(`{ $answer }`)을 받지 못했어요. 1분쯤 뒤에 버튼을 다시 누르시거나 이 스레드에 답글로 다시 보내 주세요. 진행 중이던 진단은 그대로 남아 있어요.
slack-missing-scope = 이 Slack 앱에 `{ $scope }` 권한이 없어서 여기서는 진행할 수 없어요. 워크스페이스 관리자에게 앱에 이 권한을 추가하고 vm-doctor를 다시 설치해 달라고 요청해 주세요.
slack-report-not-attached = 지금은 진단 보고서를 첨부하지 못했어요. 위의 티켓 링크는 그대로 사용하실 수 있어요. 1분쯤 뒤에 이 스레드에 `!ticket`을 보내 주시면 보고서를 첨부해 드릴게요.
slack-report-not-attached-scope = 이 Slack 앱은 파일을 올릴 수 없어서(`{ $scope }` 권한이 없어요) 진단 보고서를 첨부하지 못했어요. 위의 티켓 링크는 그대로 사용하실 수 있어요. 워크스페이스 관리자가 이 권한을 추가하고 vm-doctor를 다시 설치하면, 이 스레드에 `!ticket`을 보내 보고서를 첨부하실 수 있어요.
