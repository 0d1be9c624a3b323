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

probing = Checking { $ip } from here (ping, { $count ->
        [one] port
       *[other] ports
    } { $ports })…
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
        [closed] closed (refused by the server)
        [filtered] { $reason ->
            [admin_prohibited] refused: ICMP "administratively prohibited"
            [host_unreachable] refused: ICMP "host unreachable" (or "host prohibited")
            [net_unreachable] refused: ICMP "network unreachable"
           *[other] no answer (filtered)
        }
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
recheck-found = Port { $port } answers properly from outside: that is where the login service is.

back-done = OK, one step back.
back-nothing = There's no earlier step to go back to.
restarted = Starting over.
lang-set = From now on I'll answer in English.
lang-inferred = You wrote in Korean, so I'll go on in Korean. To switch back to English, type /lang en.
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
ticket-needs-target = Support's first question will be which server it is, so let's start there: send your server's public IP address (the cloud console's instance list shows it). I'll check it from outside, and /ticket then hands over everything I found, with the address filled in.

ruled-out-port-blocked = The network path and security group let port { $port } through (it answered from outside).
ruled-out-host-down = The instance is up and reachable (it answered ping).

## Hand-off
ticket-link = Open a support ticket here (target and summary are filled in): { $url }
report-saved = The full report is saved at `{ $path }`; attach it to the ticket.
err-internal = Something went wrong on my side (not with your server). Please try again in a moment; if it keeps happening, type /ticket.
err-store-unavailable = I can't reach my conversation store right now, so I didn't take that in (nothing you told me earlier is lost). Please try again in a minute.

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
discord-cannot-post = I can't post in this channel: I'm missing { $missing } here. Please ask a server admin to fix my permissions in this channel, or use the command in a channel where I can post.
discord-lost-permission = Discord stopped letting me post in this channel, so the diagnosis can't go on here. Please ask a server admin to check my permissions in this channel, then use /status to pick up where we left off.
discord-report-not-attached = I can't attach the report in this channel (I'm missing Attach Files); the ticket link below still works. Once I have that permission, /ticket attaches the report.
discord-perm-view-channel = View Channel
discord-perm-send-messages = Send Messages
discord-perm-send-in-threads = Send Messages in Threads
discord-perm-create-threads = Create Public Threads
discord-restarting = vm-doctor is restarting right now. Please try again in a minute; diagnoses under way are kept, and the buttons you see still work afterwards.
discord-answered-in-thread = Your diagnosis is in { $thread }, so I answered there.

## Plain answers, matched at any question (comma-separated; spacing and
## punctuation are ignored). Both languages' lists are used whatever the
## conversation's language.
phrases-yes = yes, y, yep, yeah, yup, yes yes, sure, ok, okay, k, correct, right, affirmative, it is, it does, i do, done, did it, yes it is, that's right, indeed
phrases-no = no, n, nope, nah, no no, not really, negative, it isn't, it doesn't, i don't, not yet, doesn't work, not working, still not, didn't work, failed
phrases-unknown = idk, i don't know, dont know, don't know, not sure, no idea, unsure, can't check, cannot check, i can't check, dunno, no clue, can't tell, no access
phrases-works = it works, works now, it works now, working now, it's working, fixed, solved, resolved, i can log in, i'm in now, logged in now, i can connect now
phrases-pardon = huh, what, pardon, sorry, come again, excuse me, say again, what do you mean, eh, hello, hi, hey, hello there, are you there, anyone there, you there, still there
phrases-ask = what is, what's, whats, what are, what does, where, how do, how can, how to, how would, which button, can't find, cannot find, cant find, i don't understand, explain
phrases-ask-about = what, mean, means
## "What" inside a statement, not a question ("here's what it shows").
phrases-statement = here is what, here's what, heres what, this is what, that's what, thats what, it says, it shows, it said, says this, shows this, output is, got this, i get this, i see this
phrases-negation = not, no, never, don't, dont, doesn't, doesnt, isn't, isnt, can't, cant, cannot, won't, wont, didn't, didnt, wasn't, wasnt, aren't, arent, haven't, nothing, neither, 안, 못
phrases-negation-after = 않, 없, 못
## Words where 안 or 못 is not a negation.
phrases-not-negation = 보안, 제안, 방안, 안녕, 불안, 안내, 안전, 잘못, 안에
## Spellings read as one (misspellings people type: 되요, 됬어요).
phrases-spellings = 돼>되, 됬>됐, 햇>했, 잇>있, 됀>된
## A request for the hand-off in words: the same as /ticket.
phrases-ticket = ticket, give me a ticket, open a ticket, file a ticket, support ticket, talk to a person, talk to a human, talk to someone, speak to someone, speak to a person, real person, a human, live agent, an agent, talk to support, contact support, hand it over to support, escalate
## Words that give one value for two (“both are 3389”).
phrases-both = both, both of them, each of them, each one
## "Not yet, still on it": the question stays.
phrases-wait = hold on, wait a sec, one sec, one second, just a sec, give me a minute, give me a sec, still rebooting, still restarting, it's rebooting, rebooting now, working on it, still working on it

