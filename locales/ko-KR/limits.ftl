# Limits: probe budgets, the port policy, the target policy at every probe,
# and stored conversations this build can't continue (limit-*).

limit-rate-user = 짧은 시간에 점검을 많이 요청하셨어요. { $seconds }초 뒤에 다시 점검할 수 있어요.
limit-rate-space = 이곳에서 최근 점검 요청이 많아 새 점검을 잠시 멈췄어요. { $seconds }초 뒤에 다시 점검할 수 있어요.
limit-rate-target = 이 주소는 최근 여러 번 점검되어 잠시 쉬게 하고 있어요. { $seconds }초 뒤에 다시 점검할 수 있어요.
limit-busy = 이미 진행 중인 점검이 { $max }개 있어요. 점검이 끝난 뒤에 다시 시도해 주세요.
limit-port-not-allowed = { $port }번 포트는 점검할 수 없어요. 이 봇은 정해진 포트({ $allowed })만 점검해요.
limit-too-many-ports = { $port }번 포트까지는 점검할 수 없어요. 대화 하나에서 점검할 수 있는 포트는 최대 { $max }개예요. 새로 진단하려면 /restart를 입력해 주세요.
limit-target-refused = 지금 적용 중인 규칙으로는 { $ip } 주소를 점검할 수 없어요.
limit-record-too-new = 이 대화는 더 새로운 버전의 vm-doctor가 저장한 것이라 이 버전에서는 이어갈 수 없어요. 대화 내용은 그대로 두었어요. 새 버전이 다시 실행되면 시도해 주시거나 지원팀에 문의해 주세요.
limit-report-earlier = 이전 점검 (요약)
limit-report-forgotten = 이보다 오래된 점검 { $count }건은 더 이상 보관하지 않아요.
limit-rate-starts = 짧은 시간에 진단을 여러 번 시작하셨어요. { $seconds }초 뒤에 새 진단을 시작할 수 있어요.
limit-place-not-allowed = 여기서는 진단을 시작할 수 없어요. 지원 채널에서 요청해 주세요.
limit-role-required = 이곳에서 서버를 점검하려면 별도의 역할이 필요해요. 관리자에게 문의해 주세요.
limit-commands = 짧은 시간에 명령을 너무 많이 보내셨어요. { $seconds }초 뒤에 다시 시도해 주세요.
limit-report-again = 진단 보고서는 조금 전에 이 대화 위쪽에 첨부했어요. 링크를 다시 보내 드려요.
