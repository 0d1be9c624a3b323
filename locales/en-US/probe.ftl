# `vm-doctor probe` with several targets (fleet check) and host names.
# Arguments: $state (reply, no_reply, unavailable / open, closed, filtered,
# inconclusive), $code (a stable reason code), $name (a host name), $ip.

probe-name-address = { $name } → { $ip }

fleet-col-host = HOST
fleet-col-icmp = PING
fleet-col-handshake = HANDSHAKE
fleet-col-finding = TOP FINDING

fleet-icmp = { $state ->
    [reply] replies
    [no_reply] no reply
   *[unavailable] not tried
}
fleet-port = { $state ->
    [open] open
    [closed] closed
    [filtered] filtered
   *[inconclusive] inconclusive
}
fleet-refused = refused: { $code }

fleet-summary = { $targets ->
    [one] 1 target
   *[other] { $targets } targets
}: { $probed } probed, { $refused } refused, { $open } with a login port open, in { $seconds } s.
