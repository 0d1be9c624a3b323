## 클라우드 API 조회 (읽기 전용 Tencent Cloud 자격 증명이 있을 때).
## 인수는 en-US/cloud.ftl 설명을 참고하세요.

cloud-found = **클라우드 API 조회 결과:** `{ $cloud_instance }`({ $cloud_region }) 인스턴스는 { $cloud_state ->
        [RUNNING] 실행 중이에요
        [STOPPED] **종료된 상태예요**
        [STOPPING] **종료되는 중이에요**
        [STARTING] 시작되는 중이에요
        [REBOOTING] 재시작되는 중이에요
        [SHUTDOWN] **중지된 상태예요**
       *[other] { $cloud_state } 상태예요
    }{ $cloud_restrict ->
        [EXPIRED] {" "}그리고 **만료**됐어요(갱신되지 않았어요)
        [PROTECTIVELY_ISOLATED] {" "}그리고 계정 미납으로 **격리**됐어요
       *[other] {""}
    }. 공인 아웃바운드 대역폭: { $cloud_bw_state ->
        [zero] **0Mbps라서 인터넷 트래픽이 전혀 들어오지 못해요**
        [none] 정보가 없어요
       *[set] { $cloud_bandwidth }Mbps
    }{ $cloud_bw_source ->
        [eip] (EIP 자체 대역폭 한도)
        [package] (EIP가 대역폭 패키지 `{ $cloud_package }`를 사용해요)
       *[other] {""}
    }. 이미지: { $cloud_os }.
cloud-sg = 보안 그룹, { $cloud_from_role ->
        [user] 고객님 주소에서
       *[bot] 봇 주소에서
    } 들어오는 TCP { $port }: { $cloud_verdict ->
        [accept] 허용돼요
        [drop] **규칙에 의해 차단돼요**
        [no-match] **허용되지 않아요**(허용하는 규칙이 없어서 차단돼요)
        [unknown] 여기서는 판단할 수 없어요(규칙이 주소·포트 템플릿을 써요)
       *[other] 평가하지 않았어요
    }{ $cloud_details ->
        [yes] { $cloud_rule ->
            [yes] {" "}(결정한 규칙: `{ $cloud_group }`의 { $cloud_index }번, { $cloud_action } { $cloud_rule_port }, 소스 `{ $cloud_source }`)
           *[no] {""}
        }
       *[no] {""}
    }.
cloud-load = 최근 30분: { $cloud_load ->
        [cpu] **CPU가 포화 상태예요**(최근 { $cloud_cpu }%)
        [bandwidth] **아웃바운드 트래픽이 대역폭 한도에 닿아 있어요**(최근 { $cloud_bw_used }Mbps)
        [both] **CPU가 포화 상태**({ $cloud_cpu }%)**이고 아웃바운드 트래픽도 대역폭 한도에 닿아 있어요**({ $cloud_bw_used }Mbps)
        [unknown] 모니터링 데이터가 없어요
       *[ok] CPU와 아웃바운드 트래픽 모두 정상이에요
    }.
cloud-ddos = { $cloud_ddos ->
        [blocked] **이 주소는 DDoS 방어로 차단돼 있어요**{ $cloud_ddos_unblock ->
            [none] .
           *[other] (해제 예정: { $cloud_ddos_unblock }, 중국 표준시 UTC+8).
        }
        [attacked] 이 주소는 지금 DDoS 공격을 받고 있지만 차단되지는 않았어요.
        [not-blocked] 이 주소는 DDoS 방어로 차단돼 있지 않아요.
       *[other] DDoS 차단 여부: 확인하지 않았어요(이 API 키로는 조회할 수 없어요).
    }
cloud-not-ours = 클라우드 API에서 이 계정의 { $ip } 주소를 찾지 못했어요. 측정한 결과로 계속 진행할게요.
cloud-failed = 클라우드 API에 조회하지 못했어요({ $code ->
        [auth] API 키가 거부됐어요
        [throttled] 지금 요청이 많아요
        [timeout] 제시간에 응답하지 않았어요
        [budget] 지금은 조회 한도를 다 썼어요
       *[other] 오류가 반환됐어요
    }). 측정한 결과로 계속 진행할게요.

route-cloud-arrears = 클라우드 API에 따르면 인스턴스가 { $cloud_restrict ->
        [EXPIRED] **만료**됐어요. 갱신되지 않았어요
       *[other] 계정 미납으로 **격리**됐어요
    }. 그래서 접속이 안 되는 거고, 이 문제가 해결되기 전에는 서버 안을 봐도 소용이 없어요. 비용 센터에서 충전하거나 갱신하신 다음 인스턴스를 시작해 주세요.
