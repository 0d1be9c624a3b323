## Runbook content. Arguments available to every step: $ip, $port (the login
## port), $os (windows | linux | auto), $client (windows | mac | linux | unknown),
## $port_state (open | closed | filtered | inconclusive | unknown), $icmp
## (reply | no_reply | unavailable | unknown) and any variable a step stored
## ($user_ip, $registry_port, $sshd_port).

rb-triage = First checks
rb-common = Your side versus ours
rb-windows = Windows remote desktop
rb-linux = Linux SSH

## Shared option labels
opt-yes = Yes
    .aliases = yes, y, yep, ok
opt-no = No
    .aliases = no, n, nope
opt-done-recheck = Done, check again
    .aliases = done, fixed, recheck, check
opt-changed-recheck = I changed something, check again
    .aliases = changed, recheck, check
opt-not-this = That is not it
    .aliases = no, not it, skip
opt-cannot-do = I can't do that
    .aliases = can't, cannot, no
opt-login-works = I can log in now
    .aliases = works, yes, fixed, it works
opt-login-still-fails = Still can't log in
    .aliases = still, no, fails, still fails
opt-vnc-in = I'm in through VNC
    .aliases = in, yes, logged in
opt-vnc-cannot = VNC doesn't work either
    .aliases = cannot, no, doesn't work

## Triage
triage-client-title = Your computer
triage-client = Before the checks: which computer are you connecting from? I'll give you commands that work there.
client-windows = Windows
    .aliases = windows, win, pc
client-mac = macOS
    .aliases = mac, macos, osx, macbook
client-linux = Linux
    .aliases = linux, ubuntu

triage-self-check-title = Console self-diagnosis
triage-self-check = In the cloud console, open the instance's **self-diagnosis** tool (Tickets, Self-diagnosis) and run it. It looks for the problems that cause most login failures. Which of these did it report?
triage-opt-bandwidth = Bandwidth: usage maxed out, or public bandwidth set to 0
    .aliases = bandwidth
triage-opt-load = High server load
    .aliases = load, cpu, high load
triage-opt-security-group = Security group rules
    .aliases = security group, sg, rules
triage-opt-blocked = DDoS blocking or security isolation
    .aliases = ddos, blocked, isolation
triage-opt-arrears = Account overdue
    .aliases = overdue, arrears, billing
triage-opt-nothing = Nothing found, or I can't run it
    .aliases = nothing, none, can't
triage-skip-filtered = I'm skipping the self-diagnosis for now: port { $port } on { $ip } gave me no answer at all, which is exactly what a security group or firewall that drops traffic looks like. Let's look at that first.

triage-bandwidth-title = Bandwidth
triage-bandwidth = When public bandwidth is used up, new connections time out; when it is set to 0 Mbps, no public traffic reaches the instance at all. In the console, check the instance's public bandwidth cap and its monitoring graph for outbound traffic at the limit. Raise the cap (or stop whatever is saturating it), then tell me and I'll check again.

triage-load-title = Server load
triage-load = A server with CPU or memory exhausted often accepts a connection and then never finishes the login. Check the instance's CPU and memory graphs in the console. If they are pegged, restart the instance or stop the heavy workload (through the VNC console), or move to a larger instance type. Then tell me and I'll check again.

triage-sg-title = Security group
triage-sg = Your security group must allow inbound TCP { $port } from your address. In the console, open the **security group (port) diagnosis tool** and use **Open all ports**, or add an inbound rule yourself: protocol TCP, port { $port }, source your public IP (or 0.0.0.0/0 while you test). Tell me when it's saved and I'll check again.
triage-opt-sg-opened = I opened the port, check again
    .aliases = opened, done, open
triage-opt-sg-already = The rule already allows it
    .aliases = already, allowed, it does

triage-blocked-title = Blocked by the provider
triage-blocked = When an instance is under a DDoS attack its public IP can be put in a "black hole" for a while, and an instance flagged for a security problem can be isolated. Nothing on the server unblocks this. Check the console notifications and security centre: a black hole lifts on its own after the stated time; isolation needs the security issue fixed and an unblock request.
triage-opt-released = It has been released, check again
    .aliases = released, unblocked
triage-opt-still-blocked = It's still blocked
    .aliases = still, blocked

triage-arrears-title = Account overdue
triage-arrears = An overdue account gets its instances shut down or its network cut off until the balance is settled. Top up the account in the billing centre, start the instance if it was stopped, and tell me: I'll check again.
triage-opt-paid = Paid and started, check again
    .aliases = paid, done

