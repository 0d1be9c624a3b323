## Runbook content. Arguments available to every step: $ip, $port (the login
## port), $os (windows | linux | auto), $client (windows | mac | linux | unknown),
## $port_state (open | closed | filtered | inconclusive | unknown), $icmp
## (reply | no_reply | unavailable | unknown), $egress (the bot's source
## addresses as CIDRs, or "none"), $user_ip / $user_cidr (or "none"),
## $user_ping / $user_port (ok | failed | unknown) and any variable a step
## stored ($registry_port, $sshd_port).

-self-diagnosis-url = https://console.cloud.tencent.com/workorder/check
-port-tool-url = https://console.cloud.tencent.com/vpc/helper

rb-triage = First checks
rb-common = Your side versus ours
rb-windows = Windows remote desktop
rb-linux = Linux SSH

## Shared option labels
opt-done-recheck = Done, check again
    .aliases = done, fixed, recheck, check, check again, ok done, restarted the service, turned it on, finished, it's running now, active now, it's active now, running now
opt-changed-recheck = I changed something, check again
    .aliases = changed, recheck, check, check again
opt-not-this = That is not it
    .aliases = not it, skip, not this
opt-cannot-do = I can't do that
    .aliases = can't, cannot, can't do it, i can't do that, can't do that, i can't, greyed out, not allowed
opt-login-works = I can log in now
    .aliases = works, it works, fixed, logged in, i'm in, i can log in, yes i can log in, works now
opt-login-still-fails = Still can't log in
    .aliases = still, fails, still fails, still failing, still no, still can't, still cant, still denied, same error, still the same, no change, still publickey, still not
opt-vnc-in = I'm in through VNC
    .aliases = in, logged in, i'm in, got in, got into the console, logged in via vnc, logged in through vnc, signed in, logged in as root, logged in on vnc, in the console, on the console
opt-vnc-cannot = VNC doesn't work either
    .aliases = cannot, doesn't work, vnc fails, vnc doesnt work, vnc doesn't work, can't get into vnc, cant get into vnc, can't log into vnc, can't log in to vnc, vnc fails too, vnc won't, black screen, no password, never set a password, don't have a password, dont have a password, don't know the password, forgot the password, blank screen, screen is black, just black
opt-vnc-still-cannot = I still can't get in
    .aliases = still can't, still cannot, still doesn't work, still no, still black, still stuck, black screen, still black
vnc-help-title = Getting into the VNC console
opt-works-now = It works now
    .aliases = works now, it works now, solved, resolved
opt-dont-know = I don't know / I can't check this
    .aliases = don't know, not sure, can't check, no idea

## Why the conversation starts where it does (one line after the first probe)
route-no-answer = Before anything inside the server, let's make sure the instance is running and that { $ip } is still its address.
route-ssh-legacy = That is very likely your problem, so let's start there.
route-ssh-ok = So the server, the network path and sshd are fine: let's look at the client side and the account.
route-rdp-ok = So the server, the network path and the service are fine: let's look at what your client says.
route-filtered = The security group comes first, then the firewall inside the server.
route-closed = The server itself refused, so the network and the security group let the connection through: let's go straight to what runs inside the server.
route-service-broken = The fix is inside the server, so let's get in through the console.
route-refused-icmp = A refusal like this usually comes from the firewall inside the server, so let's start there rather than at the security group.
route-refused-router = A router on the way refused it, not your server, so the server's own firewall is not the cause: let's start with the network path, beginning with the security group.
route-inconclusive = I couldn't test { $ip } from where I run (this is about my network, not your server), so your own tests will have to tell us more.

## Triage
triage-self-check-title = Console self-diagnosis
triage-self-check = Run the provider's **self-diagnosis** tool on the instance: { -self-diagnosis-url } (in the console: Tickets, then Self-diagnosis). It looks for the causes behind most login failures. What did it report?
triage-opt-bandwidth = Bandwidth: usage maxed out, or public bandwidth set to 0
    .aliases = bandwidth
triage-opt-load = High server load
    .aliases = load, cpu, high load, load is high
triage-opt-security-group = Security group rules
    .aliases = security group, sg, rules, sg rules
triage-opt-blocked = DDoS blocking or security isolation
    .aliases = ddos, blocked, isolation
triage-opt-arrears = Account overdue
    .aliases = overdue, arrears, billing, account overdue, unpaid
triage-opt-nothing = Nothing found
    .aliases = nothing, none, nothing found, no problems, all green, all clear, no issues

triage-instance-title = Instance state and address
triage-instance = In the cloud console's instance list (Cloud Virtual Machine, Instances), check three things: the instance's status is **Running** (not Stopped or Starting), its **public IP** (or the EIP bound to it) is { $ip }, and the account is not overdue. What do you find?
triage-opt-was-stopped = It was stopped; I started it, check again
    .aliases = stopped, started, i started it, was stopped, it was stopped, started it, it was off, shut down, was shut down, was off, turned it back on, turned it on, powered off
triage-opt-running = It's running and the address is right
    .aliases = running, it's running, address is right, its running, ip is right, same ip, up and running
triage-opt-other-ip = Its public IP is a different one
    .aliases = other ip, different ip, wrong ip, different address, ip is different, another ip, public ip is different

triage-new-ip-title = The right address
triage-new-ip = Which public IP does the console show for the instance? Type it and I'll check that address from the start.

triage-bandwidth-title = Bandwidth
triage-bandwidth = When public bandwidth is used up, new connections time out; when it is set to 0 Mbps, no public traffic reaches the instance at all. In the console, check the instance's public bandwidth cap and its outbound-traffic graph for a flat line at the limit. Raise the cap (or stop whatever saturates it), then tell me and I'll check again.

triage-load-title = Server load
triage-load = A server with CPU or memory exhausted often accepts a connection and then never finishes the login. Look at the instance's CPU and memory graphs in the console. If they are pegged, restart the instance or stop the heavy workload through the VNC console, or move to a larger instance type. Then tell me and I'll check again.

triage-sg-title = Security group
triage-sg = The security group bound to the instance must allow inbound **TCP { $port }**, and from two places: your own public address, and the address I test from ({ $egress ->
        [none] I can't tell you mine here; a source of 0.0.0.0/0 admits me too, but it also opens the port to brute-force attempts from the whole internet, so keep it only while you test and then narrow it to your own address
       *[other] { $egress }
    }). Otherwise my re-check can never pass, even when your rule is right. Rules are matched in priority order and the first match wins, so an Allow is useless below a Drop that covers the same port (or in a group bound with higher priority). The **port tool** ({ -port-tool-url }) checks this for you; its **Open all ports** action opens 22, 3389 and more to everyone, so remove those rules once you can log in. Tell me when the rule is saved.
triage-opt-sg-opened = I added the rule, check again
    .aliases = opened, added, done, open, added it, added the rule, saved the rule, saved, opened it, opened the port, rule added
triage-opt-sg-already = The rule was already there
    .aliases = already, allowed, it does, already there, already allowed, already open, was already, it was there, was open already, already had
triage-sg-help = The **security group** is the cloud's firewall in front of the server. In the cloud console, click the instance, open the **Security Groups** tab and click the group's name; under **Inbound rules**, **Add rule**: protocol **TCP**, port **{ $port }**, source your own public address (or 0.0.0.0/0 while you test), action **Allow**, and save.
    If your account can't open the security group (a sub-account without that permission), whoever manages the cloud account can add the rule for you: send them exactly the rule above.
    Tell me once the rule is saved, and I'll check again.

triage-sg-firewall-title = Into the server
triage-sg-firewall = Next suspect: the firewall inside the server. For that, log in through the browser console: in the cloud console select the instance, click **Log In**, choose **VNC** (the alternative login method) and sign in. Are you in?

triage-blocked-title = Blocked by the provider
triage-blocked = When an instance is under a DDoS attack its public IP can be put in a "black hole" for a while, and an instance flagged for a security problem can be isolated. Nothing on the server lifts this. Check the console's notifications and security centre: a black hole lifts on its own after the stated time; isolation needs the security issue fixed and an unblock request.
triage-opt-released = It has been lifted, check again
    .aliases = released, lifted, unblocked, it's been lifted
triage-opt-still-blocked = It's still blocked
    .aliases = still, still blocked, still isolated, still says isolated, still in the black hole

triage-arrears-title = Account overdue
triage-arrears = An overdue account gets its instances stopped or their network cut off until the balance is settled. Top up in the billing centre, start the instance if it was stopped, and tell me: I'll check again.
triage-opt-paid = Paid and started, check again
    .aliases = paid, topped up

