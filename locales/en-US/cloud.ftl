## The provider's API (Tencent Cloud lookups, with read-only credentials).
## Arguments from the API: $cloud_instance, $cloud_region, $cloud_state
## (InstanceState), $cloud_restrict (RestrictState), $cloud_bw_state
## (zero|none|set), $cloud_bandwidth (Mbps), $cloud_os, $cloud_verdict
## (accept|drop|no-match|unknown|none), $cloud_from / $cloud_from_role
## (bot|user), $cloud_details (yes: the chat may name the rule), $cloud_rule
## (yes when a rule decided), $cloud_group, $cloud_index, $cloud_action,
## $cloud_source, $cloud_rule_port, $cloud_other_* (an ACCEPT rule for another
## source), $cloud_load (ok|cpu|bandwidth|both|unknown), $cloud_cpu,
## $cloud_bw_used, $cloud_ddos (blocked|attacked|not-blocked|not-checked),
## $cloud_ddos_unblock (when the block lifts, China Standard Time, or "none"),
## $cloud_bw_source (instance|eip|package), $cloud_eip, $cloud_package.

cloud-found = **What the cloud API says:** instance `{ $cloud_instance }` ({ $cloud_region }) is { $cloud_state ->
        [RUNNING] running
        [STOPPED] **stopped**
        [STOPPING] **stopping**
        [STARTING] starting
        [REBOOTING] restarting
        [SHUTDOWN] **shut down**
       *[other] in state { $cloud_state }
    }{ $cloud_restrict ->
        [EXPIRED] {" "}and **expired** (not renewed)
        [PROTECTIVELY_ISOLATED] {" "}and **isolated** because the account is in arrears
       *[other] {""}
    }. Public outbound bandwidth: { $cloud_bw_state ->
        [zero] **0 Mbps, so no traffic from the internet reaches it**
        [none] not given
       *[set] { $cloud_bandwidth } Mbps
    }{ $cloud_bw_source ->
        [eip] {" "}(the elastic IP's own limit)
        [package] {" "}(the elastic IP draws on bandwidth package `{ $cloud_package }`)
       *[other] {""}
    }. Image: { $cloud_os }.
cloud-sg = Security groups, TCP { $port } from { $cloud_from_role ->
        [user] your address
       *[bot] my address
    }: { $cloud_verdict ->
        [accept] allowed
        [drop] **dropped by a rule**
        [no-match] **not allowed** (no rule admits it, so it is dropped)
        [unknown] not decided here (a rule uses an address or port template)
       *[other] not evaluated
    }{ $cloud_details ->
        [yes] { $cloud_rule ->
            [yes] {" "}by rule #{ $cloud_index } of `{ $cloud_group }` ({ $cloud_action } { $cloud_rule_port } from `{ $cloud_source }`)
           *[no] {""}
        }
       *[no] {""}
    }.
cloud-load = Last 30 minutes: { $cloud_load ->
        [cpu] **the CPU is saturated** (recently { $cloud_cpu }%)
        [bandwidth] **outbound traffic is at the bandwidth cap** (recently { $cloud_bw_used } Mbps)
        [both] **the CPU is saturated** ({ $cloud_cpu }%) **and outbound traffic is at the bandwidth cap** ({ $cloud_bw_used } Mbps)
        [unknown] no monitoring data
       *[ok] CPU and outbound traffic are normal
    }.
cloud-ddos = { $cloud_ddos ->
        [blocked] **The address is blocked by DDoS protection**{ $cloud_ddos_unblock ->
            [none] .
           *[other] {" "}until { $cloud_ddos_unblock } (China Standard Time, UTC+8).
        }
        [attacked] The address is under a DDoS attack right now, but not blocked.
        [not-blocked] The address is not blocked by DDoS protection.
       *[other] DDoS blocking: not checked (this API key may not read it).
    }
cloud-not-ours = The cloud API doesn't know { $ip } in this account, so I'll go on with what I measured.
cloud-failed = I couldn't ask the cloud API ({ $code ->
        [auth] the API key was refused
        [throttled] it is busy right now
        [timeout] it didn't answer in time
        [budget] the lookup budget is used up for now
       *[other] it returned an error
    }), so I'll go on with what I measured.

route-cloud-arrears = The cloud API says the instance is { $cloud_restrict ->
        [EXPIRED] **expired**: it was not renewed
       *[other] **isolated** because the account is in arrears
    }. That is why it can't be reached, and nothing inside the server matters until it is settled: top up or renew in the billing centre, then start the instance.