triage-restart-title = Restart the instance
triage-restart = A restart clears a lot: a hung remote-login service, a full memory, a stuck network stack. In the console, restart the instance (use a forced restart if a normal one hangs), wait a minute or two for it to boot, and I'll check again. If you can't restart now, we can go on without it.
triage-opt-restarted = Restarted, check again
    .aliases = restarted, done
triage-opt-no-restart = I can't restart it now
    .aliases = skip, can't, no

triage-confirm-title = Try logging in
triage-confirm = Port { $port } answers properly now. Please try logging in again. Does it work?

triage-fixed-title = Fixed
triage-fixed = Great, you're back in. If it happens again, just start a new diagnosis.

## Common: the user's vantage point
common-ping-title = Ping from your computer
common-ping = Now let's compare my view with yours. { $icmp ->
        [reply] Your server answers my ping.
        [no_reply] Your server does not answer my ping (many cloud servers block ping, so that alone means little).
       *[other] I couldn't ping from where I run.
    } On your computer, { $client ->
        [windows] open Command Prompt (Win+R, `cmd`) and run `ping { $ip }`.
       *[other] open Terminal and run `ping -c 4 { $ip }`.
    } Do you get replies?
common-opt-ping-replies = I get replies
    .aliases = replies, yes, reply
common-opt-ping-timeout = Request timed out / no replies
    .aliases = timeout, timed out, no

common-port-test-title = Port test from your computer
common-port-test = Next, test the login port from your computer: { $client ->
        [windows] in PowerShell run `Test-NetConnection { $ip } -Port { $port }` and look at `TcpTestSucceeded`.
       *[other] in Terminal run `nc -vz { $ip } { $port }`; "succeeded" or "open" means it connected.
    } From here, port { $port } is { $port_state ->
        [open] open.
        [closed] closed (nothing is listening).
        [filtered] not answering (filtered).
       *[other] not conclusively tested.
    } What do you see?
common-opt-port-ok = It connected
    .aliases = connected, ok, true, yes, succeeded
common-opt-port-failed = It failed or timed out
    .aliases = failed, false, no, timeout

common-your-side-title = Your public address
common-your-side = That's an important clue: port { $port } is open when I try it, but not when you do. So the server is reachable, and something between you and it is in the way. Usually it's one of three things: a security-group rule that only admits certain source addresses, a ban on your address (fail2ban and similar tools ban after repeated failed logins), or your own network (a company firewall or an ISP blocking the port). What is your public IP address? (Search "what is my IP" on your computer, then paste it here.)

common-source-rule-title = Rule for your address
common-source-rule = Check these for { $user_ip }:
    1. Security group: the inbound rule for TCP { $port } must include { $user_ip } (for example `{ $user_ip }/32`), or 0.0.0.0/0 while you test.
    2. Bans on the server (Linux, via VNC): `sudo fail2ban-client status sshd`; if { $user_ip } is listed, run `sudo fail2ban-client set sshd unbanip { $user_ip }`. Also check `/etc/hosts.deny`.
    3. Your network: try from another network, for example your phone's hotspot. If that works, your office or ISP blocks the port.
    Can you log in now?

common-escalate-title = Hand-off to support
common-escalate = We've gone through every check I can guide from here, so this needs the support team. I've put together a diagnosis report with everything we found and tried: attach it to the ticket so nobody asks you the same questions again.

## Windows
win-vnc-title = Log in through VNC
win-vnc = The next checks happen inside Windows, so log in through the browser console, which works even when remote desktop doesn't: in the cloud console pick the instance, click **Log In**, choose **VNC** (the alternative login method) and click **Log In Now**. At the lock screen, open **Send Remote Command** at the top left and send **Ctrl-Alt-Delete**, then sign in. Are you in?

win-allow-remote-title = Allow remote connections
win-allow-remote = In Windows, right-click **This PC** and open **Properties**, then **Advanced system settings** and the **Remote** tab (or run `SystemPropertiesRemote`). Under Remote Desktop, is **Allow remote connections to this computer** selected?
win-opt-allow-was-on = It was already selected
    .aliases = was on, already, yes, selected
win-opt-allow-turned-on = It wasn't; I selected it, check again
    .aliases = turned on, enabled, fixed, no

win-netstat-title = Is RDP listening?
win-netstat = Open PowerShell inside the server and run `netstat -ant | findstr { $port }`. A healthy server shows a line with `0.0.0.0:{ $port }` and `LISTENING`. What do you see?
win-opt-netstat-listening = A LISTENING line on { $port }
    .aliases = listening, yes
win-opt-netstat-nothing = Nothing, or no LISTENING line
    .aliases = nothing, no, empty