triage-restart-title = Restart the instance
triage-restart = A restart clears a lot: a hung login service, exhausted memory, a stuck network stack. In the console, select the instance and choose **Restart** (use the forced restart if a normal one hangs), wait a minute or two for it to boot, and I'll check again. If you can't restart it now, we'll go on without.
triage-opt-restarted = Restarted, check again
    .aliases = restarted, rebooted, reboot done, restarted it
triage-opt-no-restart = I can't restart it now
    .aliases = skip, can't restart, later, cannot restart, not now, can't reboot, not right now

triage-confirm-title = Try logging in
triage-confirm = { $moved ->
        [told] Does logging in on port { $port } work now?
        [yes] Port { $port } answers properly now, so connect to { $port } instead of { $default_port }: { $os ->
            [windows] in Remote Desktop Connection, enter `{ $ip }:{ $port }` as the computer (or run `mstsc /v:{ $ip }:{ $port }`).
           *[other] `ssh -p { $port } <user>@{ $ip }` (in PuTTY, { $port } goes in the Port box).
        } The security group must allow TCP { $port } from your address too. Does logging in work now?
       *[no] { $port_state ->
            [open] Port { $port } answers properly now. Please try logging in again. Does it work?
            [closed] Your own connection got through, but from here port { $port } is still refused: a rule probably admits only your address and rejects mine, which is fine for you. Please try logging in. Does it work?
            [filtered] Your own connection got through, but mine to port { $port } is still dropped: a rule probably admits only your address, which is fine for you. Please try logging in. Does it work?
           *[other] I couldn't test port { $port } conclusively from here, so your own test is what counts. Please try logging in. Does it work?
        }
    }

triage-works-title = Confirm
triage-works = Glad to hear it! Just to be sure before I close this: you have logged in successfully?
triage-opt-works-yes = Yes, I'm logged in
    .aliases = logged in, i'm in, i am in, yes, yep
triage-opt-works-not-yet = Not yet, go back
    .aliases = not yet, go back, back, wait

triage-fixed-title = Fixed
triage-fixed = Great, you're back in. If it happens again, just start a new diagnosis.

skip-sg-port-answers = Skipping the security group: port { $port } answers me from outside, so the rule lets traffic through.

triage-restart-last = Before I hand this over: nothing left to fix turned up inside the server, and a restart often clears what the checks can't see (a hung service, exhausted memory, a stuck network stack). In the console, select the instance and choose **Restart** (the forced restart if a normal one hangs), wait a minute or two for it to boot, and I'll check again. If you can't restart it now, I'll hand this over with the report.
triage-restart-retry = Before I hand this over: restart the instance once and log in again. A restart ends stuck sessions and hung services that my checks from outside can't see. In the console, select the instance and choose **Restart**, and wait a few minutes for it to boot{ $os ->
        [windows] {" "}(longer while Windows installs updates)
       *[other] {""}
    }. Does logging in work now?
triage-opt-restarted-still = Restarted, still can't log in
    .aliases = still, still fails, still can't, restarted still, still after restart, restarted but still, rebooted still, still fails after restart, same after restart

## Common: the user's vantage point
common-ping-title = Ping from your computer
common-ping = Now let's compare my view with yours. { $icmp ->
        [reply] Your server answers my ping.
        [no_reply] Your server doesn't answer my ping (many cloud servers block ping, so that alone means little).
       *[other] I couldn't ping from where I run.
    } From your computer, run { $client ->
        [windows] `ping { $ip }` in Command Prompt (Win+R, `cmd`).
        [mac] `ping -c 4 { $ip }` in Terminal.
        [linux] `ping -c 4 { $ip }` in a terminal.
       *[other] `ping { $ip }` (Windows: Command Prompt) or `ping -c 4 { $ip }` (macOS, Linux: Terminal).
    } Do you get replies?
common-opt-ping-replies = I get replies
    .aliases = replies, reply, i get replies, reply from, pings fine, ping works, it pings, bytes from
common-opt-ping-timeout = Request timed out / no replies
    .aliases = timeout, timed out, request timed out, no replies, times out, no reply, 100% loss, 100% packet loss, unreachable

common-port-test-title = Port test from your computer
common-port-test = { $user_ping ->
        [failed] Your ping timing out proves little on its own: ping needs an ICMP rule in the security group and a server that answers it, and many servers have neither. If you want it to answer, allow ICMP in the security group's inbound rules{ $os ->
            [windows] {" "}and, on the server, add a firewall rule: `New-NetFirewallRule -DisplayName "Allow ping" -Direction Inbound -Protocol ICMPv4 -IcmpType 8 -Action Allow`.
            [linux] ; on the server, `sysctl net.ipv4.icmp_echo_ignore_all` must say 0 and the firewall must not drop ICMP.
           *[other] {" "}and in the server's own firewall.
        }{" "}
       *[other] {""}
    }Now test the login port from your computer: { $client ->
        [windows] in PowerShell run `Test-NetConnection { $ip } -Port { $port }` and look at `TcpTestSucceeded`.
        [mac] in Terminal run `nc -vz -G 5 { $ip } { $port }`; "succeeded" or "open" means it connected.
        [linux] run `nc -vz -w 5 { $ip } { $port }`; "succeeded", "open" or "Connected to" means it connected.
       *[other] on Windows, in PowerShell: `Test-NetConnection { $ip } -Port { $port }` (look at `TcpTestSucceeded`); on macOS: `nc -vz -G 5 { $ip } { $port }`, on Linux: `nc -vz -w 5 { $ip } { $port }` ("succeeded", "open" or "Connected to" means it connected).
    } From here, port { $port } is { $port_state ->
        [open] open.
        [closed] closed (nothing accepts connections).
        [filtered] not answering (dropped).
       *[other] not conclusively tested.
    } What do you see?
common-opt-port-ok = It connected
    .aliases = connected, ok, true, succeeded, open, tcptestsucceeded true, it connects
common-opt-port-failed = It failed or timed out
    .aliases = failed, false, timeout, timed out, refused, connection refused, tcptestsucceeded false, fails

common-bot-blocked-title = You get through, I don't
common-bot-blocked = Your computer reaches port { $port }, but I can't. So the path to the server works for you, and a rule lets only certain source addresses in: most likely a security-group rule (or a firewall rule) limited to your address. That is fine for logging in. If you want my re-checks to work too, add my address as a source as well: { $egress ->
        [none] I can't tell you mine here, so allow 0.0.0.0/0 only while testing, then narrow it to your own address.
       *[other] { $egress }.
    } Can you log in now?

common-both-blocked-title = Blocked for both of us
common-both-blocked = Neither your computer nor I get an answer on port { $port }, although the security group and the firewall inside the server look right. What's left is outside the server: check that the security group you edited is the one **bound to this instance** (an instance can have several: they are checked in binding order and, within a group, by rule priority; the first rule that matches decides, so a Drop above your Allow wins), that the subnet's **network ACL** allows TCP { $port } inbound and the replies outbound, and that nothing in front of the instance (a load balancer, NAT or port forward) points elsewhere. The port tool ({ -port-tool-url }) shows the effective rules. Found something?
common-opt-found-fixed = Found it and fixed it, check again
    .aliases = found, fixed, found it, fixed it, found the problem, wrong security group
common-opt-nothing-found = Nothing wrong there
    .aliases = nothing, nothing wrong, all fine, looks fine, all looks fine, everything looks right, all good

common-your-side-title = Your public address
common-your-side = That's an important clue: port { $port } is open when I try it, but not when you do. So the server is reachable, and something between you and it is in the way. Usually it's one of three things: a security-group rule that only admits certain source addresses, a ban on your address (fail2ban and similar tools ban after repeated failed logins), or your own network (a company firewall or an ISP blocking the port). What is your public IP address? (Search "what is my IP" on that computer, then paste it here.)

common-source-rule-title = Rule for your address
common-source-rule = { $user_ip ->
        [none] Check these for your public address:
    1. Security group: the inbound rule for TCP { $port } must include your address (as a /32 for IPv4, /128 for IPv6), or 0.0.0.0/0 while you test.
    2. Bans on the server (Linux, through VNC): `sudo fail2ban-client status sshd` lists banned addresses; `sudo fail2ban-client set sshd unbanip <your address>` lifts a ban. Also look at `/etc/hosts.deny`, and at the brute-force blocking of the provider's host security (Cloud Workload Protection).
       *[other] Check these for { $user_ip }:
    1. Security group: the inbound rule for TCP { $port } must include { $user_ip } (as `{ $user_cidr }`), or 0.0.0.0/0 while you test.
    2. Bans on the server (Linux, through VNC): `sudo fail2ban-client status sshd` lists banned addresses; `sudo fail2ban-client set sshd unbanip { $user_ip }` lifts the ban. Also look at `/etc/hosts.deny`, and at the brute-force blocking of the provider's host security (Cloud Workload Protection).
    }
    3. Your network: try from another network, for example your phone's hotspot. If that works, your office or ISP blocks the port.
    Can you log in now?

