## Conversation frame: greeting, questions, errors, commands.

welcome = Hi, I'm vm-doctor. I'll check your server from outside, then walk you through the checks only you can do inside it, until you can log in again or have a support ticket with a full report.
ask-ip = What is your server's public IP address? (for example 203.0.113.10; the cloud console's instance list shows it.) You can also just describe it, like "203.0.113.10, Ubuntu, port 2222".
ask-ip-have-os = Got it, a { $os ->
        [windows] Windows
       *[linux] Linux
    } server. What is its public IP address? (The cloud console's instance list shows it, for example 203.0.113.10.)
ask-os = Which operating system does { $ip } run?
os-windows = Windows
    .aliases = windows, win, 윈도우
os-linux = Linux
    .aliases = linux, ubuntu, centos, debian, 리눅스
os-auto = Not sure, detect it
    .aliases = auto, not sure, unknown, detect
os-detected = Judging by which login port answers, this looks like a { $os ->
        [windows] Windows
       *[linux] Linux
    } server.
os-undecided = I couldn't tell the operating system from the ports, so please pick it.

err-not-ip = "{ $value }" isn't an IP address. Please type it as four numbers separated by dots, like 203.0.113.10 (IPv6 works too).
err-not-ip-sentence = I couldn't find an IP address in "{ $value }". Please include the server's public IP, like 203.0.113.10 (IPv6 works too).
err-bad-os = I don't know the operating system "{ $value }". Please choose Windows or Linux, or let me detect it.
err-bad-port = "{ $value }" isn't a valid port. A port is a whole number from 1 to 65535.
err-bad-lang = I speak English (`/lang en`) and Korean (`/lang ko`).
err-unknown-command = I don't know that command. Type /help to see what I understand.
err-too-many-args = That command got more than it takes. Type /help to see how it's used.
err-not-an-option = { $count ->
        [0] I didn't catch that. Please pick one of the options.
       *[other] I didn't catch "{ $value }". Please answer with one of the options, or its number from 1 to { $count }.
    }
err-empty-text = Please type an answer.
err-text-too-long = That's too long; please keep it under { $max } characters.

probing = Checking { $ip } from here (ping, ports { $ports })…
probing-resume = I was in the middle of checking your server when I restarted; checking again now.
still-probing = I'm still checking; this takes a few seconds.
probe-summary = **What I see from outside** ({ $ip }, { $elapsed } ms):
probe-icmp = Ping: { $state ->
        [reply] replies ({ $received }/{ $sent }, about { $rtt } ms)
        [no_reply] no reply ({ $received }/{ $sent })
       *[unavailable] not available from where I run
    }
probe-port = Port { $port }: { $state ->
        [open] open
        [closed] closed (the server answered that nothing listens there)
        [filtered] no answer (filtered)
       *[other] inconclusive (a problem on my side, not yours)
    }
probe-ssh = SSH on port { $port } says: `{ $banner }`
probe-rdp = Remote desktop on port { $port } accepts: { $accepts }
probe-pending = { $what ->
        [ping] Ping: checking…
       *[port] Port { $port }: checking…
    }

recheck-start = Checking { $ip } again (port { $ports })…
recheck-result = Port { $port } before: { $before ->
        [open] open
        [closed] closed
        [filtered] filtered
        [inconclusive] inconclusive
       *[other] not tested
    }; now: { $after ->
        [open] open
        [closed] closed
        [filtered] filtered
        [inconclusive] inconclusive
       *[other] not tested
    }.
target-changed = Checking { $ip } instead, from the start.
answer-unknown = No problem, let's try another way.
answer-works = Good news!
back-from-confirm = OK, back to where we were.
nav-hint = At any time: /back goes back a step, /restart starts over, /ticket gives you a support ticket with the full report.
recheck-better = That made the difference: the login port answers properly now.
recheck-same = No change from outside yet. Let's keep going.

back-done = OK, one step back.
back-nothing = There's no earlier step to go back to.
restarted = Starting over.
lang-set = From now on I'll answer in English.
status = **Where we are:** { $ip } ({ $os ->
        [windows] Windows
        [linux] Linux
       *[other] OS not determined yet
    }), login port { $port }; { $probes } probe runs, { $answers } answers so far.
status-step = Current step:
status-findings = Latest findings:
status-none = No diagnosis is running yet. Type /diagnose, or just tell me your server's IP address.
help = Here's what I understand:
    /diagnose <ip> <windows|linux|auto> [port]: start checking a server
    /back: go back one step
    /restart: start over
    /status: where we are, what I found, and the current question again
    /ticket: get the support-ticket link and the report now
    /lang ko|en: switch language (한국어: /lang ko)
    You can answer a question with the option's number, its name, or words like "yes", "no" or "I don't know". Every question also offers "It works now".
bye = Bye for now. Your diagnosis is saved; come back any time and we'll continue where we left off.
ended-fixed = This diagnosis is finished: you're back in. Type /diagnose to check another server, or /back to revisit the last step.
ended-escalated = This diagnosis has been handed to support. Type /ticket to get the link and report again, /back to revisit the last step, or /diagnose to start a new one.
session-expired = Our previous conversation sat idle too long, so I've started a fresh one.
ticket-continue = You can keep going with the checks while you wait for support.

ruled-out-port-blocked = The network path and security group let port { $port } through (it answered from outside).
ruled-out-host-down = The instance is up and reachable (it answered ping).

## Hand-off
ticket-link = Open a support ticket here (target and summary are filled in): { $url }
report-saved = The full report is saved at `{ $path }`; attach it to the ticket.
err-internal = Something went wrong on my side (not with your server). Please try again in a moment; if it keeps happening, type /ticket.

## Discord
discord-cmd-diagnose-name = diagnose
discord-cmd-diagnose-desc = Check why you can't log in to a server
discord-opt-ip-name = ip
discord-opt-ip-desc = The server's public IP address or DNS name
discord-opt-os-name = os
discord-opt-os-desc = The server's operating system
discord-opt-port-name = port
discord-opt-port-desc = Login port, if not 22 (Linux) or 3389 (Windows)
discord-cmd-back-name = back
discord-cmd-back-desc = Go back one step
discord-cmd-restart-name = restart
discord-cmd-restart-desc = Start over
discord-cmd-status-name = status
discord-cmd-status-desc = Where we are and what was found
discord-cmd-ticket-name = ticket
discord-cmd-ticket-desc = Get the support-ticket link and the report now
discord-cmd-lang-name = lang
discord-cmd-lang-desc = Switch language
discord-opt-lang-name = language
discord-opt-lang-desc = English or Korean
discord-cmd-help-name = help
discord-cmd-help-desc = What I understand
discord-thread-name = vm-doctor { $ip }
discord-continue-in-thread = I'm checking { $ip } in { $thread }. Follow along there.
discord-started-here = I'm checking { $ip } here.
discord-not-yours = Only { $owner } can answer this diagnosis; you're welcome to follow along.
discord-stale = That question has already been answered or has moved on. Please answer the newest message, or use /status to see the current question again.
discord-rate-limited = You've started several diagnoses in a short time. Please try again in { $seconds } s.
discord-channel-not-allowed = I don't run diagnoses in this channel. Please ask in one of the support channels.
discord-role-required = Running a diagnosis needs a role you don't have here. Please ask a moderator.
discord-answer-button = Type your answer
discord-modal-title = Your answer
discord-modal-label = { $expect ->
        [ip] IP address
        [port] Port number
       [paste] Paste the command output here
       *[other] Answer
    }
discord-ticket-button = Open a support ticket
discord-report-attached = The full diagnosis report is attached; add it to your ticket.
discord-field-probe = Probe
discord-field-finding = Finding
discord-see-below = Done; see below.

## Plain answers, matched at any question (comma-separated; spacing and
## punctuation are ignored). Both languages' lists are used whatever the
## conversation's language.
phrases-yes = yes, y, yep, yeah, yup, sure, ok, okay, correct, right, affirmative, it is, it does, i do, done, did it
phrases-no = no, n, nope, nah, not really, negative, it isn't, it doesn't, i don't, not yet
phrases-unknown = idk, i don't know, dont know, don't know, not sure, no idea, unsure, can't check, cannot check, i can't check, dunno
phrases-works = it works, works now, it works now, working now, it's working, fixed, solved, resolved, i can log in, i'm in now

## Pastes: command output and logs, read and said back
paste-too-long = That paste is too long for me: please paste at most { $max } KiB, for example only the lines around the error.
paste-unrecognized = I couldn't recognise that output. Here I can read { $os ->
        [windows] `netstat -ano`, `reg query` or `Get-ItemProperty` of the two PortNumber keys, `Test-NetConnection`, `ping`, `telnet`, `sc query TermService` / `Get-Service TermService` and `qwinsta`
        [linux] `ss -tlnp` / `netstat -tlnp`, `systemctl status ssh`, `journalctl -u ssh` or `/var/log/secure`, `sshd -t`, `ufw status`, `firewall-cmd --list-all`, `iptables -S`, `nft list ruleset`, `free -m`, `uptime`, `df -h`, `ssh -v`, `nc -vz`, `ping` and boot-console messages
       *[other] output of `netstat`, `ss`, `systemctl status ssh`, `reg query` (PortNumber), `Test-NetConnection`, `ping`, `ssh -v`, firewall listings, `free -m`, `df -h` and boot-console messages
    }. Paste the command's whole output, including its first lines.