route-cloud-stopped = 클라우드 API에 따르면 `{ $cloud_instance }` 인스턴스가 **종료된 상태**라서 { $ip } 주소에서 아무것도 응답할 수 없어요. 콘솔에서 시작해 주세요(인스턴스 목록에서 선택하고 **시작**). 부팅되도록 1분쯤 기다려 주시면 다시 점검할게요.
route-cloud-no-bandwidth = { $cloud_bw_source ->
        [eip] 클라우드 API에 따르면 인스턴스에 연결된 EIP `{ $cloud_eip }`의 대역폭이 **0Mbps**예요. 규칙과 상관없이 인터넷 트래픽이 전혀 들어오지 못해요. 콘솔의 **EIP** 목록에서 이 EIP의 **더 보기 > 대역폭 조정**을 열어 1Mbps 이상으로 설정해 주세요. 그러면 다시 점검할게요.
        [package] 클라우드 API에 따르면 EIP `{ $cloud_eip }`의 대역폭이 대역폭 패키지 `{ $cloud_package }` 안에서 **0Mbps**예요. 규칙과 상관없이 인터넷 트래픽이 전혀 들어오지 못해요. 콘솔에서 이 EIP(또는 패키지)의 대역폭을 올려 주세요. 그러면 다시 점검할게요.
       *[other] 클라우드 API에 따르면 인스턴스의 공인 대역폭이 **0Mbps**예요. 규칙과 상관없이 인터넷 트래픽이 전혀 들어오지 못해요. 콘솔에서 인스턴스의 **더 보기 > 리소스 조정 > 네트워크 조정**을 열어 공인 대역폭을 1Mbps 이상으로 설정해 주세요. 그러면 다시 점검할게요.
    }
route-cloud-admits-other = 클라우드 API를 보면 보안 그룹이 TCP { $port }번 포트를 { $cloud_details ->
        [yes] `{ $cloud_other_source }`에서만 허용하고 있어요(`{ $cloud_other_group }`의 { $cloud_other_index }번 규칙)
       *[no] 다른 한 주소에서만 허용하고 있어요
    }. 봇 주소({ $cloud_from })는 허용되지 않아요{ $cloud_details ->
        [yes] { $cloud_rule ->
            [yes] . `{ $cloud_group }`의 { $cloud_index }번 규칙({ $cloud_action } { $cloud_rule_port }, 소스 `{ $cloud_source }`)이 먼저 적용돼요
           *[no] . 봇 주소를 허용하는 규칙이 없어서 차단돼요
        }
       *[no] {""}
    }. 그래서 봇의 점검이 실패하는 거예요.
route-cloud-sg-blocked = 클라우드 API를 보면 보안 그룹이 봇 주소({ $cloud_from })에서 들어오는 TCP { $port }번 포트를 차단하고 있어요{ $cloud_details ->
        [yes] { $cloud_rule ->
            [yes] . `{ $cloud_group }`의 { $cloud_index }번 규칙({ $cloud_action } { $cloud_rule_port }, 소스 `{ $cloud_source }`)이 먼저 적용돼요. 이 규칙을 ACCEPT로 바꾸시거나, 고객님 주소와 봇 주소({ $egress })에 대한 TCP { $port } ACCEPT 규칙을 그 위(더 작은 번호)에 추가해 주세요
           *[no] . 허용하는 규칙이 없어요. 고객님 주소와 봇 주소({ $egress })에 대한 TCP { $port } ACCEPT 규칙을 `{ $cloud_group }`에 추가해 주세요
        }
       *[no] . 인스턴스의 보안 그룹 규칙 중 하나가 이렇게 결정하고 있어요(어떤 규칙인지는 보고서에서 지원팀이 확인할 수 있어요). 고객님 주소와 봇 주소({ $egress })에 대한 TCP { $port } 허용 규칙을 DROP 규칙보다 위에 두세요
    }.
route-cloud-load = 클라우드 API를 보면 { $cloud_load ->
        [both] CPU가 포화 상태({ $cloud_cpu }%)이고 아웃바운드 트래픽도 대역폭 한도에 닿아 있어요
       *[other] 최근 30분 동안 CPU가 포화 상태였어요(최근 { $cloud_cpu }%)
    }. 이렇게 바쁜 서버는 연결을 받아 놓고 로그인을 끝내지 못하는 경우가 많아요.
