# Findings of a probe (finding-<code>) and target refusals (refusal-<code>).
# Arguments: $port (the login port), $ip (the server's address), $os (windows, linux, auto).

## Findings

finding-icmp-reply = The server at { $ip } answers ping, so it is powered on and reachable over the network.
finding-icmp-no-reply = The server at { $ip } does not answer ping. On its own this does not mean it is down: many cloud servers and firewalls block ping by default. Look at the port results below.
finding-icmp-unavailable = Ping could not be sent from where this bot runs, so ping tells us nothing here. This is not a problem with your server.
finding-icmp-blocked-port-open = Ping is blocked, but port { $port } answers, so the server is up. Blocked ping is normal and needs no fix. If you want it to answer (for monitoring, say), allow ICMP in the security group's inbound rules{ $os ->
        [windows] {""} and, on the server, add a firewall rule: `New-NetFirewallRule -DisplayName "Allow ping" -Direction Inbound -Protocol ICMPv4 -IcmpType 8 -Action Allow` (the built-in echo-request rule has a different name in every display language).
       *[other] .
    }
finding-port-open = Port { $port } is open: the server accepted a connection on it.
finding-port-closed = Port { $port } is closed: the server is reachable but nothing listens on that port, or a firewall rejects it. Check that { $os ->
        [windows] Remote Desktop
        [linux] sshd
       *[other] the login service (sshd or Remote Desktop)
    } is running and listens on port { $port }, and that the firewall inside the server allows it.