## Understanding replies
understand-did-you-mean = { $count ->
        [1] Did you mean "{ $first }"? Pick it below, or tell me in other words.
       *[other] Did you mean "{ $first }" or "{ $second }"? Pick one below.
    }
understand-cant-answer = I can't answer that here, sorry. For anything beyond these checks, /ticket hands the case to support with everything we've found.
understand-again = Back to the question:
understand-elsewhere = That sounds like it's about { $subject }, which isn't what I'm asking here; if it matters, we'll get to it. For now:
understand-wait = No rush, take your time. Answer when you're ready:

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
paste-check-listeners = Nothing listens on port { $port }, but { $count ->
        [one] a program listens on port { $ports }
       *[other] programs listen on ports { $ports }
    }, shown only by process number. I'll check from here whether { $service ->
        [rdp] Remote Desktop
       *[ssh] SSH
    } answers there.
paste-ask-tasklist = Port { $port } is held by process { $pid }. To see which service that is, run `tasklist /svc /fi "PID eq { $pid }"`: `TermService` there means Remote Desktop was moved to port { $port }.
alt-found = { $service ->
        [rdp] Remote Desktop
       *[ssh] SSH
    } answers properly on port { $port } from outside: the login service was moved there.
alt-none = { $service ->
        [rdp] Remote Desktop
       *[ssh] SSH
    } doesn't answer on { $ports } from outside either.
alt-moved = { $service ->
        [rdp] Remote Desktop answers on port { $port }, not { $default_port }: it was moved there. Connect with `mstsc /v:{ $ip }:{ $port }` (or `{ $ip }:{ $port }` as the computer in Remote Desktop Connection). To move it back, set **PortNumber** under `HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp` to { $default_port } (Decimal), then `Restart-Service TermService -Force`; or keep { $port } and keep it allowed in the security group.
       *[ssh] SSH answers on port { $port }, not { $default_port }: it was moved there. Connect with `ssh -p { $port } { $user ->
            [unknown] <user>
           *[other] { $user }
        }@{ $ip }` (in PuTTY, { $port } goes in the Port box). To move it back, set `Port { $default_port }` where `sudo grep -ri '^Port' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/` finds it, then { $distro ->
            [debian] `sudo sshd -t && sudo systemctl restart ssh` (on Ubuntu 22.10 and later, where `ssh.socket` listens, `sudo systemctl daemon-reload && sudo systemctl restart ssh.socket`)
            [redhat] `sudo sshd -t && sudo systemctl restart sshd`
           *[other] `sudo sshd -t && sudo systemctl restart ssh` (`sshd` on CentOS, Rocky, RHEL; on Ubuntu 22.10 and later `sudo systemctl daemon-reload && sudo systemctl restart ssh.socket`)
        }; or keep { $port } and keep it allowed in the security group.
    }

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
fact-client-port = • Your client tried port { $port }
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
        [bind-denied] not allowed to use port { $detail } ("Permission denied": SELinux, on CentOS, Rocky and RHEL)
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