common-escalate-title = Hand-off to support
common-escalate = I can't take this further from here, so this needs the support team. I've put together a diagnosis report with what the checks from outside found, what you checked on the server and what couldn't be checked: attach it to the ticket so nobody asks you the same questions again.

common-vnc-rescue-title = When VNC doesn't work
common-vnc-rescue = A few more things to try before I hand this over:
    • **A forced restart:** in the console, **Restart** the instance with the forced restart, then open VNC again after a few minutes.
    { $os ->
        [windows] • **"Working on updates", "Getting Windows ready" or a spinning circle:** Windows is installing updates. Don't restart it then; wait until it has finished (it can take half an hour). A blue screen or **Automatic Repair** at every boot needs an earlier state back: restore a snapshot of the system disk, or ask support.
       *[other] • **Boot messages that stop, or an `(initramfs)` or emergency-mode prompt:** the server doesn't finish booting. Paste what the screen shows and I'll read it.
            • **Rescue mode** (if your console offers it for the instance: **More**, **Operations**, **Enter Rescue Mode**) starts a small system with your disk attached, so you can fix files on it. Take a snapshot of the system disk first.
    }
    Are you in now?

## Windows
win-vnc-title = Log in through VNC
win-vnc = The next checks happen inside Windows, so log in through the browser console, which works even when remote desktop doesn't: in the cloud console select the instance, click **Log In**, choose **VNC** (the alternative login method) and click **Log In Now**. At the lock screen, open **Send Remote Command** at the top left and send **Ctrl-Alt-Delete**, then sign in. Are you in?
win-vnc-help = Let's get you into the console first; the next checks all happen there. The **VNC console** shows the server's own screen in your browser: in the cloud console's instance list, click **Log In** on the server's row, choose **VNC** and click **Log In Now**.
    • **At the lock screen:** open **Send Remote Command** at the top left and send **Ctrl-Alt-Delete**, then sign in.
    • **It asks for a password:** it's Windows' own **Administrator** password. If you've forgotten it, reset it with **More**, **Reset Password** on the instance's row (the instance restarts), then sign in with the new one.
    • **The screen is black:** click into it and press a key; Windows turns the screen off when nobody uses it. Sending Ctrl-Alt-Delete wakes it too.
    • **"Working on updates" or "Getting Windows ready":** Windows is installing updates; wait, and don't restart it meanwhile.
    • **It stays black or frozen for a few minutes:** close the tab and open VNC again; if nothing changes, restart the instance from the console (**More**, **Restart**) and try again once it has booted (Windows takes a few minutes, longer while it installs updates).
    Are you in now?

win-allow-remote-title = Allow remote connections
win-allow-remote = In Windows, run `SystemPropertiesRemote` (or right-click **This PC**, **Properties**, **Advanced system settings**, tab **Remote**). Under Remote Desktop, is **Allow remote connections to this computer** selected?
win-opt-allow-was-on = Yes, it's selected
    .aliases = selected, was on, already on, it is, already checked, already selected, it's checked, is checked, it's on, enabled, already enabled, allowed, already allowed, it is allowed, they are allowed
win-opt-allow-off = No, it isn't
    .aliases = not selected, off, it isn't, disabled, not checked, unchecked, it was off, it's off, don't allow, do not allow

win-allow-remote-fix-title = Turn on remote connections
win-allow-remote-fix = Select **Allow remote connections to this computer** and click **OK** (Windows also turns on the matching firewall rule for port 3389). In PowerShell the same is `Set-ItemProperty 'HKLM:\System\CurrentControlSet\Control\Terminal Server' -Name fDenyTSConnections -Value 0` followed by `Enable-NetFirewallRule -Group "@FirewallAPI.dll,-28752"`. If the setting is greyed out or turns itself off again, Group Policy decides it: `HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services` holds `fDenyTSConnections` then (`gpedit.msc`, Computer Configuration, Administrative Templates, Windows Components, Remote Desktop Services, Remote Desktop Session Host, Connections). Tell me when it's done and I'll check again.

win-firewall-title = Windows Defender Firewall
win-firewall = Port { $port } is dropped before Windows answers, and Windows Defender Firewall is a common cause. Through VNC, open PowerShell and run `Get-NetFirewallRule -Group "@FirewallAPI.dll,-28752" | Format-Table DisplayName, Enabled, Profile`. This works in every display language. The built-in Remote Desktop rules must be **Enabled**, but they only cover port 3389. To enable them: `Enable-NetFirewallRule -Group "@FirewallAPI.dll,-28752"`. A **Block** rule for the port beats any Allow: `Get-NetFirewallPortFilter -Protocol TCP | Where-Object LocalPort -eq { $port } | Get-NetFirewallRule | Format-Table DisplayName, Enabled, Action, Profile` lists them, and `Get-NetFirewallProfile | Format-Table Name, Enabled, DefaultInboundAction, AllowInboundRules` shows a profile that ignores every allow rule (`AllowInboundRules False`). Third-party security software can block it too. If remote desktop uses another port, add a rule for it: `New-NetFirewallRule -DisplayName "Remote Desktop { $port }" -Direction Inbound -Protocol TCP -LocalPort { $port } -Action Allow`. What did you find?
win-opt-firewall-allows = The rule is there and enabled
    .aliases = enabled, allowed, allows, it's there, there and enabled, it's enabled, rule is there, true
win-opt-firewall-fixed = It was missing; I fixed it, check again
    .aliases = fixed, added, enabled it, missing, was missing, it was missing, added it, i enabled it, was disabled, fixed it

