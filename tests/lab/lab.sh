#!/usr/bin/env bash
# vm-doctor network lab: fake "cloud VMs" in network namespaces.
#
#   lab.sh check               exit 0 when the lab can be built here, else print why
#   lab.sh up   <prefix>       build the lab; prints "<host> <ip>" lines (also in $RUN/hosts)
#   lab.sh down <prefix>       stop everything the lab started (by PID) and remove it; idempotent
#   lab.sh loss <prefix> <pct> drop <pct>% of packets both ways on every host (0: none);
#                              tc netem where the kernel has it, else nftables
#                              "numgen random"; prints which ("netem" or "nft")
#
# <prefix>: 1-9 characters [a-z0-9], unique per run (it names the namespaces and
# veths). Every host gets a veth pair to the root namespace in its own /30 of
# 203.0.113.0/24 (TEST-NET-3): root side .4i+1, host side .4i+2. No traffic ever
# leaves this machine. State (pid files, keys, configs, logs) lives in
# ${VMD_LAB_DIR:-/tmp/vmd-lab}/<prefix>.
#
# Needs root and: iproute2 (ip, ss), nftables, openssh-server (sshd, ssh-keygen),
# xrdp, openssl (only if /etc/xrdp/cert.pem is missing), python3, util-linux (setsid).
set -u

LAB_DIR=${VMD_LAB_DIR:-/tmp/vmd-lab}

# name:index — the index picks the /30; keep in sync with bot/probe/tests/lab.rs.
# Indices 17 and 18 are the router pair (behind_router).
HOSTS="ssh-ok:1 ssh-legacy:2 rdp-nego:3 rdp-tls:4 rdp-classic:5 fw-drop:6 fw-reset:7
fw-prohibit:8 icmp-drop:9 drop-all:10 not-ssh:11 not-rdp:12 silent:13 maxstartups:14
mixed:15 syn-lossy:16"

die() { echo "lab.sh: $*" >&2; exit 1; }

python_bin() {
    if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi
}

check() {
    [ "$(id -u)" = 0 ] || { echo "not root"; return 1; }
    for tool in ip ss nft setsid /usr/sbin/sshd ssh-keygen /usr/sbin/xrdp; do
        command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool"; return 1; }
    done
    [ -n "$(python_bin)" ] || { echo "missing python3"; return 1; }
    if [ ! -r /etc/xrdp/cert.pem ] && ! command -v openssl >/dev/null 2>&1; then
        echo "missing /etc/xrdp/cert.pem and openssl"; return 1
    fi
    local probe="vmdchk$$"
    ip netns add "$probe" 2>/dev/null || { echo "ip netns add failed"; return 1; }
    ip netns del "$probe" 2>/dev/null
    return 0
}

ip_of() { echo "203.0.113.$(( 4 * $1 + 2 ))"; }
root_ip_of() { echo "203.0.113.$(( 4 * $1 + 1 ))"; }

# start <ns> <name> <cmd...>: run in the namespace, in its own session, pid recorded.
start() {
    local ns=$1 name=$2; shift 2
    ip netns exec "$ns" setsid "$@" >"$RUN/$name.log" 2>&1 </dev/null &
    echo $! >"$RUN/$name.pid"
}

# wait_port <ns> <port>: until something listens (5 s at most).
wait_port() {
    local ns=$1 port=$2 i
    for i in $(seq 1 50); do
        if ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q .; then return 0; fi
        sleep 0.1
    done
    echo "lab.sh: nothing listens on $port in $ns" >&2
    return 1
}

write_fake() {
    cat >"$RUN/fake.py" <<'EOF'
import socket, sys, threading, time
mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, port))
srv.listen(64)
def handle(c):
    try:
        c.settimeout(30)
        if mode == "maxstartups":
            c.sendall(b"Exceeded MaxStartups\r\n")
        elif mode == "http":
            c.recv(1024)
            c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        elif mode == "garbage":
            c.recv(1024)
            c.sendall(b"\x16\x03\x01\x00\x02\x02\x28hello, this is not RDP\n")
        elif mode == "silent":
            time.sleep(30)
    except OSError:
        pass
    finally:
        c.close()
while True:
    conn, _ = srv.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
EOF
}

