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
        [host-unreachable-router] a router on the way ({ $icmp_from }) rejects with ICMP, not the server: the network path
        [port-filtered] a security group or firewall drops the login port
        [port-closed] the login service is not listening on that port
        [ssh-legacy-only] the SSH server offers only algorithms current clients refuse
        [ssh-ok] the path and sshd are healthy: client, key or account
        [rdp-ok] the path and Remote Desktop are healthy: client or account
        [probe-inconclusive] unknown: the bot could not test from where it runs
        [none] none yet
        [firewall-blocks] a firewall rule inside the server blocks the login port
        [sshd-privsep] sshd is stopped (its privilege-separation directory is missing)
        [sshd-bad-config] sshd won't start: a bad line in its configuration
        [sshd-address-in-use] sshd won't start: another program holds its port
        [sshd-bind-denied] sshd may not bind its port (SELinux)
        [sshd-no-hostkeys] sshd won't start: its host keys are missing
        [sshd-fatal] sshd stops with an error of its own
        [service-stopped] the login service is stopped
        [service-missing] the login service is not installed
        [listen-local-only] the login service listens only on a local address
        [listen-other-port] the login service listens on another port
        [listen-none] nothing listens on the login port
        [disk-full] the disk is full
        [resources-high] the server is short of CPU, memory or disk
        [registry-differ] the two registry PortNumber values differ
        [rdp-listener-missing] the RDP-Tcp listener is missing
        [boot-trouble] the server doesn't boot properly
        [client-publickey] the server refuses the key offered
        [client-password] the password is refused
        [client-other-port] the user's client still connects to the old port
       *[other] the login service accepts connections but misbehaves ({ $cause })
    }.{ $clues ->
        [none] {""}
       *[other] {" "}Clues from pastes: { $clues }.
    }
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

## The summary at the top of the report, and every fact with its source
report-summary-title = Summary
report-opening = The user's own words ({ $at } UTC): { $words }
report-opening-none = Started { $at } UTC; the user typed no words of their own (commands and buttons only).
report-user-lang = The user wrote in { $lang ->
        [ko-KR] Korean
       *[other] English
    }; their answers are quoted as typed, the options they saw in their language beside.
report-user-saw = the user saw: { $label }
report-decisive = Decisive clue: { $by }, which led to "{ $step }".
report-decisive-none = Decisive clue: none yet (the conversation has not been routed by a finding or a paste).
report-contradiction = Contradiction
report-how = { $how ->
        [measured] measured by the bot
        [inferred] inferred by the bot from pasted output
        [provider] said by the cloud provider's API
        [pasted] read from pasted output
       *[said] said by the user
    }
report-evidence = Facts and where they came from
report-evidence-line = { $at }: { $source ->
        [measured] measured by the bot
        [provider] the cloud provider's API
        [pasted] pasted output
        [inferred] inferred by the bot from pasted output
       *[said] said by the user
    }: { $code }{ $ok ->
        [yes] {" "}({ $subject }: fine)
        [no] {" "}({ $subject }: a problem)
       *[none] {""}
    }{ $stands ->
        [yes] {""}
       *[no] , overruled
    }
report-decisions = Why the conversation went where it did
report-decision-line = { $at }: "{ $step }", because { $by } ({ $table ->
        [first] first probe
        [cloud] cloud provider's API
       *[paste] pasted output
    })
report-contradiction-line = { $subject }: { $held ->
        [measured] an earlier measurement by the bot
        [provider] the cloud provider's API
        [pasted] pasted output
        [inferred] an answer the bot read from pasted output
       *[said] the user's answer
    } ({ $held_code }) { $held_ok ->
        [yes] says fine
       *[no] says a problem
    }; { $wins ->
        [measured] the bot's measurement
        [provider] the cloud provider's API
        [pasted] pasted output
        [inferred] an answer the bot read from pasted output
       *[said] the user's answer
    } ({ $wins_code }) { $wins_ok ->
        [yes] says fine
       *[no] says a problem
    } and wins ({ $why ->
        [specific] a line about the port beats a tool's overall status
        [newer] the newer one
       *[source] the stronger source
    }).
