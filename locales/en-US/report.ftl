## The diagnosis report (markdown) handed over with a ticket.

report-title = vm-doctor diagnosis report
report-target = Server: { $ip } ({ $os ->
        [windows] Windows
        [linux] Linux
       *[other] OS not determined
    }), login port { $port }
report-times = Started { $started }, report made { $generated } (UTC)
report-outcome = Outcome: { $outcome ->
        [fixed] fixed, the user can log in
        [escalated] handed to support
       *[open] diagnosis still open
    }
report-at-step = Last step: { $step }
report-findings = Findings
report-probes = Probes from outside
report-probe-run = { $at } ({ $purpose ->
        [initial] first look
        [corrected] re-check after a correction
       *[recheck] re-check after a change
    }, { $elapsed } ms)
report-checks = Checks done inside the server
report-check-answer = { $at }: { $step }: { $answer }
report-check-inferred = { $answer } (read from the pasted output, not said by the user)
report-ruled-out = Ruled out
report-disputed = Reported by the user, contradicted by the probes
report-none = (none)
report-ssh-algos = SSH key exchange: { $kex }; host keys: { $hostkey }
report-col-probe = Probe
report-col-state = State
report-col-reason = Details
report-col-rtt = Round trip
ticket-summary = vm-doctor: cannot log in to { $ip } ({ $os ->
        [windows] Windows
        [linux] Linux
       *[other] OS not determined
    }, port { $port }); findings: { $findings }
report-pastes = Pasted output
report-paste-at = { $at }, at: { $step }

## A paste answered the current question (engine)
paste-answers = That answers this question.