## Glossary: short answers to questions back, with where to click in the
## console. `.words` are what people call the term (comma-separated; both
## languages' lists are used).
glossary-vnc = The **VNC console** opens the server's own screen in your browser, so it works even when the network login (SSH or remote desktop) doesn't. In the cloud console's instance list, click **Log In** on the server's row and choose **VNC**. { $os ->
        [linux] It asks for the password of a Linux account (root, or ubuntu on Ubuntu images); if you have only ever logged in with a key, set a password first: instance, **More**, **Password/Key**, **Reset Password** (the instance restarts).
        [windows] It asks for the Administrator password; at the Windows lock screen, send Ctrl-Alt-Delete with **Send Remote Command** at the top left.
       *[other] It asks for the operating system's account and password (root or ubuntu on Linux, Administrator on Windows); at the Windows lock screen, send Ctrl-Alt-Delete with **Send Remote Command** at the top left.
    }
    .name = the VNC console
    .words = vnc, vnc console, 브라우저 콘솔, browser console, ctrl alt del, ctrl-alt-delete, 컨트롤 알트 딜리트, 원격 명령, send remote command, 대체 로그인, vnc thing, 콘솔 로그인, console login
glossary-security-group = A **security group** is the cloud's firewall in front of your server: its inbound rules say which ports are open to which addresses. In the console, click the instance, open the **Security Groups** tab to see the groups bound to it, and use **Edit rules** to add an inbound rule.
    .name = the security group
    .words = 보안 그룹, 보안그룹, security group, security groups, sg, 인바운드 규칙, inbound rule
glossary-public-ip = The **public IP** is the address your server has on the internet (like 203.0.113.10), not a private one starting with 10., 172.16 to 172.31 or 192.168. The console's instance list shows it in the **IP Address** column, marked "(Public)"; if you bound an EIP, that is the public IP.
    .name = the public IP
    .words = 공인 ip, 공인ip, 공용 ip, 퍼블릭 ip, 공인 아이피, public ip, public address, ip address, ip 주소, eip
glossary-key-pair = A **key pair** (SSH key) logs you in instead of a password: the public half sits on the server, the private half (a .pem file) on your computer. The console's **SSH Key** page lists them; the instance's **More**, **Password/Key**, **Bind Key** attaches one (with the instance stopped). The private key can only be downloaded once, when it is created.
    .name = the SSH key
    .words = 키 페어, 키페어, key pair, keypair, ssh key, ssh 키, 개인 키, private key, pem, key
glossary-instance = An **instance** is your server in the cloud (a virtual machine). The console's **Cloud Virtual Machine**, **Instances** list shows its status and public IP; the **More** menu on its row has **Restart** and **Password/Key**, **Reset Password** (resetting the password restarts the instance).
    .name = the instance
    .words = 인스턴스, instance, instances, 인스턴스 목록, instance list, 재시작, 재부팅, restart, reboot, 비밀번호 재설정, reset the password, reset password, 가상 머신, cvm
glossary-powershell = **PowerShell** is the Windows command window. Right-click the Start button and choose **Windows PowerShell** (or **Terminal**), or press Win+R and type `powershell`. For tests from your computer, open it on your PC; for checks inside the server, open it in the VNC console.
    .name = PowerShell
    .words = powershell, 파워쉘, 파워셸, 파워 쉘
glossary-regedit = The **Registry Editor** (regedit) shows and changes Windows settings directly. Press Win+R and type `regedit`; open the folders on the left along the path, then double-click a value on the right to edit it. Note the old value before changing anything.
    .name = the registry
    .words = regedit, 레지스트리, 레지스트리 편집기, registry, registry editor, portnumber
glossary-terminal = A **command window** is where you type commands. On Windows, press Win+R and type `cmd` for the **Command Prompt**; on macOS open **Terminal** (Applications, Utilities); on Linux open a terminal. Commands meant for the server go into the VNC console's window on the server.
    .name = the command window
    .words = cmd, 명령 프롬프트, command prompt, 터미널, terminal, 명령 창, 명령창, 명령어, command, commands, 커맨드, ping, type
glossary-sshd = **sshd** is the service on a Linux server that accepts SSH logins (the OpenSSH server). It is called `ssh` on Ubuntu and Debian and `sshd` on CentOS, Rocky and RHEL. In the VNC console, `sudo systemctl status ssh` (or `sshd`) shows its state.
    .name = the SSH service (sshd)
    .words = sshd, ssh 서비스, ssh service, openssh, openssh server, systemctl
