# Limits: probe budgets, the port policy, the target policy at every probe,
# and stored conversations this build can't continue (limit-*).

limit-rate-user = You've started a lot of checks in a short time. You can check again in { $seconds ->
        [one] 1 second
       *[other] { $seconds } seconds
    }.
limit-rate-space = Many checks have been started here recently, so I'm pausing new ones for a moment. You can check again in { $seconds ->
        [one] 1 second
       *[other] { $seconds } seconds
    }.
limit-rate-target = This address has been checked many times recently, so I'm giving it a rest. You can check it again in { $seconds ->
        [one] 1 second
       *[other] { $seconds } seconds
    }.
limit-busy = You already have { $max ->
        [one] a check
       *[other] { $max } checks
    } running. Please wait until { $max ->
        [one] it finishes
       *[other] one of them finishes
    }, then try again.
limit-port-not-allowed = I can't check port { $port }: I only check these ports: { $allowed }.
limit-too-many-ports = I can't check port { $port } as well: one conversation can check at most { $max } different ports. Use /restart to start a new diagnosis.
limit-target-refused = I can't check { $ip } under the rules this bot follows now.
limit-record-too-new = This conversation was saved by a newer version of vm-doctor, so this version can't continue it and leaves it as it is. Please try again once the newer version is back, or ask support.
limit-report-earlier = Earlier checks (summarised)
limit-report-forgotten = { $count ->
        [one] One check older than these is no longer kept.
       *[other] { $count } checks older than these are no longer kept.
    }
limit-rate-starts = You've started several diagnoses in a short time. You can start another in { $seconds ->
        [one] 1 second
       *[other] { $seconds } seconds
    }.
limit-place-not-allowed = Diagnoses can't be started from here. Please ask in one of the support channels.
limit-role-required = Checking servers here needs a role you don't have yet. Please ask an administrator.
limit-commands = You've sent a lot of commands in a short time. Please wait { $seconds ->
        [one] 1 second
       *[other] { $seconds } seconds
    } and try again.
limit-report-again = The diagnosis report was attached a moment ago, above in this conversation; here is the link again.