paste-read = Here's what I read in your paste:
paste-more = …and { $count } more.
paste-later = I've kept that; it will help once we're at the checks. Let's first finish the question above.
paste-new-port = So the login service actually uses port { $port }, not { $old }. I'll test port { $port } from here.
paste-no-change = That fits what we're looking at. Let's go on with this step.

fact-listening = • { $owner ->
        [none] Something
       *[other] `{ $owner }`
    } listens on { $addr }:{ $port }
fact-established = • A connection is established on port { $port }
fact-registry = • PortNumber under { $key ->
        [tds] `Wds\rdpwd\Tds\tcp`
       *[other] `WinStations\RDP-Tcp`
    }: { $port }
fact-client = • Your client: { $result ->
        [connected] it connected
        [refused] "Connection refused"
        [timeout] no answer (timed out)
        [publickey] the server refused the key ("Permission denied (publickey)")
        [password] the password was refused
        [kex] no matching key-exchange method
        [hostkey-type] no matching host key type
        [hostkey-changed] the server's host key changed
        [no-route] "No route to host": your network has no way to the address, or a firewall rejects the connection (CentOS's default `REJECT` looks like this)
        [no-name] it could not resolve the host name; connect with the server's public IP address instead
        [cipher] no matching cipher
       *[closed] the server closed the connection
    }
fact-ping = • Your ping: { $replies ->
        [yes] replies
       *[no] no replies
    }
fact-service = • { $service ->
        [termservice] Remote Desktop Services
        [ssh-socket] `ssh.socket`
       *[sshd] sshd
    }: { $state ->
        [running] running
        [listening] active (listening)
        [stopped] stopped
        [failed] failed
        [starting] still starting; if it stays so for more than a minute or two it is stuck: restart it, or the server, and read its log
       *[not-found] not installed or not found
    }
fact-sshd = • sshd: { $kind ->
        [address-in-use] another program already uses the port ("Address already in use")
        [privsep] "Missing privilege separation directory" (not a configuration error)
        [bad-config] a configuration error{ $line ->
            [-1] {""}
           *[other] { " " }on line { $line }
        } ({ $detail })
        [failed-password] failed password logins (from { $detail })
        [closed-auth] a client gave up during authentication
        [max-auth] too many authentication attempts
       *[fatal] fatal error: { $detail }
    }
fact-firewall = • { $firewall ->
        [ufw] ufw
        [firewalld] firewalld
        [iptables] iptables
       *[nft] nftables
    }: { $verdict ->
        [allows] lets TCP { $port } in
        [blocks] blocks TCP { $port }
       *[off] not active
    }
fact-memory = • Memory: { $available } MB available of { $total } MB
fact-load = • Load over the last minute: { $load }{ $cpus ->
        [-1] {""}
       *[other] { " " }on { $cpus } CPUs
    }
fact-disk = • { $mount } is { $pct }% full
fact-boot = • Boot console: { $kind ->
        [kernel-panic] kernel panic
        [maintenance] waiting for the root password (maintenance mode)
        [emergency] emergency mode
        [fstab] a disk in /etc/fstab can't be mounted ({ $mount })
        [no-space] no space left on the device
       *[ssh-failed] OpenSSH failed to start
    }
fact-rdp-listener = • Remote desktop listener (`rdp-tcp`): { $present ->
        [yes] present
       *[no] missing
    }
paste-button = Paste output
paste-shown = (output pasted)

## Host names in chat
resolving-name = Looking up { $name }…
resolved-name = { $name } is { $ip }; I'll check that address (and only that one).
err-name = { $why ->
        [not-found] { $name } doesn't resolve to any address. Check the spelling, or send the server's public IP address.
        [dns-timeout] Looking up { $name } took too long. Please try again, or send the server's public IP address.
        [bad-name] "{ $name }" isn't a valid host name. Send the server's public IP address or its DNS name.
       *[other] { $name } resolves to an address I may not check ({ $why }): a private, local or reserved address, not a public server. Send the server's public IP address.
    }