glossary-firewall = A **firewall** inside the server allows or blocks incoming connections, separately from the cloud's security group: ufw, firewalld or iptables/nftables on Linux, Windows Defender Firewall on Windows. It is checked from inside, through the VNC console; on Windows, Win+R and `wf.msc` opens its settings.
    .name = the firewall inside the server
    .words = 방화벽, firewall, ufw, firewalld, iptables, nftables, windows defender, 디펜더, wf.msc
glossary-port = A **port** is the number that picks which service on the server a connection goes to: SSH usually 22, remote desktop 3389. The security group and the server's firewall must allow it. /status shows the login port we are checking.
    .name = the port
    .words = 포트, port, ports, 포트 번호, port number
glossary-remote-desktop = **Remote Desktop** (RDP) shows a Windows server's screen on your computer. On a Windows PC press Win+R, type `mstsc` to open **Remote Desktop Connection**, and enter the server's public IP. On a Mac use **Windows App** (formerly Microsoft Remote Desktop) from the App Store.
    .name = Remote Desktop
    .words = 원격 데스크톱, 원격 데스크탑, 원격데스크톱, remote desktop, rdp, mstsc, 원격 접속
glossary-ssh-client = An **SSH client** is the program on your computer that connects to a Linux server. On macOS, Linux and Windows 10 or later, `ssh user@server-ip` in a terminal (or PowerShell) is one; PuTTY, Xshell and Termius are others.
    .name = your SSH client
    .words = ssh 클라이언트, ssh client, putty, xshell, termius, mobaxterm
glossary-vm-command = Commands for the server run on the server itself, in the **VNC console** window where you're logged in. { $os ->
        [windows] Open PowerShell as administrator there (right-click Start, **Windows PowerShell (Admin)** or **Terminal (Admin)**), type or paste the command and press Enter.
       *[other] Type the command at the prompt (the line ending in `$` or `#`) and press Enter; `sudo` asks for your account's password, and nothing shows while you type it. To paste into VNC, use the console's **Send text** (or copy-paste) box at the top.
    } Then tell me in a few words what it shows, or copy the output and paste it here; I read it for you.
    .name = running commands on the server
    .words = sudo, 프롬프트, prompt, 관리자 권한, run as administrator, as administrator
glossary-allow-remote = **Allow remote connections** is the Windows switch that lets Remote Desktop in at all. In the VNC console press Win+R, type `SystemPropertiesRemote` and press Enter: on the **Remote** tab, choose **Allow remote connections to this computer**, then **OK**. On Windows Server 2022 and later, **Settings**, **System**, **Remote Desktop** has the same switch.
    .name = Allow remote connections
    .words = allow remote connections, remote connections, 원격 연결 허용, 원격 연결, systempropertiesremote, system properties, 시스템 속성, remote tab, 원격 탭
glossary-login-again = { $os ->
        [windows] To try again, open **Remote Desktop Connection** on your computer (Win+R, `mstsc`; on a Mac the **Windows App**), enter the server's public IP (with `:port` if it isn't 3389) and log in as Administrator.
        [linux] To try again, open a terminal on your computer and run `ssh user@server-ip` (with `-p port` if it isn't 22, and `-i key.pem` if you log in with a key), or connect the same way as before in PuTTY or your SSH client.
       *[other] To try again, connect the way you normally do: `ssh user@server-ip` from a terminal for Linux, or **Remote Desktop Connection** (Win+R, `mstsc`) for Windows.
    } Then tell me what happened, even an error message helps.
    .name = trying the login again
    .words = log in again, 다시 접속, 다시 로그인, 재접속, reconnect, 접속 시도
glossary-resources = { $os ->
        [windows] In the VNC console open **Task Manager**: send Ctrl-Alt-Delete with **Send Remote Command** and choose Task Manager (or Ctrl+Shift+Esc). **More details**, then sort the **Processes** tab by CPU or Memory to see what uses it.
       *[other] In the VNC console, `top` shows the load and the busiest processes (press `q` to leave), `free -m` the memory in MB and `df -h` how full each disk is. A load far above the number of CPUs, almost no free memory or a disk at 100% are what we're looking for.
    }
    .name = CPU and memory use
    .words = cpu, memory, 메모리, ram, task manager, 작업 관리자, htop, load average, 부하, 사용률, disk full, 디스크