xrdp_ini() { # <file> <ip> <security_layer>
    cat >"$1" <<EOF
[Globals]
ini_version=1
fork=true
port=tcp://$2:3389
use_vsock=false
tcp_nodelay=true
security_layer=$3
crypt_level=high
certificate=$CERT
key_file=$KEY
ssl_protocols=TLSv1.2, TLSv1.3
[Logging]
LogFile=$RUN/xrdp-$3.log
LogLevel=INFO
EnableSyslog=false
[Xorg]
name=Xorg
lib=libxup.so
username=ask
EOF
}

nft_rules() { # <ns> <rules inside the input chain...>
    local ns=$1; shift
    {
        echo "table inet vmdlab {"
        echo "  chain input {"
        echo "    type filter hook input priority 0; policy accept;"
        local r
        for r in "$@"; do echo "    $r"; done
        echo "  }"
        echo "}"
    } >"$RUN/$ns.nft"
    ip netns exec "$ns" nft -f "$RUN/$ns.nft" || die "nft failed in $ns"
}

sshd_cmd() { # <ip> <extra -o ...>
    local ip=$1; shift
    echo /usr/sbin/sshd -D -e -f /dev/null -o ListenAddress="$ip" -o PidFile=none \
        -o UsePAM=no -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no \
        -o MaxStartups=100 "$@"
}

up() {
    local prefix=$1
    RUN="$LAB_DIR/$prefix"
    if [ -e "$RUN" ]; then down "$prefix" >/dev/null 2>&1; fi
    mkdir -p "$RUN" /run/sshd || die "cannot create $RUN"
    chmod 0755 /run/sshd
    echo "$prefix" >"$RUN/prefix"
    write_fake
    ssh-keygen -q -t ed25519 -N '' -f "$RUN/hk_ed25519" || die "ssh-keygen failed"
    ssh-keygen -q -t rsa -b 2048 -N '' -f "$RUN/hk_rsa" || die "ssh-keygen failed"
    if [ -r /etc/xrdp/cert.pem ] && [ -r /etc/xrdp/key.pem ]; then
        CERT=/etc/xrdp/cert.pem KEY=/etc/xrdp/key.pem
    else
        CERT="$RUN/cert.pem" KEY="$RUN/key.pem"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$KEY" -out "$CERT" -days 2 \
            -subj /CN=vmd-lab >/dev/null 2>&1 || die "openssl failed"
    fi
    local py; py=$(python_bin)
    : >"$RUN/hosts"
    local entry name idx ns veth ip
    for entry in $HOSTS; do
        name=${entry%%:*}; idx=${entry##*:}
        ns="$prefix-$name"; veth="${prefix}v$idx"; ip=$(ip_of "$idx")
        ip netns add "$ns" || die "ip netns add $ns failed"
        echo "$ns" >>"$RUN/namespaces"
        ip link add "$veth" type veth peer name eth0 netns "$ns" || die "veth $veth failed"
        echo "$veth" >>"$RUN/veths"
        ip addr add "$(root_ip_of "$idx")/30" dev "$veth"
        ip link set "$veth" up
        ip -n "$ns" link set lo up
        ip -n "$ns" addr add "$ip/30" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" route add default via "$(root_ip_of "$idx")"
        local ssh_ok; ssh_ok=$(sshd_cmd "$ip" -h "$RUN/hk_ed25519")
        case $name in
            ssh-ok|fw-drop|fw-reset|fw-prohibit|icmp-drop|drop-all|mixed|syn-lossy)
                # shellcheck disable=SC2086
                start "$ns" "$name-sshd" $ssh_ok
                wait_port "$ns" 22 || die "sshd did not start in $ns"
                ;;
            ssh-legacy)
                # shellcheck disable=SC2046
                start "$ns" "$name-sshd" $(sshd_cmd "$ip" -h "$RUN/hk_rsa" \
                    -o KexAlgorithms=diffie-hellman-group14-sha1 -o HostKeyAlgorithms=ssh-rsa)
                wait_port "$ns" 22 || die "legacy sshd did not start in $ns"
                ;;
            rdp-nego|rdp-tls|rdp-classic)
                local layer=negotiate
                [ "$name" = rdp-tls ] && layer=tls
                [ "$name" = rdp-classic ] && layer=rdp
                xrdp_ini "$RUN/$name.ini" "$ip" "$layer"
                # A private /run/xrdp per instance: xrdp refuses to start next to another pid file.
                start "$ns" "$name-xrdp" unshare -m sh -c \
                    "mount -t tmpfs tmpfs /run/xrdp 2>/dev/null || mount -t tmpfs tmpfs /var/run/xrdp; exec /usr/sbin/xrdp --nodaemon -c '$RUN/$name.ini'"
                wait_port "$ns" 3389 || die "xrdp did not start in $ns"
                ;;
            not-ssh)
                start "$ns" "$name-fake" "$py" "$RUN/fake.py" http "$ip" 22
                wait_port "$ns" 22 || die "fake did not start"
                ;;
            not-rdp)
                start "$ns" "$name-fake" "$py" "$RUN/fake.py" garbage "$ip" 3389
                wait_port "$ns" 3389 || die "fake did not start"
                ;;
            silent)
                start "$ns" "$name-fake22" "$py" "$RUN/fake.py" silent "$ip" 22
                start "$ns" "$name-fake3389" "$py" "$RUN/fake.py" silent "$ip" 3389
                wait_port "$ns" 22 && wait_port "$ns" 3389 || die "fake did not start"
                ;;
            maxstartups)
                start "$ns" "$name-fake" "$py" "$RUN/fake.py" maxstartups "$ip" 22
                wait_port "$ns" 22 || die "fake did not start"
                ;;
        esac
        case $name in
            fw-drop) nft_rules "$ns" "tcp dport { 22, 3389 } drop" ;;
            fw-reset) nft_rules "$ns" "tcp dport { 22, 3389 } reject with tcp reset" ;;
            fw-prohibit) nft_rules "$ns" "tcp dport { 22, 3389 } reject with icmpx type admin-prohibited" ;;
            icmp-drop) nft_rules "$ns" "icmp type echo-request drop" "icmpv6 type echo-request drop" ;;
            drop-all) nft_rules "$ns" "ct state established,related accept" "drop" ;;
            # A live host whose login port is filtered and the other closed.
            mixed) nft_rules "$ns" "tcp dport 22 drop" ;;
            # Every other SYN to 22 is lost (the first of each pair).
            syn-lossy) nft_rules "$ns" "tcp dport 22 tcp flags & (syn | ack) == syn numgen inc mod 2 == 0 drop" ;;
        esac
        echo "$name $ip" >>"$RUN/hosts"
    done
    behind_router "$prefix"
    cat "$RUN/hosts"
}