route-cloud-stopped = The cloud API says instance `{ $cloud_instance }` is **stopped**, so nothing can answer on { $ip }. Start it in the console (Instances, select it, **Start**), give it a minute to boot, and I'll check again.
route-cloud-no-bandwidth = { $cloud_bw_source ->
        [eip] The cloud API says the elastic IP `{ $cloud_eip }` in front of the instance has **0 Mbps** of bandwidth: no traffic from the internet reaches it, whatever the rules say. In the console's **Elastic IP** list, choose **More > Adjust Bandwidth** for it and set at least 1 Mbps; then I'll check again.
        [package] The cloud API says the elastic IP `{ $cloud_eip }` has **0 Mbps** of bandwidth in bandwidth package `{ $cloud_package }`: no traffic from the internet reaches it, whatever the rules say. Raise its bandwidth (or the package's) in the console; then I'll check again.
       *[other] The cloud API says the instance's public bandwidth is **0 Mbps**: no traffic from the internet reaches it, whatever the rules say. In the console, choose the instance's **More > Resource Adjustment > Adjust Network** and set the public bandwidth to at least 1 Mbps; then I'll check again.
    }
route-cloud-admits-other = The cloud API shows the security group lets TCP { $port } in { $cloud_details ->
        [yes] only from `{ $cloud_other_source }` (rule #{ $cloud_other_index } of `{ $cloud_other_group }`)
       *[no] only from another address
    }, not from mine ({ $cloud_from }){ $cloud_details ->
        [yes] { $cloud_rule ->
            [yes] : rule #{ $cloud_index } of `{ $cloud_group }` ({ $cloud_action } { $cloud_rule_port } from `{ $cloud_source }`) decides first
           *[no] : no rule admits my address, so it is dropped
        }
       *[no] {""}
    }. That is why my check fails.
route-cloud-sg-blocked = The cloud API shows the security group drops TCP { $port } from my address ({ $cloud_from }){ $cloud_details ->
        [yes] { $cloud_rule ->
            [yes] : rule #{ $cloud_index } of `{ $cloud_group }` ({ $cloud_action } { $cloud_rule_port } from `{ $cloud_source }`) matches first. Change that rule to ACCEPT, or add an ACCEPT rule for TCP { $port } from your address and mine ({ $egress }) above it (a lower number)
           *[no] : no rule admits it. Add an ACCEPT rule for TCP { $port } from your address and mine ({ $egress }) to `{ $cloud_group }`
        }
       *[no] : a rule in the instance's security groups decides this (support sees which one in the report). Allow TCP { $port } from your address and mine ({ $egress }) above any DROP rule
    }.
route-cloud-load = The cloud API shows { $cloud_load ->
        [both] the CPU saturated ({ $cloud_cpu }%) and outbound traffic at the bandwidth cap
       *[other] the CPU saturated over the last 30 minutes (recently { $cloud_cpu }%)
    }. A server this busy accepts a connection and then never finishes the login.
route-cloud-bandwidth-full = The cloud API shows outbound traffic at the bandwidth cap ({ $cloud_bw_used } of { $cloud_bandwidth } Mbps recently): new connections time out while it stays there.

skip-cloud-running = Skipping the instance check: the cloud API says it's running and the account isn't restricted.
skip-cloud-bandwidth = Skipping bandwidth: the cloud API shows { $cloud_bandwidth } Mbps and traffic below the cap.
skip-cloud-load = Skipping server load: the cloud API shows normal CPU and traffic over the last 30 minutes.
skip-cloud-not-restricted = Skipping the account check: the cloud API says the instance is neither isolated nor expired.
skip-cloud-sg-allows = Skipping the security group: the cloud API shows its rules let TCP { $port } in.

route-cloud-ddos-blocked = The cloud API says { $ip } is **blocked by DDoS protection** (a "black hole" after an attack), so nothing from the internet reaches the server, whatever the rules say, and nothing on the server lifts it. { $cloud_ddos_unblock ->
        [none] The block lifts on its own after the time shown in the Anti-DDoS console.
       *[other] It lifts on its own at { $cloud_ddos_unblock } (China Standard Time, UTC+8).
    } If you can't wait that long, request unblocking in the Anti-DDoS console (**Blocking list**, then **Unblock**); an account can unblock only a few times a day, and the address may be blocked again if the attack goes on. Once it's lifted, tell me and I'll check again.

report-cloud = What the cloud API said
report-cloud-not-ours = The address does not belong to an instance of the configured account.
report-cloud-failed = The cloud API could not be asked (`{ $code }`).
report-cloud-instance = Instance { $instance } in { $region }: state { $state }, restriction { $restrict }, public bandwidth { $bw_state ->
        [none] not given
       *[set] { $bandwidth } Mbps
    }, image { $os }, security groups in binding order: { $groups }
report-cloud-verdict = TCP { $port } from { $from } ({ $role ->
        [user] the user
       *[bot] the bot
    }): { $verdict } { $rule ->
        [yes] by rule #{ $index } of { $group } ({ $action } { $rule_port } from { $source })
       *[no] (no rule matched: dropped by default)
    }
report-cloud-other = An ACCEPT rule admits another source: rule #{ $index } of { $group } ({ $rule_port } from { $source })
report-cloud-load = Last 30 minutes: CPU recently { $cpu }% (peak { $cpu_peak }%), saturated: { $cpu_saturated }; outbound { $bw_used } Mbps, at the cap: { $bw_saturated }; DDoS blocking: { $ddos }
cloud-user-source = For your address ({ $user_ip }), TCP { $port }: { $decision ->
        [accept] **allowed**
        [drop] **dropped by a rule**
        [no-match] **not allowed** (no rule admits it, so it is dropped)
       *[unknown] not decided here (a rule uses an address or port template, or there are more rules than I keep)
    }{ $cloud_details ->
        [yes] { $rule ->
            [yes] {" "}by rule #{ $index } of `{ $group }` ({ $action } { $rule_port } from `{ $source }`)
           *[no] {""}
        }
       *[no] {""}
    }.
report-cloud-eip = Elastic IP { $eip }: bandwidth { $bandwidth }, billing { $charge }, bandwidth package { $package }, blocked: { $blocked }
report-cloud-ddos = DDoS protection: { $ddos }, unblocks at { $until } (China Standard Time)