glossary-self-diagnosis = The **self-diagnosis** tool is the provider's own automatic check of an instance. In the console open **Tickets** (top right), then **Self-diagnosis**, pick the instance and start it; it takes a minute and lists what it found, like a closed port in the security group or a stopped service.
    .name = the self-diagnosis tool
    .words = self-diagnosis, self diagnosis, 자가 진단, 자가진단, 자체 진단, diagnosis tool, 진단 도구
glossary-monitoring = The instance's **monitoring** graphs show its CPU, memory, and traffic over time. In the console click the instance, then the **Monitoring** tab; choose the last hour or day. A line flat at the top (CPU at 100%, outbound traffic at the bandwidth cap) is the sign we're looking for.
    .name = the monitoring graphs
    .words = monitoring, 모니터링, graph, graphs, 그래프, bandwidth, 대역폭, traffic, 트래픽, outbound, 아웃바운드
glossary-blocking = A **block** (also "black hole" or isolation) cuts a public IP off the internet for a while, after a DDoS attack or a security problem. The bell icon at the top of the console (**Message Center**) tells you when it happens, and the **Anti-DDoS** console lists blocked IPs with the time the block lifts.
    .name = IP blocking
    .words = black hole, ip blocking, IP 차단, blackhole, 블랙홀, 격리, isolated, isolation, ddos, 디도스, anti-ddos, message center, 메시지 센터
glossary-netstat = **netstat** lists the ports the server's programs are listening on (on Linux `ss -tlnp` does the same, and `Get-NetTCPConnection -State Listen` in PowerShell). A line like `0.0.0.0:3389` (or `0.0.0.0:22`) marked LISTENING (수신 대기 on Korean Windows, LISTEN on Linux) means something accepts connections on that port on every address; `127.0.0.1:…` only from the server itself. It runs on the server, through the VNC console.
    .name = the listening ports (netstat)
    .words = netstat, ss -tlnp, get-nettcpconnection, 넷스탯, listening ports, listening port, 대기 포트, 리스닝 포트, 수신 대기
glossary-billing = An **overdue balance** stops the account's instances or cuts their network until it is paid. The console's **Billing Center** (top right) shows the balance and any overdue amount; after topping up, start the instance from the instance list if it stopped.
    .name = billing
    .words = billing, 결제, 요금, 미납, 연체, overdue, arrears, 잔액, top up, 충전, billing center, 비용 센터

## Two facts disagree: which one the conversation goes by (engine, evidence model)
evidence-contradiction = { $subject ->
        [firewall] The firewall inside the server
        [listener] Whether something listens on port { $port }
        [service] The login service
        [client] Your own connection test
        [user-ping] Your own ping
        [registry] The Remote Desktop port in the registry
        [resources] The server's memory, CPU and disk
        [security-group] The security group
        [instance] The instance's state
       *[other] This
    }: { $same ->
        [yes] in { $wins ->
                [pasted] the pasted output
                [said] your answers
                [inferred] what I read from pastes
                [provider] the cloud provider's API
               *[measured] my checks
            }, one part { $held_ok ->
                [yes] says it is fine
               *[no] shows a problem
            } and another { $wins_ok ->
                [yes] says it is fine
               *[no] shows a problem
            }.
       *[no] { $held ->
            [measured] my earlier check
            [provider] the cloud provider's API
            [pasted] the pasted output
            [inferred] what I read from an earlier paste
           *[said] your answer
        } { $held_ok ->
            [yes] said it is fine
           *[no] showed a problem
        }, but { $wins ->
            [measured] my own check from outside
            [provider] the cloud provider's API
            [pasted] the pasted output
            [inferred] what I read from a paste
           *[said] your answer
        } { $wins_ok ->
            [yes] says it is fine
           *[no] shows a problem
        }.
    } { $why ->
        [specific] A line about the port itself counts over a tool's overall status (such as "inactive"), so I'm going by it.
        [newer] The newer one counts, so I'm going by it.
       *[source] { $wins ->
            [measured] What I measure myself counts over what is reported
            [provider] The provider's own records count over what is reported
            [pasted] The server's own output counts over an answer
           *[other] That counts more
        }, so I'm going by it.
    }