win-netstat-title = Is remote desktop listening?
win-netstat = In PowerShell on the server, run `Get-NetTCPConnection -State Listen -LocalPort { $port }` (or `netstat -ano | findstr :{ $port }`, which works in every display language: don't filter on `LISTENING`, Korean Windows prints `수신 대기` there). A healthy server shows a listener on `0.0.0.0:{ $port }` (and `[::]:{ $port }`). What do you see?
win-opt-netstat-listening = Something listens on { $port } (Listen, LISTENING or 수신 대기)
    .aliases = listening, listening line, a listening line, there's a listening line, listening on
win-opt-netstat-other = It listens, but on another port
    .aliases = other port, another port, different port, listens on another
win-opt-netstat-nothing = Nothing listens on { $port }
    .aliases = nothing, empty, no line, prints nothing, no listening line, nothing shows, blank, i don't see it, don't see it, not there, isn't there, doesn't show up

win-registry-title = Registry port numbers
win-registry = Remote desktop keeps its port in the registry, in two places that must agree. The one under **RDP-Tcp** is the port it actually listens on. Read both at once in PowerShell:
    `'Wds\rdpwd\Tds\tcp','WinStations\RDP-Tcp' | ForEach-Object {"{"} (Get-ItemProperty "HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\$_").PortNumber {"}"}`
    It prints two decimal numbers. In `regedit` the same values are **PortNumber** under `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server\Wds\rdpwd\Tds\tcp` and `...\Terminal Server\WinStations\RDP-Tcp`, shown as hex unless you switch to **Decimal** (0xd3d is 3389). Are the two numbers the same?
win-opt-registry-same = They're the same
    .aliases = same, match, they match, the same, both the same, both
win-opt-registry-differ = They differ
    .aliases = differ, different, mismatch, they differ, don't match

win-registry-fix-title = Make the port numbers agree
win-registry-fix = Before you edit the registry, a snapshot of the system disk in the console gives you a way back. Decide which port remote desktop should use: **3389**, the standard, unless you changed it on purpose. Set **PortNumber** under both keys to that number (in regedit: double-click it, choose **Decimal**, type the number), or in PowerShell run for each key `Set-ItemProperty "HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp" -Name PortNumber -Value 3389` (and the same for `Wds\rdpwd\Tds\tcp`). If you choose a port other than 3389, the built-in firewall rule doesn't cover it: add one with `New-NetFirewallRule -DisplayName "Remote Desktop custom port" -Direction Inbound -Protocol TCP -LocalPort <port> -Action Allow`, and allow that port in the security group. Then apply it with `Restart-Service TermService -Force` (your VNC session stays up), or restart the instance.
win-opt-registry-fixed = Done, and remote desktop restarted
    .aliases = done, fixed, restarted

win-registry-port-title = Remote desktop port
win-registry-port = Which port does **RDP-Tcp** hold now? Type it as a decimal number (3389 unless someone changed it) and I'll test that port from here.

win-restart-rds-title = Restart Remote Desktop Services
win-restart-rds = Inside Windows (through VNC), restart the service that accepts remote logins: run `services.msc`, find **Remote Desktop Services**, right-click it and choose **Restart**, or in PowerShell: `Restart-Service TermService -Force`. If it is **Disabled**, first `Set-Service TermService -StartupType Manual`; if it hangs in **Stopping**, end its process (`sc.exe queryex TermService` gives the PID, then `taskkill /f /pid <PID>`) and start it again. Your VNC session stays up. Tell me when it's done and I'll check again.

win-errors-title = What your client says
win-errors = Which message does your remote desktop client show when it fails?
win-opt-err-password = "The logon attempt failed" / wrong or forgotten password
    .aliases = password, wrong password, logon attempt failed, forgot password, forgot the password, forgotten password, incorrect password
win-opt-err-no-right = "…the user account is not authorized for remote login"
    .aliases = the connection was denied because the user account is not authorized for remote login, denied, not authorized, no right, connection was denied, user account is not authorized, denied because
win-opt-err-auth = "An authentication error has occurred" (CredSSP)
    .aliases = authentication, credssp, auth, authentication error, encryption oracle
win-opt-err-cannot-connect = "Remote Desktop can't connect to the remote computer"
    .aliases = can't connect, cannot connect, can't connect to the remote computer, couldn't connect
win-opt-err-mac = I'm on a Mac and it fails there
    .aliases = mac, macbook, macos, on a mac, my mac
win-opt-err-other = Something else
    .aliases = other, something else, another error, other error, different error

win-credentials-title = User name and password
win-credentials = Check the account first: the default user name is **Administrator** (type it without a domain, or as `.\Administrator`), and the password is case-sensitive. If you've forgotten the password, reset it in the cloud console: select the instance, **More**, **Reset Password** (the instance has to restart for it to take effect; the console offers to stop it). Then connect to `{ $ip }:{ $port }` with the new password. Can you log in now?

win-err-logon-right-title = Remote logon right
win-err-logon-right = Your account lacks the right to log on through remote desktop. Through VNC run `secpol.msc`, go to **Local Policies**, **User Rights Assignment**, and open **Allow log on through Remote Desktop Services**: it must list **Administrators** and **Remote Desktop Users** (or your account). Also make sure your account isn't listed under **Deny log on through Remote Desktop Services**. To add your account to **Remote Desktop Users**: `Add-LocalGroupMember -SID S-1-5-32-555 -Member <user>` (the group's name differs between display languages, its SID doesn't). Then run `gpupdate /force` and try again. Can you log in now?

win-err-mac-title = Connecting from a Mac
win-err-mac = Use Microsoft's own client, **Windows App** (formerly Microsoft Remote Desktop), from the App Store, updated to the latest version; older third-party clients often fail on current Windows servers. Add the PC as `{ $ip }:{ $port }`, user name `Administrator` (or your account), and accept the certificate warning if it shows one. Error code **0x204** means your Mac got no connection at all: that is the network, not the client, so we'll test the port from your Mac next. Does logging in work now?

win-err-auth-title = Authentication error (CredSSP)
win-err-auth = This usually means the client and the server disagree on Network Level Authentication (CredSSP), often after one side got security updates and the other didn't. The proper fix is the latest Windows updates on both. To get in right away: through VNC, run `SystemPropertiesRemote` on the server and untick **Allow connections only from computers running Remote Desktop with Network Level Authentication**, connect and update, then tick it again. It also appears with a wrong password, so double-check it (it's case-sensitive).

win-err-cannot-connect-title = Can't connect to the remote computer
win-err-cannot-connect = This message means your client got no usable answer from port { $port }. { $port_state ->
        [open] From here the port answers properly, so the server is up and lets the connection in: the trouble is between your computer and the server. Test the port from your computer first ({ $client ->
            [mac] in Terminal: `nc -vz -G 5 { $ip } { $port }`
            [linux] `nc -vz -w 5 { $ip } { $port }`
           *[other] in PowerShell: `Test-NetConnection { $ip } -Port { $port }`
        }). If it fails there, the security group's source rule may not include your address, or your ISP or company network blocks outgoing port { $port }; if it connects, check that the client connects to exactly `{ $ip }:{ $port }`.
        [closed] From here it is refused too: nothing in the server accepts connections on it, so Remote Desktop Services is stopped or listens on another port. Through VNC, `Get-NetTCPConnection -State Listen -LocalPort { $port }` shows whether anything listens on it, and `Restart-Service TermService -Force` restarts the service.
        [filtered] { $user_port ->
            [ok] From here it is dropped, but your own test got through: a rule admits only your address, which is fine for you. Check that the client connects to exactly `{ $ip }:{ $port }` and that no VPN or proxy on your computer sends it another way.
           *[other] From here it is dropped too, before Windows answers: the security group or Windows Defender Firewall drops it. Through VNC, `Get-NetFirewallRule -Group "@FirewallAPI.dll,-28752" | Format-Table DisplayName, Enabled, Profile` lists the built-in Remote Desktop rules (`Enable-NetFirewallRule -Group "@FirewallAPI.dll,-28752"` enables them; they cover only port 3389). For another port, add a rule: `New-NetFirewallRule -DisplayName "Remote Desktop { $port }" -Direction Inbound -Protocol TCP -LocalPort { $port } -Action Allow`.
        }
       *[other] I couldn't test it conclusively from here, so your own test decides: { $client ->
            [mac] in Terminal, `nc -vz -G 5 { $ip } { $port }`
            [linux] `nc -vz -w 5 { $ip } { $port }`
           *[other] in PowerShell, `Test-NetConnection { $ip } -Port { $port }`
        }. If it fails, the security group's source rule, Windows Defender Firewall on the server or your own network (ISP, company) is in the way.
    }{ $moved ->
        [yes] {" "}Port { $port } isn't the usual 3389, so connect as `{ $ip }:{ $port }`.
       *[other] {""}
    }

win-opt-mac-0x204 = Error code 0x204
    .aliases = 0x204, 0x00000204, error 0x204, code 0x204, error code 0x204, we couldn't connect to the remote pc, network error

win-opt-err-sessions = "No Remote Desktop license servers" / too many users, session limit
    .aliases = license, licensing, licence, license server, no remote desktop license servers available, too many users, session limit, maximum number of connections, another user is signed in, sessions
win-opt-err-account = Account "locked out", or the password expired / must be changed
    .aliases = locked out, account locked, account is locked, password expired, password has expired, must change password, change your password, the referenced account is currently locked out, account is disabled, account disabled
win-opt-err-internal = "An internal error has occurred"
    .aliases = internal error, an internal error has occurred, internal

win-err-sessions-title = Sessions and licensing
win-err-sessions = Windows Server allows two remote desktop sessions for administration. More need the Remote Desktop Session Host role and licences, and once its 120-day grace period ends without a licence server, logins fail with a licensing message.
    • To get in now: `mstsc /admin /v:{ $ip }:{ $port }` opens the administrative session, which needs no licence.
    • Full sessions: through VNC, `qwinsta` lists them (disconnected ones count too), and `logoff <ID>` ends one.
    • The role: `Get-WindowsFeature RDS-RD-Server` shows whether it's installed. Without a licence server, remove it (`Uninstall-WindowsFeature RDS-RD-Server`, then restart) to go back to the two administrative sessions, or point it at your licence server.
    Can you log in now?

win-err-account-title = Locked out, disabled or expired
win-err-account = The account itself refuses the login. Through VNC, in PowerShell:
    • `Get-LocalUser <user> | Format-List Name, Enabled, PasswordExpires, PasswordLastSet` shows whether it's disabled (`Enabled False`: `Enable-LocalUser <user>`) and when its password expires.
    • **Locked out** after too many wrong passwords (often bots guessing at an open port { $port }): it unlocks itself after the lockout time (`secpol.msc`, Account Lockout Policy), or at once with `Get-CimInstance Win32_UserAccount -Filter "LocalAccount=True AND Name='<user>'" | Set-CimInstance -Property @{"{"}Lockout=$false{"}"}`.
    • **Expired, or to be changed at the next logon:** with Network Level Authentication the client can't change it while connecting. Sign in through VNC, where Windows asks for the new one, or set it: `Set-LocalUser <user> -Password (Read-Host -AsSecureString)`, or reset it in the console (**More**, **Reset Password**).
    Can you log in now?

win-err-internal-title = "An internal error has occurred"
win-err-internal = This usually comes from the server's side of the encryption: the Remote Desktop certificate or the key store it lives in. Through VNC, in PowerShell:
    • `Get-ChildItem 'Cert:\LocalMachine\Remote Desktop'` shows the certificate. An expired or broken one is made anew when you delete it and restart the service: `Get-ChildItem 'Cert:\LocalMachine\Remote Desktop' | Remove-Item`, then `Restart-Service TermService -Force`.
    • If it still fails, the permissions on the key store may have been tightened: `icacls C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys /grant *S-1-5-32-544:(F) *S-1-5-18:(F)` gives Administrators and SYSTEM full control again (by SID, so it works in every display language), then restart the service again.
    Can you log in now?