# behind_router <prefix>: host "fw-router" (203.0.113.74, with sshd) sits behind
# host "router" (203.0.113.70, index 17; its second link is the /30 of index 18),
# which refuses forwarded SSH/RDP with ICMP admin-prohibited: the refusal comes
# from a router on the way, not from the server.
behind_router() {
    local prefix=$1 r="$1-router" b="$1-fw-router" veth="${1}v17"
    local rip; rip=$(ip_of 17)
    local bip; bip=$(ip_of 18)
    ip netns add "$r" || die "ip netns add $r failed"
    echo "$r" >>"$RUN/namespaces"
    ip netns add "$b" || die "ip netns add $b failed"
    echo "$b" >>"$RUN/namespaces"
    ip link add "$veth" type veth peer name eth0 netns "$r" || die "veth $veth failed"
    echo "$veth" >>"$RUN/veths"
    ip addr add "$(root_ip_of 17)/30" dev "$veth"
    ip link set "$veth" up
    ip -n "$r" link add eth1 type veth peer name eth0 netns "$b" || die "veth in $r failed"
    ip -n "$r" link set lo up
    ip -n "$r" addr add "$rip/30" dev eth0
    ip -n "$r" link set eth0 up
    ip -n "$r" addr add "$(root_ip_of 18)/30" dev eth1
    ip -n "$r" link set eth1 up
    ip -n "$r" route add default via "$(root_ip_of 17)"
    ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 || die "no forwarding in $r"
    ip -n "$b" link set lo up
    ip -n "$b" addr add "$bip/30" dev eth0
    ip -n "$b" link set eth0 up
    ip -n "$b" route add default via "$(root_ip_of 18)"
    # The root namespace reaches the server through the router; the route goes with the veth.
    ip route add "$bip/32" via "$rip" dev "$veth" || die "route to $bip failed"
    # shellcheck disable=SC2046
    start "$b" fw-router-sshd $(sshd_cmd "$bip" -h "$RUN/hk_ed25519")
    wait_port "$b" 22 || die "sshd did not start in $b"
    {
        echo "table inet vmdlab {"
        echo "  chain forward {"
        echo "    type filter hook forward priority 0; policy accept;"
        echo "    tcp dport { 22, 3389 } reject with icmpx type admin-prohibited"
        echo "  }"
        echo "}"
    } >"$RUN/$r.nft"
    ip netns exec "$r" nft -f "$RUN/$r.nft" || die "nft failed in $r"
    echo "router $rip" >>"$RUN/hosts"
    echo "fw-router $bip" >>"$RUN/hosts"
}