win-registry-title = Registry port numbers
win-registry = Remote desktop listens on the port written in the registry, in two places that must agree. Run `regedit` and look at **PortNumber** in both keys (switch the view to **Decimal**):
    1. `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server\Wds\rdpwd\Tds\tcp`
    2. `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp`
    Or in PowerShell: `Get-ItemProperty 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp' -Name PortNumber`. Are the two numbers the same?
win-opt-registry-same = They're the same
    .aliases = same, yes, match
win-opt-registry-differ = They differ
    .aliases = differ, different, no, mismatch

win-registry-fix-title = Fix the port mismatch
win-registry-fix = Double-click **PortNumber** under `RDP-Tcp`, select **Decimal**, and set it to the same value as the one under `Tds\tcp` (pick a port between 1 and 65535 that nothing else uses; 3389 is the standard). Click **OK**, make sure your security group allows that port, then restart the instance from the console so Remote Desktop picks it up.
win-opt-registry-fixed = Done, and the instance restarted
    .aliases = done, fixed

win-registry-port-title = Remote desktop port
win-registry-port = Which port number do the registry keys hold now? Type it as a decimal number (3389 unless someone changed it) and I'll test that port from here.

win-restart-rds-title = Restart Remote Desktop Services
win-restart-rds = Restart the service that accepts remote logins: run `services.msc`, find **Remote Desktop Services**, right-click it and choose **Restart** (or in PowerShell: `Restart-Service TermService -Force`). Your VNC session stays up. Tell me when it's done and I'll check again.

win-errors-title = The error you see
win-errors = Which message does your remote desktop client show when it fails?
win-opt-err-no-right = "The connection was denied because the user account is not authorized for remote login"
    .aliases = denied, not authorized, no right
win-opt-err-mac = I'm on a Mac and it fails there
    .aliases = mac
win-opt-err-auth = "An authentication error has occurred" (CredSSP)
    .aliases = authentication, credssp, auth
win-opt-err-cannot-connect = "Remote Desktop can't connect to the remote computer"
    .aliases = can't connect, cannot connect
win-opt-err-other = Something else
    .aliases = other, something else

win-err-logon-right-title = Remote logon right
win-err-logon-right = Your account is missing the right to log on through remote desktop. Through VNC run `secpol.msc`, go to **Local Policies**, **User Rights Assignment**, and open **Allow log on through Remote Desktop Services**: it must list **Administrators** and **Remote Desktop Users** (or your account). Also make sure your account is not listed under **Deny log on through Remote Desktop Services**. Then run `gpupdate /force` and try again.

win-err-mac-title = Connecting from a Mac
win-err-mac = Use Microsoft's own client, **Windows App** (formerly Microsoft Remote Desktop), from the App Store, updated to the latest version; older third-party clients often fail on current Windows servers. Add the PC as `{ $ip }:{ $port }`, user name `Administrator` (or your account), and if it warns about the certificate, accept it. If it still fails, check the error it shows.

win-err-auth-title = Authentication error (CredSSP)
win-err-auth = This usually means the client and the server disagree on Network Level Authentication (CredSSP), often after one side got security updates and the other didn't. Fix it properly by installing the latest Windows updates on both. To get in right away: through VNC, open `SystemPropertiesRemote` on the server and untick **Allow connections only from computers running Remote Desktop with Network Level Authentication**, then connect and update. Also double-check the user name and password (the password is case-sensitive).

win-err-cannot-connect-title = Can't connect to the remote computer
win-err-cannot-connect = This message means the client got no usable answer. Besides what we checked, look at **Windows Defender Firewall** on the server (through VNC): run `wf.msc` and make sure the inbound rule **Remote Desktop - User Mode (TCP-In)** is enabled for your port, or run `Enable-NetFirewallRule -DisplayGroup "Remote Desktop"`. If you changed the RDP port, connect as `{ $ip }:{ $port }`.

## Linux
linux-vnc-title = Log in through VNC
linux-vnc = The next checks happen on the server itself, so log in through the browser console, which works even when SSH doesn't: in the cloud console pick the instance, click **Log In** and choose **VNC**. Log in as root or your user. Are you in?
linux-opt-vnc-slow = It's extremely slow or frozen
    .aliases = slow, frozen, hangs

linux-firewall-title = Instance firewall
linux-firewall = Check the firewall inside the server for port { $port }. Depending on the distribution:
    `sudo iptables -L INPUT -n --line-numbers`
    `sudo firewall-cmd --list-all` (CentOS, Rocky, RHEL)
    `sudo ufw status` (Ubuntu)
    Is TCP { $port } allowed (or is there no firewall at all)?
linux-opt-firewall-allows = It allows { $port } / no firewall
    .aliases = allows, allowed, yes, no firewall
