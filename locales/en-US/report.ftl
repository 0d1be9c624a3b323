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
        [alternates] the ports a moved login service often uses
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
report-summary = Summary: login port { $port } is { $state ->
        [open] open
        [closed] closed (the server refuses: nothing listens)
        [filtered] dropped or refused on the way
        [inconclusive] not testable from the bot
       *[other] not measured
    }{ $moved ->
        [yes] {" "}(the login service was found on { $port }, not the usual { $usual })
       *[no] {""}
    }. Hypothesis: { $cause ->
        [no-answer-at-all] the instance is stopped, the address is wrong, or everything is dropped
        [host-unreachable] a firewall rejects with ICMP, most likely the one inside the server
        [port-filtered] a security group or firewall drops the login port
        [port-closed] the login service is not listening on that port
        [ssh-legacy-only] the SSH server offers only algorithms current clients refuse
        [ssh-ok] the path and sshd are healthy: client, key or account
        [rdp-ok] the path and Remote Desktop are healthy: client or account
        [probe-inconclusive] unknown: the bot could not test from where it runs
        [none] none yet
       *[other] the login service accepts connections but misbehaves ({ $cause })
    }. Clues from pastes: { $clues }.
report-source = Probed from: { $egress ->
        [none] the bot's source address is not configured
       *[other] { $egress }
    }
report-reason = { $reason ->
        [syn_ack] SYN-ACK
        [reset] TCP reset (RST)
        [timeout] no answer (timed out)
        [host_unreachable] ICMP destination unreachable: host unreachable or prohibited (type 3, code 1/10/13)
        [net_unreachable] ICMP destination unreachable: network unreachable (type 3, code 0)
        [admin_prohibited] ICMPv6 destination unreachable: administratively prohibited (type 1, code 1)
       *[local_error] local error on the bot's side
    }

## A paste answered the current question (engine)
paste-answers = That answers this question.
