## Corrections: a new server address, operating system or login port named
## in a sentence at any step. Nothing changes until the user confirms.

correct-ask = { $what ->
        [ip] You gave me { $old_ip } before, and now { $ip }. Should I switch to { $ip } and check it from the start? What you've told me about your side stays as it is.
        [os] { $old_os ->
            [windows] So far I've checked this as a Windows server
            [linux] So far I've checked this as a Linux server
           *[other] So far I didn't know the operating system
        }, and you say it runs { $os ->
            [windows] Windows
           *[linux] Linux
        }. Should I switch, check login port { $port } again and pick the checks that fit?
       *[port] So far I've checked login port { $old_port }, and you say it's { $port }. Should I check port { $port } now and use it as the login port from here on?
    }
correct-switch = { $what ->
        [ip] Switch to { $ip } and check it
        [os] Switch to { $os ->
            [windows] Windows
           *[linux] Linux
        } and check port { $port }
       *[port] Switch to port { $port } and check it
    }
correct-keep = { $what ->
        [ip] Keep { $old_ip }
        [os] { $old_os ->
            [windows] Keep Windows
            [linux] Keep Linux
           *[other] Keep things as they are
        }
       *[port] Keep port { $old_port }
    }
correct-kept = OK, staying with { $what ->
        [ip] { $old_ip }
        [os] { $old_os ->
            [windows] Windows
            [linux] Linux
           *[other] what we have
        }
       *[port] port { $old_port }
    }. Back to where we were.
correct-os-done = Switching to { $os ->
        [windows] Windows
       *[linux] Linux
    }: checking login port { $port } again, then I'll pick the checks that fit.
correct-port-done = From now on the login port is { $port }. Checking it now.
correct-distro-done = Got it, { $distro ->
        [debian] Ubuntu or Debian
       *[redhat] CentOS, Rocky or RHEL
    } then. Here is the same step with the commands for it:
corrected-in-force = Now in force: { $ip } ({ $os ->
        [windows] Windows
        [linux] Linux
       *[other] OS not determined yet
    }), login port { $port }, as you corrected it.
status-corrected = Corrected: { $what ->
        [ip] server address
        [os] operating system
        [distro] Linux distribution
       *[port] login port
    } { $from ->
        [windows] Windows
        [linux] Linux
        [auto] (not determined)
        [debian] Ubuntu/Debian
        [redhat] CentOS/Rocky/RHEL
        [unknown] (not named)
       *[other] { $from }
    } → { $to ->
        [windows] Windows
        [linux] Linux
        [debian] Ubuntu/Debian
        [redhat] CentOS/Rocky/RHEL
       *[other] { $to }
    }
report-corrected = { $at }: the user corrected the { $what ->
        [ip] server address
        [os] operating system
        [distro] Linux distribution
       *[port] login port
    } from { $from ->
        [windows] Windows
        [linux] Linux
        [auto] (not determined)
        [debian] Ubuntu/Debian
        [redhat] CentOS/Rocky/RHEL
        [unknown] (not named)
       *[other] { $from }
    } to { $to ->
        [windows] Windows
        [linux] Linux
        [debian] Ubuntu/Debian
        [redhat] CentOS/Rocky/RHEL
       *[other] { $to }
    }