# loss <prefix> <pct>: random loss both ways on every host of a running lab.
loss() {
    local prefix=$1 pct=$2
    RUN="$LAB_DIR/$prefix"
    [ -f "$RUN/namespaces" ] || die "no lab $prefix"
    local ns veth how=nft
    # netem on both ends of every veth, if this kernel has it.
    if ip netns exec "$(head -n1 "$RUN/namespaces")" tc qdisc replace dev eth0 root netem loss 0% 2>/dev/null; then
        how=netem
    fi
    while read -r ns; do
        if [ "$how" = netem ]; then
            if [ "$pct" = 0 ]; then
                ip netns exec "$ns" tc qdisc del dev eth0 root 2>/dev/null
            else
                ip netns exec "$ns" tc qdisc replace dev eth0 root netem loss "$pct%" || die "netem in $ns"
            fi
        else
            ip netns exec "$ns" nft delete table inet vmdloss 2>/dev/null
            if [ "$pct" != 0 ]; then
                printf '%s\n' "table inet vmdloss {" \
                    "  chain input { type filter hook input priority -10; policy accept; numgen random mod 100 < $pct drop; }" \
                    "  chain output { type filter hook output priority -10; policy accept; numgen random mod 100 < $pct drop; }" \
                    "}" >"$RUN/loss.nft"
                ip netns exec "$ns" nft -f "$RUN/loss.nft" || die "nft loss in $ns"
            fi
        fi
    done <"$RUN/namespaces"
    if [ "$how" = netem ]; then
        while read -r veth; do
            if [ "$pct" = 0 ]; then
                tc qdisc del dev "$veth" root 2>/dev/null
            else
                tc qdisc replace dev "$veth" root netem loss "$pct%" || die "netem on $veth"
            fi
        done <"$RUN/veths"
    fi
    echo "$how"
}

down() {
    local prefix=$1
    RUN="$LAB_DIR/$prefix"
    [ -d "$RUN" ] || return 0
    local f pid
    for f in "$RUN"/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        # Each daemon runs in its own session (setsid): its pid is the group id.
        [ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
    done
    sleep 0.3
    for f in "$RUN"/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        [ -n "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
        rm -f "$f"
    done
    local x
    if [ -f "$RUN/veths" ]; then
        while read -r x; do ip link del "$x" 2>/dev/null; done <"$RUN/veths"
    fi
    if [ -f "$RUN/namespaces" ]; then
        while read -r x; do ip netns del "$x" 2>/dev/null; done <"$RUN/namespaces"
    fi
    rm -rf "$RUN"
    return 0
}

cmd=${1:-}
prefix=${2:-}
case $cmd in
    check) check ;;
    up|down)
        [[ $prefix =~ ^[a-z0-9]{1,9}$ ]] || die "prefix must be 1-9 characters [a-z0-9]"
        if [ "$cmd" = up ]; then
            why=$(check) || die "lab cannot be built here: $why"
            # A failed "up" leaves nothing behind.
            trap 'down "$prefix" >/dev/null 2>&1' EXIT
            up "$prefix" || exit 1
            trap - EXIT
        else
            down "$prefix"
        fi
        ;;
    loss)
        [[ $prefix =~ ^[a-z0-9]{1,9}$ ]] || die "prefix must be 1-9 characters [a-z0-9]"
        [[ ${3:-} =~ ^[0-9]{1,2}$ ]] || die "loss percentage must be 0-99"
        loss "$prefix" "$3"
        ;;
    *) die "usage: lab.sh check | up <prefix> | down <prefix> | loss <prefix> <pct>" ;;
esac
