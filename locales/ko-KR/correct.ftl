## 정정: 대화 중 어느 단계에서든 문장으로 알려 주신 새 서버 주소, 운영 체제, 로그인 포트.
## 고객님이 확인해 주시기 전에는 아무것도 바꾸지 않아요.

correct-ask = { $what ->
        [ip] 앞에서는 { $old_ip } 주소를 알려 주셨는데, 지금은 { $ip } 주소라고 하셨어요. { $ip } 서버로 바꿔서 처음부터 다시 점검할까요? 지금까지 알려 주신 고객님 쪽 확인 내용은 그대로 둘게요.
        [os] 지금까지는 { $old_os ->
            [windows] Windows 서버로 보고
            [linux] Linux 서버로 보고
           *[other] 운영 체제를 모르는 상태로
        } 점검했는데, { $os ->
            [windows] Windows
           *[linux] Linux
        } 서버라고 하셨어요. 바꿔서 로그인 포트 { $port }번을 다시 확인하고, 그에 맞는 점검으로 넘어갈까요?
       *[port] 지금까지는 로그인 포트 { $old_port }번을 점검했는데, { $port }번이라고 하셨어요. 지금 { $port }번 포트를 확인하고, 앞으로 이 포트를 로그인 포트로 볼까요?
    }
correct-switch = { $what ->
        [ip] { $ip } 서버로 바꿔서 점검하기
        [os] { $os ->
            [windows] Windows로
           *[linux] Linux로
        } 바꾸고 { $port }번 포트 확인하기
       *[port] { $port }번 포트로 바꿔서 확인하기
    }
correct-keep = { $what ->
        [ip] { $old_ip } 그대로 두기
        [os] { $old_os ->
            [windows] Windows 그대로 두기
            [linux] Linux 그대로 두기
           *[other] 지금 그대로 두기
        }
       *[port] { $old_port }번 포트 그대로 두기
    }
correct-kept = 네, { $what ->
        [ip] { $old_ip } 서버
        [os] { $old_os ->
            [windows] Windows
            [linux] Linux
           *[other] 지금 설정
        }
       *[port] { $old_port }번 포트
    } 그대로 진행할게요. 하던 단계로 돌아갈게요.
correct-os-done = { $os ->
        [windows] Windows로
       *[linux] Linux로
    } 바꿀게요. 로그인 포트 { $port }번을 다시 확인한 뒤 그에 맞는 점검으로 넘어갈게요.
correct-port-done = 알겠어요. 이제부터 로그인 포트는 { $port }번이에요. 지금 바로 확인해 볼게요.
correct-distro-done = 알겠어요, { $distro ->
        [debian] Ubuntu/Debian
       *[redhat] CentOS/Rocky/RHEL
    } 계열이군요. 같은 단계를 그에 맞는 명령으로 다시 안내해 드릴게요.
corrected-in-force = 현재 기준: { $ip } ({ $os ->
        [windows] Windows
        [linux] Linux
       *[other] 운영 체제 확인 전
    }), 로그인 포트 { $port }번 (대화 중에 정정해 주신 내용이에요)
status-corrected = 정정한 내용: { $what ->
        [ip] 서버 주소
        [os] 운영 체제
        [distro] Linux 배포판
       *[port] 로그인 포트
    } { $from ->
        [windows] Windows
        [linux] Linux
        [auto] (확인 전)
        [debian] Ubuntu/Debian
        [redhat] CentOS/Rocky/RHEL
        [unknown] (말씀 전)
       *[other] { $from }
    } → { $to ->
        [windows] Windows
        [linux] Linux
        [debian] Ubuntu/Debian
        [redhat] CentOS/Rocky/RHEL
       *[other] { $to }
    }
report-corrected = { $at }: 사용자가 대화 중에 { $what ->
        [ip] 서버 주소를
        [os] 운영 체제를
        [distro] Linux 배포판을
       *[port] 로그인 포트를
    } 정정했어요({ $from ->
        [windows] Windows
        [linux] Linux
        [auto] 확인 전
        [debian] Ubuntu/Debian
        [redhat] CentOS/Rocky/RHEL
        [unknown] 말씀 전
       *[other] { $from }
    } → { $to ->
        [windows] Windows
        [linux] Linux
        [debian] Ubuntu/Debian
        [redhat] CentOS/Rocky/RHEL
       *[other] { $to }
    })