linux-opt-firewall-fixed = It blocked it; I opened it, check again
    .aliases = fixed, opened, blocked
linux-skip-firewall = Skipping the firewall and security-group checks: port { $port } answers from outside, so neither of them is blocking it.

linux-sg-title = Security group
linux-sg = My connection to port { $port } got no answer, so something drops it before sshd sees it. In the console, check the instance's security group: an inbound rule must allow TCP { $port } from your address. You can also use the **port diagnosis tool** and its **Open all ports** action.

linux-sshd-title = Is sshd running?
linux-sshd = On the server, run `sudo systemctl status sshd` (on Ubuntu and Debian the service is called `ssh`). Does it say **active (running)**?
linux-opt-sshd-running = Active (running)
    .aliases = running, active, yes
linux-opt-sshd-stopped = Inactive, failed, or not found
    .aliases = stopped, inactive, failed, dead, no
linux-skip-sshd = Skipping the sshd checks: an SSH server answers properly on port { $port }, so sshd is running and listening.
linux-skip-legacy = An SSH server answers on port { $port }, but it only offers old algorithms that current SSH clients refuse. That explains a lot; let's deal with it.

linux-sshd-start-title = Start sshd
linux-sshd-start = First check the configuration for errors with `sudo sshd -t` (it prints nothing when the file is fine; otherwise fix the line it names in `/etc/ssh/sshd_config`). Then run `sudo systemctl restart sshd` and `sudo systemctl enable sshd`. If it won't start, `sudo journalctl -u sshd -n 50` says why. On Ubuntu and Debian the service is named `ssh`: use `ssh` instead of `sshd` in the `systemctl` and `journalctl` commands. Tell me when it's running and I'll check again.
linux-opt-sshd-fails = It won't start
    .aliases = fails, won't start, error

linux-listen-title = Is sshd listening?
linux-listen = Run `sudo ss -tlnp | grep sshd`. You should see sshd on `0.0.0.0:{ $port }` or `[::]:{ $port }`. If it only shows `127.0.0.1`, fix `ListenAddress` in `/etc/ssh/sshd_config` and restart sshd. What do you see?
linux-opt-listen-yes = Listening on { $port }
    .aliases = yes, listening
linux-opt-listen-other = Listening on a different port
    .aliases = other, different port
linux-opt-listen-none = Not listening at all
    .aliases = none, nothing, no

linux-custom-port-title = SSH port
linux-custom-port = Which port is sshd listening on? Type the number and I'll test it from here. (Remember to connect with `ssh -p <port>` and to allow that port in the security group.)

linux-legacy-title = Old SSH algorithms
linux-legacy = The server only offers key-exchange or host-key algorithms that current OpenSSH clients no longer accept, so your client gives up with "no matching key exchange method" or "no matching host key type". To get in now, allow them for this one connection: `ssh -oKexAlgorithms=+diffie-hellman-group14-sha1 -oHostKeyAlgorithms=+ssh-rsa -oPubkeyAcceptedAlgorithms=+ssh-rsa user@{ $ip }`. Then update OpenSSH on the server, or add modern algorithms to `/etc/ssh/sshd_config`. Can you log in now?

linux-resources-title = CPU and memory
linux-resources = A server that's out of CPU or memory can accept a connection and never finish the login. In the VNC console run `top` (press `q` to quit), `free -m` and `uptime`. Is the CPU near 100%, the load far above the number of CPUs, or memory almost used up?
linux-opt-resources-high = Yes, it's overloaded
    .aliases = yes, high, overloaded
linux-opt-resources-normal = No, they look normal
    .aliases = no, normal, fine

linux-resources-fix-title = Relieve the load
linux-resources-fix = Find the culprit with `ps aux --sort=-%cpu | head` and `ps aux --sort=-%mem | head`, and check whether the kernel killed things for lack of memory with `dmesg | grep -i oom`. Stop or restart the process that's eating the machine (`sudo systemctl stop <service>` or `sudo kill <pid>`), or restart the instance. If it's normal load, move to a larger instance type. Tell me when it's done and I'll check again.

## What a diagnosis ruled out (for the report)
ruled-out-self-check = The console self-diagnosis found nothing (bandwidth, load, security group, DDoS, isolation, billing).
ruled-out-security-group = The security group allows the login port (user checked).
ruled-out-allow-remote = "Allow remote connections to this computer" is enabled.
ruled-out-not-listening = The remote-login service listens on port { $port } inside the server.
ruled-out-registry = Both registry PortNumber values agree.
ruled-out-firewall = The instance firewall allows port { $port }.
ruled-out-resources = CPU and memory are not exhausted.