win-resources-title = CPU, memory and disk inside Windows
win-resources = A Windows server that's out of CPU, memory or disk space crawls in VNC and may never finish a remote desktop login. In PowerShell (these work in every display language):
    • CPU: `Get-CimInstance Win32_Processor | Select-Object LoadPercentage`
    • Memory: `Get-CimInstance Win32_OperatingSystem | Select-Object FreePhysicalMemory, TotalVisibleMemorySize` (in KB)
    • Disk: `Get-PSDrive C` (the **Free** column)
    Task Manager (`taskmgr`, **More details**) shows the same at a glance. Is the CPU near 100%, memory almost used up, or drive C: full?

win-resources-fix-title = Relieve the load
win-resources-fix = `Get-Process | Sort-Object CPU -Descending | Select-Object -First 10 Name, Id, CPU, WS` lists the heaviest processes (sort by `WS` for memory); stop the culprit with `Stop-Process -Id <Id>` or stop its service. For a full drive C:, run `cleanmgr`, or clear old update downloads (`Stop-Service wuauserv`, then empty `C:\Windows\SoftwareDistribution\Download`), or extend the disk in the console. If it's the normal load, move to a larger instance type. Tell me when it's done and I'll check again.

win-network-title = The network adapter inside Windows
win-network = Nothing answers for either of us although the security group and the firewall look right, so let's look at the network adapter inside Windows. In PowerShell through VNC:
    • `Get-NetAdapter | Format-Table Name, Status, MacAddress`: the adapter must be **Up**. If it's **Disabled**: `Enable-NetAdapter -Name "<Name>"`.
    • `Get-NetIPConfiguration` (or `ipconfig /all`): the IPv4 address must be the instance's private IP (the console shows it), with a default gateway. A static address typed in by hand that doesn't match cuts the server off: go back to DHCP with `netsh interface ip set address name="<Name>" source=dhcp` and `netsh interface ip set dns name="<Name>" source=dhcp`.
    Found something?

## Linux
linux-vnc-title = Log in through VNC
linux-vnc = The next checks happen on the server itself, so log in through the browser console, which works even when SSH doesn't: in the cloud console select the instance, click **Log In** and choose **VNC**. VNC asks for the OS password of root or your user; if you only ever used a key, set one first in the console (instance, **More**, **Password/Key**, **Reset Password**; the instance restarts). Are you in?
linux-opt-vnc-slow = It's extremely slow or frozen
    .aliases = slow, frozen, hangs, super slow, freezes, barely moves, laggy, stuck, spins forever, loading forever, keeps loading, spinning
linux-vnc-help = Let's get you into the console first; the next checks all happen there. The **VNC console** shows the server's own screen in your browser: in the cloud console's instance list, click **Log In** on the server's row and choose **VNC**.
    • **It asks for a password:** it's the server's own account ({ $distro ->
        [redhat] root
       *[other] root, or ubuntu on Ubuntu images
    }), not your SSH key. If you've only ever used a key, that account may never have had a password: set one with **More**, **Password/Key**, **Reset Password** on the instance's row (the instance restarts), then log in with it.
    • **The screen is black:** press Enter once; a console that has gone dark wakes up and shows the login prompt.
    • **It stays black or frozen for a few minutes:** close the tab and open VNC again; if it's still frozen, restart the instance from the console (**More**, **Restart**) and try again once it has booted.
    Are you in now?