route-cloud-bandwidth-full = 클라우드 API를 보면 아웃바운드 트래픽이 대역폭 한도에 닿아 있어요(최근 { $cloud_bandwidth }Mbps 중 { $cloud_bw_used }Mbps). 이 상태가 계속되는 동안에는 새 연결이 시간 초과돼요.

skip-cloud-running = 인스턴스 상태 점검은 건너뛸게요. 클라우드 API에 따르면 실행 중이고 계정도 제한되지 않았어요.
skip-cloud-bandwidth = 대역폭 점검은 건너뛸게요. 클라우드 API에 따르면 대역폭이 { $cloud_bandwidth }Mbps이고 트래픽이 한도보다 낮아요.
skip-cloud-load = 서버 부하 점검은 건너뛸게요. 클라우드 API에 따르면 최근 30분 동안 CPU와 트래픽이 정상이에요.
skip-cloud-not-restricted = 계정 점검은 건너뛸게요. 클라우드 API에 따르면 인스턴스가 격리되거나 만료되지 않았어요.
skip-cloud-sg-allows = 보안 그룹 점검은 건너뛸게요. 클라우드 API에 따르면 규칙이 TCP { $port }번 포트를 허용하고 있어요.

route-cloud-ddos-blocked = 클라우드 API에 따르면 { $ip } 주소가 **DDoS 방어로 차단**돼 있어요(공격을 받아 "블랙홀"에 들어간 상태예요). 그래서 규칙과 상관없이 인터넷에서 서버로 아무것도 들어오지 못하고, 서버 안에서 무엇을 해도 풀리지 않아요. { $cloud_ddos_unblock ->
        [none] 차단은 Anti-DDoS 콘솔에 안내된 시간이 지나면 저절로 풀려요.
       *[other] 차단은 { $cloud_ddos_unblock }(중국 표준시 UTC+8)에 저절로 풀려요.
    } 그때까지 기다리기 어려우시면 Anti-DDoS 콘솔의 **차단 목록**에서 **차단 해제**를 신청해 주세요. 계정마다 하루에 해제할 수 있는 횟수가 정해져 있고, 공격이 계속되면 다시 차단될 수 있어요. 해제되면 알려 주세요. 다시 점검할게요.

report-cloud = 클라우드 API 조회 결과
report-cloud-not-ours = 이 주소는 설정된 계정의 인스턴스 주소가 아니에요.
report-cloud-failed = 클라우드 API에 조회하지 못했어요(`{ $code }`).
report-cloud-instance = 인스턴스 { $instance }({ $region }): 상태 { $state }, 제한 상태 { $restrict }, 공인 대역폭 { $bw_state ->
        [none] 정보 없음
       *[set] { $bandwidth }Mbps
    }, 이미지 { $os }, 바인딩 순서대로 본 보안 그룹: { $groups }
report-cloud-verdict = { $from }({ $role ->
        [user] 고객님
       *[bot] 봇
    })에서 들어오는 TCP { $port }: { $verdict } { $rule ->
        [yes] (`{ $group }`의 { $index }번 규칙, { $action } { $rule_port }, 소스 { $source })
       *[no] (일치하는 규칙이 없어서 기본으로 차단)
    }
report-cloud-other = 다른 소스를 허용하는 ACCEPT 규칙: { $group }의 { $index }번 규칙({ $rule_port }, 소스 { $source })
report-cloud-load = 최근 30분: CPU 최근 { $cpu }%(최고 { $cpu_peak }%), 포화: { $cpu_saturated }; 아웃바운드 { $bw_used }Mbps, 한도 도달: { $bw_saturated }; DDoS 차단: { $ddos }
cloud-user-source = 고객님 주소({ $user_ip })에서 들어오는 TCP { $port }: { $decision ->
        [accept] **허용돼요**
        [drop] **규칙에 의해 차단돼요**
        [no-match] **허용되지 않아요**(허용하는 규칙이 없어서 차단돼요)
       *[unknown] 여기서는 판단할 수 없어요(규칙이 주소·포트 템플릿을 쓰거나, 규칙이 너무 많아 다 보관하지 못했어요)
    }{ $cloud_details ->
        [yes] { $rule ->
            [yes] {" "}(결정한 규칙: `{ $group }`의 { $index }번, { $action } { $rule_port }, 소스 `{ $source }`)
           *[no] {""}
        }
       *[no] {""}
    }.
report-cloud-eip = EIP { $eip }: 대역폭 { $bandwidth }, 과금 방식 { $charge }, 대역폭 패키지 { $package }, 차단 여부: { $blocked }
report-cloud-ddos = DDoS 방어: { $ddos }, 해제 예정 { $until }(중국 표준시)