finding-port-filtered = Port { $port } is dropped on the way: a security group, network ACL or firewall most likely discards the connection.
finding-host-unreachable = { $icmp_by ->
        [server] Port { $port } was refused by the server itself (ICMP "{ $icmp_kind ->
            [prohibited] administratively prohibited
           *[unreachable] unreachable
        }" from { $icmp_from }, the server's own address): a refusal, not silence. A firewall inside the server rejects the connection (CentOS 7's default `REJECT --reject-with icmp-host-prohibited`, for example).
        [router] Port { $port } was refused by a router on the way (ICMP "{ $icmp_kind ->
            [prohibited] administratively prohibited
           *[unreachable] unreachable
        }" from { $icmp_from }, not your server's address): a refusal, not silence. The block is on the network path, not inside the server: a network ACL or firewall of your cloud or hosting provider, or a firewall of the network you connect from.
       *[unknown] Port { $port } was refused with an ICMP "unreachable" or "administratively prohibited" answer: a refusal, not silence. It usually comes from a firewall inside the server that rejects the connection (CentOS 7's default `REJECT --reject-with icmp-host-prohibited`), since security groups drop silently; less often from a router on the way.
    }
finding-probe-inconclusive = The bot's own network could not make the attempt (for example it has no IPv6 route). This says nothing about your server; try again from another network.
finding-no-answer-at-all = Neither ping nor any port got an answer from { $ip }. The server may be stopped, the address may be wrong or no longer attached, or a firewall drops everything. Check in your cloud console that the server is running and that { $ip } is still its public address.
finding-ssh-ok = The SSH service on port { $port } answers normally and offers algorithms a current SSH client accepts. If you still cannot log in, the problem is the user name, the key or the password.
finding-ssh-kex-incomplete = The SSH service on port { $port } introduced itself but never sent a complete key-exchange offer. sshd may be overloaded or hanging, or something in between cuts the connection. Check the load and the sshd log through the VNC console.
finding-ssh-no-banner = Port { $port } accepts connections but the SSH service never introduced itself. The server may be overloaded, sshd may be hanging, or something else is listening there. Log in through the VNC console, restart it and check its log ({ $distro ->
        [debian] `sudo systemctl restart ssh`, `sudo journalctl -u ssh -n 50`
        [redhat] `sudo systemctl restart sshd`, `sudo journalctl -u sshd -n 50`
       *[other] `sudo systemctl restart ssh` and `sudo journalctl -u ssh -n 50`; the unit is `sshd` on CentOS, Rocky, RHEL
    }).
finding-ssh-closed-before-banner = The server closed the connection on port { $port } before SSH said anything. This is typical of TCP wrappers (hosts.deny), a fail2ban-style ban, or sshd failing to start the session. Check /etc/hosts.deny, ban lists (fail2ban) and the sshd log through the VNC console.
finding-ssh-server-refused = The SSH service on port { $port } turned the connection away with a message (such as "Exceeded MaxStartups"): too many unauthenticated connections at once, often from brute-force bots. Wait a minute and retry; consider raising MaxStartups or limiting who can reach port { $port }.
finding-ssh-not-ssh = Something other than SSH answers on port { $port }. Another program uses the port, or a port forward points to the wrong service. Check which program listens on port { $port } on the server.
finding-ssh-legacy-only = The SSH service on port { $port } only offers old algorithms that current OpenSSH clients refuse, so they stop with "no matching key exchange method" or "no matching host key type".
finding-rdp-ok = Remote Desktop on port { $port } answers the connection negotiation normally.
finding-rdp-nla-required = Remote Desktop on port { $port } requires Network Level Authentication (NLA). Clients without CredSSP support cannot connect, and the account must be allowed to log on remotely with a valid password before the desktop appears. Use an up-to-date Remote Desktop client.
finding-rdp-tls-only = Remote Desktop on port { $port } requires TLS and refuses classic RDP security. Current clients handle this; very old clients, or ones set to classic RDP security, will fail.
finding-rdp-classic-only = Remote Desktop on port { $port } only offers classic RDP security, without TLS or NLA. Clients that require NLA or a server certificate refuse to connect; allow TLS on the server or relax the client's security setting.
finding-rdp-legacy = Remote Desktop on port { $port } answered without any security negotiation, like a very old RDP server. Modern clients may refuse it; update the server's Remote Desktop service.
finding-rdp-no-answer = Port { $port } accepts connections but Remote Desktop never answered the negotiation. The Remote Desktop service may be hanging, or another program listens there. Log in through the VNC console and restart Remote Desktop Services inside Windows (`Restart-Service TermService -Force`).
finding-rdp-not-rdp = Something other than Remote Desktop answers on port { $port }. Another program uses the port, or the RDP port was changed in the registry and a different service took 3389. Check which program listens on port { $port }.

## Target refusals

refusal-unspecified = { $ip } is not a real host address (it means "any address"), so there is nothing to check. Send the public IP address of your server.
refusal-loopback = { $ip } is a loopback address: it always points at the machine that uses it, here the bot itself. Send the public IP address of your server.
refusal-private = { $ip } is a private network address, only reachable inside its own network, so the bot cannot test it from the internet. Send the server's public IP address (or Elastic/floating IP).
refusal-cgnat = { $ip } is a carrier-grade NAT address used inside provider networks, not reachable from the internet. Send the server's public IP address.
refusal-link-local = { $ip } is a link-local address that only exists on one network segment. Send the server's public IP address.
refusal-metadata = { $ip } is a cloud metadata service address. The bot never probes it. Send the server's public IP address.
refusal-multicast = { $ip } is a multicast address, not a single server. Send the server's public IP address.
refusal-broadcast = { $ip } is the broadcast address, not a single server. Send the server's public IP address.
refusal-documentation = { $ip } is reserved for documentation and examples; no real server uses it. Send the server's actual public IP address.
refusal-reserved = { $ip } is in a reserved or special-purpose range, not a public server address. Send the server's public IP address.
refusal-benchmarking = { $ip } is reserved for network benchmarking, not a public server address. Send the server's public IP address.
refusal-nat64 = { $ip } is a NAT64 address that maps to IPv4 inside a provider's network. Send the server's IPv4 or native IPv6 public address instead.
refusal-6to4 = { $ip } is a 6to4 transition address. Send the server's IPv4 or native IPv6 public address instead.
refusal-teredo = { $ip } is a Teredo tunnel address. Send the server's IPv4 or native IPv6 public address instead.
refusal-unique-local = { $ip } is an IPv6 unique local (private) address, not reachable from the internet. Send the server's public IP address.
refusal-own-address = { $ip } is one of the bot's own addresses. Send the public IP address of your server.