linux-firewall-title = Firewall inside the server
linux-firewall = { $distro ->
        [debian] Check the firewall inside the server for port { $port }.
            • ufw: `sudo ufw status`. Port 22 shows up as `OpenSSH` or `22/tcp` with `ALLOW`. To open it: `sudo ufw allow { $port }/tcp`.
            • Plain iptables or nftables: `sudo iptables -S INPUT` or `sudo nft list ruleset`. Look for a `DROP` or `REJECT` that covers port { $port } before any `ACCEPT` for it. To open it: `sudo iptables -I INPUT -p tcp --dport { $port } -j ACCEPT`, then save it so a restart keeps it: `sudo netfilter-persistent save`.
            Does the firewall let TCP { $port } in (or is there no firewall at all)?
        [redhat] Check the firewall inside the server for port { $port }.
            • firewalld: `sudo firewall-cmd --get-active-zones` names the zone of the network interface, then `sudo firewall-cmd --zone=<zone> --list-all`. Port 22 shows up as `ssh` under `services:`, other ports under `ports:`. To open it: `sudo firewall-cmd --permanent --zone=<zone> --add-port={ $port }/tcp` and then `sudo firewall-cmd --reload`.
            • Plain iptables or nftables: `sudo iptables -S INPUT` or `sudo nft list ruleset`. Look for a `DROP` or `REJECT` that covers port { $port } before any `ACCEPT` for it (CentOS 7's default `REJECT --reject-with icmp-host-prohibited` is one). To open it: `sudo iptables -I INPUT -p tcp --dport { $port } -j ACCEPT`, then save it so a restart keeps it: `sudo service iptables save` (CentOS 7; on later releases use firewalld).
            Does the firewall let TCP { $port } in (or is there no firewall at all)?
       *[other] Check the firewall inside the server for port { $port }. Depending on the distribution:
            • Ubuntu/Debian with ufw: `sudo ufw status`. Port 22 shows up as `OpenSSH` or `22/tcp` with `ALLOW`. To open it: `sudo ufw allow { $port }/tcp`.
            • CentOS, Rocky, RHEL with firewalld: `sudo firewall-cmd --get-active-zones` names the zone of the network interface, then `sudo firewall-cmd --zone=<zone> --list-all`. Port 22 shows up as `ssh` under `services:`, other ports under `ports:`. To open it: `sudo firewall-cmd --permanent --zone=<zone> --add-port={ $port }/tcp` and then `sudo firewall-cmd --reload`.
            • Plain iptables or nftables: `sudo iptables -S INPUT` or `sudo nft list ruleset`. Look for a `DROP` or `REJECT` that covers port { $port } before any `ACCEPT` for it (CentOS 7's default `REJECT --reject-with icmp-host-prohibited` is one). To open it: `sudo iptables -I INPUT -p tcp --dport { $port } -j ACCEPT`, then save it so a restart keeps it: `sudo netfilter-persistent save` (Ubuntu, Debian) or `sudo service iptables save` (CentOS 7).
            Does the firewall let TCP { $port } in (or is there no firewall at all)?
    }
linux-opt-firewall-allows = It lets { $port } in / no firewall
    .aliases = allows, allowed, lets it in, no firewall, is allowed, inactive, ufw is inactive, disabled, not running
linux-opt-firewall-fixed = It blocked it; I opened it, check again
    .aliases = fixed, opened, blocked, opened it, i opened, opened the port, was blocked, it blocked, allowed it now
linux-skip-firewall = Skipping the firewall and security-group checks: port { $port } answers from outside, so neither of them blocks it.

linux-sshd-title = Is sshd running?
linux-sshd = { $distro ->
        [debian] On the server, run `sudo systemctl status ssh`. Ubuntu 22.10 and later start SSH on demand: there `ssh.service` can show **inactive** while `sudo systemctl status ssh.socket` shows **active (listening)**, and that is fine. What do you see?
        [redhat] On the server, run `sudo systemctl status sshd`. What do you see?
       *[other] On the server, run `sudo systemctl status ssh` on Ubuntu and Debian, or `sudo systemctl status sshd` on CentOS, Rocky and RHEL. Ubuntu 22.10 and later start SSH on demand: there `ssh.service` can show **inactive** while `sudo systemctl status ssh.socket` shows **active (listening)**, and that is fine. What do you see?
    }
linux-opt-sshd-running = active (running)
    .aliases = running, active, active running, active (running), it's running, is running
linux-opt-sshd-socket = { $distro ->
        [redhat] sshd inactive, but sshd.socket active (listening)
       *[other] ssh inactive, but ssh.socket active (listening)
    }
    .aliases = socket, ssh.socket, listening socket, ssh.socket active, socket is listening, active (listening), active listening, listening, sshd.socket
linux-opt-sshd-stopped = inactive (dead)
    .aliases = stopped, inactive, dead, not running, is stopped, off
linux-opt-sshd-failed = failed
    .aliases = failed, exit-code, error, crashed, failure
linux-opt-sshd-missing = "could not be found" (not installed)
    .aliases = not found, could not be found, no such unit, not installed, doesn't exist, does not exist
linux-sshd-install-title = Install the SSH server
linux-skip-sshd = Skipping the sshd checks: an SSH server answers properly on port { $port }, so sshd is running and listening.
linux-skip-legacy = An SSH server answers on port { $port }, but it only offers old algorithms that current SSH clients refuse. That explains a lot, so let's deal with it.

linux-sshd-start-title = Start sshd
linux-sshd-start = { $distro ->
        [debian] Start it and make it start at boot: `sudo systemctl enable --now ssh`. Then check `sudo systemctl status ssh` again. Tell me when it's running and I'll check again.
        [redhat] Start it and make it start at boot: `sudo systemctl enable --now sshd`. Then check `sudo systemctl status sshd` again. Tell me when it's running and I'll check again.
       *[other] Start it and make it start at boot: `sudo systemctl enable --now ssh` (Ubuntu, Debian) or `sudo systemctl enable --now sshd` (CentOS, Rocky, RHEL). Then check `sudo systemctl status ssh` (or `sshd`) again. Tell me when it's running and I'll check again.
    }
linux-opt-sshd-fails = It won't start
    .aliases = fails, won't start, error, failed, doesn't start, job for ssh.service failed

linux-sshd-config-title = Why sshd won't start or listen
linux-sshd-config = Let's find the reason. Run the first two of these on the server and paste what they print here: I'll read it and tell you which fix applies. (Before you edit anything, a snapshot of the system disk in the console gives you a way back.)
    • `sudo sshd -t` checks the configuration; it prints nothing when the file is fine, otherwise the file and line to fix.{ $distro ->
        [redhat] {""}
       *[other] { " " }On Debian and Ubuntu it also complains "Missing privilege separation directory: /run/sshd" while ssh is stopped: that is not a configuration error. Create it with `sudo mkdir -p -m 0755 /run/sshd` and run the check again.
    }
    • { $distro ->
        [debian] `sudo journalctl -u ssh -n 50`
        [redhat] `sudo journalctl -u sshd -n 50`
       *[other] `sudo journalctl -u ssh -n 50` (`-u sshd` on CentOS, Rocky, RHEL)
    } shows why it stopped. "Address already in use" means another program holds the port: `sudo ss -tlnp` shows which one. "no hostkeys available": `sudo ssh-keygen -A` creates them.{ $distro ->
        [debian] {""}
        [redhat] { " " }"Bind to port { $port } … Permission denied" is SELinux refusing a non-standard port: `sudo semanage port -a -t ssh_port_t -p tcp { $port }`.
       *[other] { " " }"Bind to port { $port } … Permission denied" on CentOS, Rocky or RHEL is SELinux refusing a non-standard port: `sudo semanage port -a -t ssh_port_t -p tcp { $port }`.
    }
    • `sudo grep -Ei '^(Port|ListenAddress)' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf` shows the port and the addresses sshd uses (the first value read wins, and the drop-ins in `sshd_config.d` come first).{ $distro ->
        [redhat] {""}
       *[other] { " " }On Ubuntu 24.04 `Port` still goes in sshd_config, but takes effect only after `sudo systemctl daemon-reload` and `sudo systemctl restart ssh.socket`; on 22.10 to 23.10 the port is set in `sudo systemctl edit ssh.socket`, with an empty `ListenStream=` line before the new one (without it the old port stays too).
    }
    • `df -h /` and `df -i /` show whether the disk (or its inodes) is full; sshd can't start sessions then.
    After fixing, run `sudo sshd -t` and restart it with { $distro ->
        [debian] `sudo systemctl restart ssh`
        [redhat] `sudo systemctl restart sshd`
       *[other] `sudo systemctl restart ssh` (`sshd` on CentOS, Rocky, RHEL)
    }, then tell me: I'll check again.

linux-listen-title = Is sshd listening?
linux-listen = { $port_state ->
        [closed] Port { $port } refuses my connection, which usually means sshd isn't listening there: it's on another port, or only on 127.0.0.1.{" "}
        [filtered] Port { $port } doesn't answer me at all. If sshd listens on it, something in between drops the traffic, so let's confirm the listening side first.{" "}
        [open] Something answers on port { $port }, but it isn't SSH.{" "}
       *[other] {""}
    }Run `sudo ss -tlnp | grep -E 'sshd|systemd'`. You should see `0.0.0.0:{ $port }` or `[::]:{ $port }`, owned by `sshd`{ $distro ->
        [redhat] {""}
       *[other] , or by `systemd` on Ubuntu 22.10 and later, where ssh.socket listens for it
    }. The server's own private IP in place of `0.0.0.0` is fine too: the public IP maps to it. What do you see?
linux-opt-listen-yes = Listening on { $port }, on all addresses
    .aliases = listening, yes listening, all addresses, 0.0.0.0, listening on 0.0.0.0, [::]
linux-opt-listen-other = Listening on a different port
    .aliases = other, different port, other port, another port
linux-opt-listen-localhost = Only on 127.0.0.1, or on an address this server doesn't have
    .aliases = localhost, 127.0.0.1, only localhost, just localhost, only 127.0.0.1
linux-opt-listen-none = Not listening at all
    .aliases = none, nothing, not listening, nothing shows up, empty, no output, i don't see it, don't see it, not there, isn't there, doesn't show up

linux-custom-port-title = SSH port
linux-custom-port = Which port does sshd listen on? Type the number and I'll test it from here. (Connect with `ssh -p <port>`, and allow that port in the security group and the firewall.)

linux-bans-title = Bans and access lists
linux-bans = Something accepts the connection and closes it, or turns away only some addresses. On the server, check:
    • fail2ban: `sudo fail2ban-client status sshd` lists banned addresses; `sudo fail2ban-client set sshd unbanip <address>` lifts a ban.{ $egress ->
        [none] {""}
       *[other] { " " }My addresses are { $egress }.
    }
    • TCP wrappers: `cat /etc/hosts.deny /etc/hosts.allow`. A line like `sshd: ALL` in hosts.deny blocks everyone not listed in hosts.allow.
    • sshd itself: `sudo grep -Ei '^(AllowUsers|DenyUsers|AllowGroups|MaxStartups)' /etc/ssh/sshd_config`.
    • The provider's host security (Cloud Workload Protection) blocks addresses after repeated failed logins too: look for brute-force blocking in its console and allow your address.
    Did you find and remove a ban or a rule?
linux-opt-bans-found = Yes, removed it, check again
    .aliases = found, removed, unbanned, found one, removed it, was banned
linux-opt-bans-none = Nothing there
    .aliases = nothing, none, nothing there, no bans, empty, the list is empty

linux-legacy-title = Old SSH algorithms
linux-legacy = The server only offers key-exchange, host-key or cipher algorithms that current OpenSSH clients no longer accept, so your client gives up with "no matching key exchange method", "no matching host key type" or "no matching cipher". To get in now, allow them for this one connection: { $legacy_opts ->
        [none] `ssh -p { $port } -oKexAlgorithms=+diffie-hellman-group14-sha1 -oHostKeyAlgorithms=+ssh-rsa -oPubkeyAcceptedAlgorithms=+ssh-rsa <user>@{ $ip }` (use the names your client's error lists after "Their offer:"; for "no matching cipher" add one of them, for example `-oCiphers=+aes128-cbc`).
       *[other] `ssh -p { $port } { $legacy_opts } <user>@{ $ip }` (built from what this server offers).
    } Then update OpenSSH on the server so it offers current algorithms. Can you log in now?

linux-client-error-title = What ssh says
linux-client-error = Which message does ssh (or your SSH client) show when it fails?
linux-opt-err-publickey = "Permission denied (publickey)"
    .aliases = publickey, permission denied publickey, key, permission denied (publickey)
linux-opt-err-password = "Permission denied, please try again" / wrong password
    .aliases = password, wrong password, permission denied, permission denied, please try again, please try again
linux-opt-err-hostkey = "REMOTE HOST IDENTIFICATION HAS CHANGED" / "Host key verification failed"
    .aliases = host key, identification has changed, host key verification failed, remote host identification has changed
linux-opt-err-algorithms = "no matching key exchange method" / "no matching host key type"
    .aliases = no matching, key exchange, host key type, no matching key exchange method
linux-opt-err-refused = "Connection refused" or "Connection timed out"
    .aliases = refused, connection refused, timed out, connection timed out
linux-opt-err-closed = "Connection closed" or "reset" right after connecting
    .aliases = closed, connection closed, reset, connection reset, closed by remote host
linux-opt-err-other = Something else
    .aliases = other, something else, other error, another message

linux-key-title = Key login
linux-key = The server wants a key and didn't accept yours. Check:
    • The user name depends on the image: { $distro ->
        [debian] `ubuntu` on Ubuntu; on this cloud's Debian images it is `root` (other providers use `admin`: the image's description names it).
        [redhat] on this cloud's CentOS and Rocky images it is `root` (other providers use `centos`, `rocky` or `ec2-user`: the image's description names it).
       *[other] `ubuntu` on Ubuntu; on this cloud's CentOS, Rocky and Debian images it is `root` (other providers use `centos`, `rocky` or `admin`: the image's description names it).
    }
    • Use the private key that belongs to the key pair bound to the instance: `ssh -i /path/to/key.pem -p { $port } <user>@{ $ip }`. On macOS and Linux the key file must be private: `chmod 600 /path/to/key.pem`. "Too many authentication failures" means your agent offered other keys first: add `-o IdentitiesOnly=yes`.
    • PuTTY needs the key as a `.ppk` file: in PuTTYgen, **Load** the `.pem` and **Save private key**, then choose it under **Connection**, **SSH**, **Auth**. The other way round, `ssh` needs the OpenSSH format (PuTTYgen, **Conversions**, **Export OpenSSH key**).
    • In the console, check which SSH key pair is bound to the instance; binding a key (instance, **More**, **Password/Key**, **Bind Key**) needs the instance stopped.
    • Through VNC: `~/.ssh` must be mode 700 and `~/.ssh/authorized_keys` mode 600, owned by the user, and the home directory not writable by group or others (`chmod go-w ~`), or sshd ignores the keys.{ $distro ->
        [debian] {""}
        [redhat] { " " }Keys copied in by hand can carry the wrong SELinux label: `sudo restorecon -Rv ~/.ssh`.
       *[other] { " " }On CentOS, Rocky and RHEL, keys copied in by hand can carry the wrong SELinux label: `sudo restorecon -Rv ~/.ssh`.
    }
    Can you log in now?