## A re-check whose result did not change because of what the user did (engine)
recheck-healthy = Port { $port } answers properly from outside.
recheck-changed = Something changed from outside, but the login port doesn't answer properly yet. Let's keep going.

## What `ssh -v` of a refused login shows: the keys offered, the user typed (engine)
paste-ssh-keys = { $keys ->
        [none] Your client offered no key at all, so the server had nothing to accept. Name the key file: `{ $ssh } -i /path/to/your-key.pem { $user }@{ $ip }` (run `chmod 600` on it first: ssh skips a key others can read).
        [missing] The key file you named isn't on your computer ({ $file }). Check the path and the file name, then `{ $ssh } -i /path/to/your-key.pem { $user }@{ $ip }`.
       *[offered] Your client offered { $count ->
            [one] one key
           *[other] { $count } keys
        } and the server took none: the key pair bound to the instance is another one. The console's **SSH Key** page shows which key pair is bound to the instance; use that file with `{ $ssh } -i /path/to/that-key.pem -o IdentitiesOnly=yes { $user }@{ $ip }`.
    }
paste-ssh-user = You logged in as `{ $typed }`, but this image's default user is `{ $default }`{ $default ->
        [ubuntu] {" "}(Ubuntu images on Tencent Cloud start with `ubuntu`; root login is off there)
       *[other] {" "}(CentOS, Rocky, TencentOS and OpenCloudOS images start with `root`; Ubuntu images with `ubuntu`)
    }: try `{ $ssh } { $default }@{ $ip }`.

## After "it works now": the likely cause and how to keep it from coming back (engine)
fixed-followup = { $cause ->
        [security-group] Likely cause: the security group did not admit port { $port }. Keep only the rules you need; the console's operation log (Cloud Audit) shows who changes a rule and when.
        [firewall] Likely cause: the firewall inside the server blocked port { $port }. { $os ->
            [windows] Keep the inbound rule enabled for all profiles (Domain, Private, Public), so a network change doesn't turn it off.
           *[other] Make the rule permanent so a reboot doesn't undo it: `sudo ufw allow { $port }/tcp`, `sudo firewall-cmd --permanent --add-port={ $port }/tcp` then `--reload`, or save iptables rules (`sudo netfilter-persistent save`, or `sudo service iptables save` on CentOS 7).
        }
        [sshd] Likely cause: the SSH service was stopped or misconfigured. `sudo journalctl -b -u ssh` (or `-u sshd`) shows its log since boot, and so why it stopped; after any change to its configuration, `sudo sshd -t` before restarting keeps a typo from locking you out.
        [resources] Likely cause: the server ran out of CPU, memory or disk. An alarm on CPU, memory and disk use in the console's monitoring warns you next time; `sudo journalctl -b -k | grep -i oom` shows programs killed for lack of memory since boot.
        [instance] Likely cause: the instance itself (stopped, in arrears, or without bandwidth). The console's operation log (Cloud Audit) shows who stopped or changed it and when, and the billing page shows whether it was stopped for an overdue payment: top up or turn on auto-renewal so it isn't stopped again.
        [port] Likely cause: the login service listens on port { $port }, not the usual one. Connect to that port from now on, or move the service back in its configuration (and keep the security group and firewall admitting the port you use).
        [rdp] Likely cause: Remote Desktop's settings on the server. The Event Viewer (Windows Logs, System; and Applications and Services Logs, Microsoft, Windows, TerminalServices) shows what changed and when.
        [login] Likely cause: the client side (the key, the user name or the client's settings), not the server. Keep the key file and the user name that worked together, for example in `~/.ssh/config`.
       *[general] To find out what happened, { $os ->
            [windows] the Event Viewer (Windows Logs, System)
           *[other] the journal since boot (`sudo journalctl -b`)
        } and the console's operation log (Cloud Audit) show what changed and when.
    }{ $sg ->
        [yes] {" "}If you added a test rule admitting 0.0.0.0/0 to the security group, narrow it now to your own address or office range: an open login port is scanned within minutes.
       *[no] {""}
    }