linux-credentials-title = Password login
linux-credentials = Passwords are case-sensitive, and the user name depends on the image ({ $distro ->
        [debian] `ubuntu` on Ubuntu, `root` on Debian
        [redhat] `root` on this cloud's CentOS and Rocky images
       *[other] `ubuntu` on Ubuntu, `root` on most others
    }). If you've forgotten it, reset the password in the cloud console (instance, **More**, **Password/Key**, **Reset Password**; the instance restarts). Many images turn password login off for SSH: through VNC, `sudo sshd -T | grep -Ei 'passwordauthentication|permitrootlogin'` shows what sshd really uses (`passwordauthentication no`: keys only; `permitrootlogin prohibit-password` or `no`: root can't log in with a password). To change it, find where it is set: `sudo grep -ri passwordauthentication /etc/ssh/sshd_config /etc/ssh/sshd_config.d/`. sshd keeps the first value it reads, and { $distro ->
        [redhat] a drop-in in `/etc/ssh/sshd_config.d/` (`50-redhat.conf` on release 9, often `50-cloud-init.conf` on cloud images) is read before the main file, so change it there.
       *[other] on Ubuntu and Debian cloud images a drop-in such as `/etc/ssh/sshd_config.d/50-cloud-init.conf` is read before the main file, so change it there.
    } Then `sudo sshd -t && { $distro ->
        [redhat] sudo systemctl restart sshd`
       *[debian] sudo systemctl restart ssh`
    }{ $distro ->
        [debian] {""}
        [redhat] {""}
       *[other] { " " }(`sshd` on CentOS, Rocky, RHEL)
    } and confirm with `sudo sshd -T`. Can you log in now?

linux-hostkey-title = Changed host key
linux-hostkey = Your computer remembers a different key for { $ip }, which is normal after the instance was reinstalled or the address moved to a new instance. If that's the case, forget the old key with `ssh-keygen -R { $ip }` (for a port other than 22: `ssh-keygen -R "[{ $ip }]:{ $port }"`), then connect again and accept the new key. If nothing changed on your side, don't override it: ask support first. Can you log in now?

linux-verbose-title = ssh in detail
linux-verbose = Let's see where the login stops. Run `ssh -v -p { $port } <user>@{ $ip }` and read the last lines before the error: they name the step that failed (key exchange, authentication method, the key offered). Keep that output: it goes into the ticket if this doesn't solve it. Can you log in now?

linux-resources-title = CPU and memory
linux-resources = A server that's out of CPU or memory can accept a connection and never finish the login. In the VNC console, run `top` (press `q` to quit), `free -m` and `uptime`, and `df -h /` and `df -i /` for the disk and its inodes. Is the CPU near 100%, the load far above the number of CPUs, memory almost used up, or the disk full?
linux-opt-resources-high = Yes, it's overloaded or full
    .aliases = high, overloaded, full, 100%, cpu is at 100, almost full, maxed out, very high, out of memory
linux-opt-resources-normal = No, they look normal
    .aliases = normal, fine, looks normal, all normal, looks fine, look normal, looks ok

linux-resources-fix-title = Relieve the load
linux-resources-fix = Find the culprit with `ps aux --sort=-%cpu | head` and `ps aux --sort=-%mem | head`, and check whether the kernel killed processes for lack of memory with `sudo dmesg | grep -i oom` (or `sudo journalctl -k | grep -i oom`). Stop or restart the process that's eating the machine (`sudo systemctl stop <service>` or `sudo kill <pid>`), free disk space if it's full, or restart the instance. If it's normal load, move to a larger instance type. Tell me when it's done and I'll check again.

linux-opt-err-account = "This account is currently not available" / account or password expired
    .aliases = account, not available, this account is currently not available, account has expired, account expired, account locked, your password has expired, password expired, cut off after the password

linux-account-title = The account itself
linux-account = The password or key may be right while the account itself refuses logins. Through VNC, as root, check your user (`<user>`):
    • `sudo passwd -S <user>`: `L` or `LK` in the second field means the password is locked (`sudo passwd -u <user>` unlocks it). `sudo chage -l <user>` shows whether the account or its password expired: `sudo chage -E -1 <user>` lifts the account's expiry, `sudo passwd <user>` sets a new password.
    • `getent passwd <user>`: the last field is the shell. `/sbin/nologin`, `/usr/sbin/nologin` or `/bin/false` lets nobody in: `sudo usermod -s /bin/bash <user>`.
    • `ls /etc/nologin /run/nologin`: while either exists, only root may log in (a leftover of a shutdown or an update): `sudo rm -f /etc/nologin /run/nologin`.
    • `ls -ld /home/<user> /home/<user>/.ssh`: the home directory must exist (`sudo mkhomedir_helper <user>` creates it), and sshd ignores the keys when it is writable by group or others (StrictModes): `sudo chmod go-w /home/<user>` and `sudo chmod 700 /home/<user>/.ssh`.
    • For root: `sudo sshd -T | grep -i permitrootlogin`. `no` refuses root even with a key, `prohibit-password` refuses root's password: log in as the image's default user and use `sudo`.
    Can you log in now?

linux-network-title = The network inside the server
linux-network = Nothing answers for either of us although the security group and the firewall look right, so let's look at the network inside the server. In the VNC console:
    • `ip a`: the main interface (`eth0`, `ens5`…) must be **UP**, with the instance's private IP (the console shows it). No address, or another one, means its network configuration was changed.
    • `ip route`: there must be a `default via …` line; without it, replies never leave.
    • The configuration: { $distro ->
        [debian] `cat /etc/netplan/*.yaml` on Ubuntu (apply with `sudo netplan apply`), `/etc/network/interfaces` on Debian.
        [redhat] `cat /etc/sysconfig/network-scripts/ifcfg-eth0`, or `nmcli connection show` on release 8 and later.
       *[other] `cat /etc/netplan/*.yaml` on Ubuntu (apply with `sudo netplan apply`), `/etc/network/interfaces` on Debian, `/etc/sysconfig/network-scripts/ifcfg-eth0` or `nmcli connection show` on CentOS, Rocky, RHEL.
    } DHCP (`dhcp4: true`, `BOOTPROTO=dhcp`) is the safe setting on this cloud; a static address that isn't the instance's private IP cuts the server off.
    Found something?

## What a diagnosis ruled out (for the report)
ruled-out-self-check = The console self-diagnosis found nothing (bandwidth, load, security group, DDoS, isolation, billing).
ruled-out-security-group = The security group allows the login port (user checked).
ruled-out-allow-remote = "Allow remote connections to this computer" is enabled.
ruled-out-not-listening = The remote-login service listens on port { $port } inside the server.
ruled-out-registry = Both registry PortNumber values agree.
ruled-out-firewall = The firewall inside the server allows port { $port }.
ruled-out-resources = CPU, memory and disk are not exhausted.
ruled-out-bans = No ban or access list turns connections away (user checked).

## What the user reported but the probes contradict (for the report)
disputed-security-group = The user found a security-group rule for port { $port }, but port { $port } was still dropped when the bot tested it: the rule may not admit the bot's address, may be in a group not bound to the instance, or a network ACL may drop it.
disputed-firewall = The user reports that the firewall inside the server allows port { $port }, but port { $port } was still dropped when the bot tested it.

## What a paste shows, said before moving on (notes of the paste routes)
paste-contradicts-filtered = Your own test gets through to port { $port }, but mine is dropped: a rule admits your address and not mine.
paste-client-old-port = Your client still connects to port { $client_port }, but the login service now answers on port { $port }: nothing blocks the new port, the connection just goes to the old one.
paste-sshd-bind-denied = { $distro ->
        [debian] sshd may not use that port: the system refused it ("Permission denied"). A security module does that (`sudo dmesg | grep -i denied` names it; with SELinux installed, `sudo semanage port -a -t ssh_port_t -p tcp <port>` allows the port), or sshd was not started as root: start it with `sudo systemctl restart ssh`.
        [redhat] sshd may not use that port: SELinux lets sshd bind only ports labelled for SSH. Label it with `sudo semanage port -a -t ssh_port_t -p tcp <port>` (install `policycoreutils-python-utils`, or `policycoreutils-python` on CentOS 7, if `semanage` is missing), then `sudo systemctl restart sshd`.
       *[other] sshd may not use that port: on CentOS, Rocky and RHEL, SELinux lets sshd bind only ports labelled for SSH. Label it with `sudo semanage port -a -t ssh_port_t -p tcp <port>` (install `policycoreutils-python-utils`, or `policycoreutils-python` on CentOS 7, if `semanage` is missing), then restart sshd.
    }
paste-contradicts-open = Your client can't reach port { $port }, but I can: something between you and the server is in the way.
paste-contradicts-closed = The service listens on port { $port }, yet I get "closed" from outside: a firewall rule that rejects (REJECT) or a ban answers for it.
paste-contradicts-closed-windows = Remote Desktop listens on port { $port }, yet from outside the server refuses the connection ("closed"). Windows Firewall drops what it blocks and never refuses, so either the listener has stopped taking connections (a stuck Remote Desktop service: restart it as below) or security software on the server rejects them (look at its own firewall or network-protection settings).
paste-contradicts-filtered-listening = The service listens on port { $port }, yet my connection is dropped on the way: a firewall inside the server or the security group drops it.
paste-firewall-blocks = The firewall blocks TCP { $port }. To open it: { $firewall ->
        [ufw] `sudo ufw allow { $port }/tcp`
        [firewalld] `sudo firewall-cmd --permanent --add-port={ $port }/tcp && sudo firewall-cmd --reload`
        [iptables] `sudo iptables -I INPUT -p tcp --dport { $port } -j ACCEPT` (and save it: { $distro ->
            [debian] `sudo netfilter-persistent save`
            [redhat] `sudo service iptables save`
           *[other] `sudo netfilter-persistent save` or `sudo service iptables save`
        })
        [nft] `sudo nft insert rule inet filter input tcp dport { $port } accept` (adjust the table and chain to your ruleset, and add it to `/etc/nftables.conf`)
       *[other] `New-NetFirewallRule -DisplayName "Remote Desktop { $port }" -Direction Inbound -Protocol TCP -LocalPort { $port } -Action Allow`
    }
paste-firewall-open-but-dropped = The firewall inside the server lets port { $port } in, yet my connection is dropped: the security group (or a network ACL) is what drops it.
paste-privsep = "Missing privilege separation directory: /run/sshd" is not a configuration error: ssh is simply stopped. `sudo mkdir -p -m 0755 /run/sshd` makes `sshd -t` work; starting the service creates it anyway.
paste-sshd-config = sshd reports a problem of its own, so let's look at its configuration and log.
paste-sshd-bad-config = sshd refuses to start because of a line in its configuration. `sudo sshd -t` names the file and the line (a file in `/etc/ssh/sshd_config.d/` counts too): fix or remove that line, run `sudo sshd -t` again until it prints nothing, then { $distro ->
        [debian] `sudo systemctl restart ssh`
        [redhat] `sudo systemctl restart sshd`
       *[other] `sudo systemctl restart ssh` (`sshd` on CentOS, Rocky, RHEL)
    }.
paste-sshd-address-in-use = sshd can't start because something else already holds port { $port }. `sudo ss -tlnp 'sport = :{ $port }'` shows what: { $distro ->
        [redhat] if it is `systemd` (sshd.socket), keep one of the two: `sudo systemctl disable --now sshd.socket && sudo systemctl restart sshd`;
       *[other] if it is `systemd` (ssh.socket, Ubuntu 22.10 and later), keep one of the two: `sudo systemctl disable --now ssh.socket && sudo systemctl restart ssh`;
    } if it is another program, stop it or move it to another port.
paste-sshd-no-hostkeys = sshd has no host keys, so it can't start. `sudo ssh-keygen -A` creates the missing ones; then { $distro ->
        [debian] `sudo systemctl restart ssh`
        [redhat] `sudo systemctl restart sshd`
       *[other] `sudo systemctl restart ssh` (`sshd` on CentOS, Rocky, RHEL)
    }. Clients that connected before will warn that the host key changed: that is expected this once.
paste-sshd-missing = The SSH service isn't installed (or has another name). { $distro ->
        [debian] Install it with `sudo apt install openssh-server`, then `sudo systemctl enable --now ssh`.
        [redhat] Install it with `sudo dnf install openssh-server` (`sudo yum install openssh-server` on CentOS 7, which has no dnf), then `sudo systemctl enable --now sshd`.
       *[other] Install it with `sudo apt install openssh-server` (Ubuntu, Debian), `sudo dnf install openssh-server` (Rocky, RHEL 8 and later) or `sudo yum install openssh-server` (CentOS 7, which has no dnf), then `sudo systemctl enable --now ssh` (Ubuntu, Debian) or `sshd` (the others).
    }
paste-local-only = sshd only listens on a local address, so nothing from outside can reach it: `ListenAddress` in `/etc/ssh/sshd_config` (or in a file under `/etc/ssh/sshd_config.d/`{ $distro ->
        [redhat] {""}
       *[other] , or `ListenStream` in `ssh.socket`
    }) needs to be `0.0.0.0` / `::` or removed.
paste-registry-differ = The two PortNumber values differ: `Tds\tcp` says { $reg_tds }, `RDP-Tcp` says { $reg_rdp }, and remote desktop listens on { $reg_rdp }.
paste-registry-same = Both PortNumber values say { $port }, so the registry isn't the problem.
paste-resources-high = The server is short of CPU, memory or disk space: that alone can stop logins from completing.
paste-disk-full = The disk is full, and a full disk stops sshd from starting and logins from finishing (no room for logs or session files). In the VNC console, `sudo du -xh / --max-depth=2 2>/dev/null | sort -h | tail -15` shows what fills it. Free space with `sudo journalctl --vacuum-size=200M`, { $distro ->
        [debian] `sudo apt clean` and by deleting old logs under `/var/log`; then `sudo systemctl restart ssh`.
        [redhat] `sudo dnf clean all` (CentOS 7: `sudo yum clean all`) and by deleting old logs under `/var/log`; then `sudo systemctl restart sshd`.
       *[other] `sudo apt clean` (Ubuntu, Debian) or `sudo dnf clean all` (CentOS 7: `yum`), and by deleting old logs under `/var/log`; then `sudo systemctl restart ssh` (or `sshd`).
    }

linux-boot-title = The server doesn't boot properly
linux-boot = The boot console shows the server is stuck before SSH can start. { $boot ->
        [kernel-panic] A kernel panic usually follows a kernel or driver update: restart the instance and pick the previous kernel in the boot menu (through VNC), or restore a snapshot.
        [maintenance] It waits for the root password (maintenance mode). Type it in the VNC console, then `journalctl -xb` shows what failed; often it's an `/etc/fstab` entry.
        [emergency] It's in emergency mode. In the VNC console, log in as root and run `journalctl -xb | grep -i fail` to see what failed; often it's an `/etc/fstab` entry. The root filesystem is read-only there: run `mount -o remount,rw /` before editing anything.
        [fstab] A disk listed in `/etc/fstab` ({ $boot_mount }) can't be mounted. In the VNC console, first make the root filesystem writable (`mount -o remount,rw /`), then comment that line out (or add `nofail` to its options) and `reboot`.
        [no-space] The disk is full. Free space (old logs under `/var/log`, `sudo journalctl --vacuum-size=200M`, package caches), then restart ssh.
       *[ssh-failed] OpenSSH fails to start at boot. { $distro ->
            [debian] `sudo journalctl -u ssh -b`
            [redhat] `sudo journalctl -u sshd -b`
           *[other] `sudo journalctl -u ssh -b` (or `-u sshd`)
        } shows why.
    } Tell me when it's fixed and I'll check again.
