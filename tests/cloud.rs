//! Conversations with the provider's API configured, against the fake
//! Tencent Cloud API on loopback (which verifies every request's
//! signature): each case of issue 20 reaches its advice with no answer
//! before it, in English and Korean, naming what the API said and, where a
//! rule decides, the rule. Without credentials nothing changes (every other
//! conversation test runs without them).

mod support;

use std::sync::atomic::Ordering;
use std::time::Instant;
use support::*;
use vmd_cloud::fake::{rule, FakeCloud, FakeData, FakeInstance, SECRET_ID, SECRET_KEY};
use vmd_core::command::Lang;

/// The bot's egress address in these tests.
const BOT: &str = "198.18.0.5";
const INSTANCE: &str = "ins-7kq2c9xw";
const GROUP: &str = "sg-5ufw8k2p";

struct Run {
    out: String,
    store: RecordingStore,
    reports: tempfile::TempDir,
    /// API calls the fake served (each with a valid signature).
    calls: usize,
    rejected: u32,
}

fn instance(state: &str, restrict: &str, bandwidth: i64) -> FakeInstance {
    FakeInstance {
        state: state.into(),
        restrict: restrict.into(),
        bandwidth_out: bandwidth,
        ..FakeInstance::running("ap-seoul", INSTANCE, TARGET, &[GROUP])
    }
}

/// One account: the instance, its group's inbound rules, its CPU samples.
fn account(inst: FakeInstance, rules: Vec<serde_json::Value>, cpu: &[f64]) -> FakeData {
    let mut d = FakeData::default();
    d.instances.push(inst);
    d.groups.insert(GROUP.into(), rules);
    d.metrics
        .insert((INSTANCE.into(), "CPUUsage".into()), cpu.to_vec());
    d.metrics.insert(
        (INSTANCE.into(), "WanOuttraffic".into()),
        vec![0.2, 0.3, 0.2, 0.1, 0.2],
    );
    d
}

fn open_rules() -> Vec<serde_json::Value> {
    vec![rule(0, "TCP", "22,3389", "0.0.0.0/0", "ACCEPT")]
}

fn cloud_config(url: &str, show: &str) -> vm_doctor::config::Config {
    let mut env = std::collections::HashMap::new();
    for (k, v) in [
        ("VM_DOCTOR_ALLOW_TARGETS", "203.0.113.0/24"),
        ("VM_DOCTOR_EGRESS_IPS", BOT),
        ("VM_DOCTOR_TENCENT_SECRET_ID", SECRET_ID),
        ("VM_DOCTOR_TENCENT_SECRET_KEY", SECRET_KEY),
        ("VM_DOCTOR_TENCENT_REGIONS", "ap-guangzhou,ap-seoul"),
        ("VM_DOCTOR_TENCENT_API_URL", url),
        ("VM_DOCTOR_CLOUD_SHOW", show),
    ] {
        env.insert(k.to_owned(), v.to_owned());
    }
    vm_doctor::config::Config::load(None, &env).unwrap()
}

fn converse(
    lang: Lang,
    data: FakeData,
    show: &str,
    worlds: &[World],
    script: &[&str],
    tweak: impl FnOnce(&FakeCloud),
) -> Run {
    // The fake serves from its own runtime; the console runs on another.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(FakeCloud::start(data)).unwrap();
    tweak(&fake);
    let prober = FakeProber::default();
    for w in worlds {
        let w = *w;
        prober.then(move |req| w.report(req));
    }
    let store = RecordingStore::default();
    let cfg = cloud_config(&fake.url(), show);
    let d = vm_doctor::build_driver(
        &cfg,
        vmd_runtime::RUNBOOK_FILES,
        prober.clone(),
        store.clone(),
    )
    .unwrap();
    let reports = tempfile::tempdir().unwrap();
    let mut text = script.join("\n");
    text.push('\n');
    let out = console(&d, Some(lang), "tester", reports.path(), &text);
    assert!(!out.contains("panicked"), "{out}");
    assert!(!out.contains(SECRET_KEY), "{out}");
    let calls = fake.actions().len();
    let rejected = fake.state.rejected.load(Ordering::SeqCst);
    drop(fake);
    drop(rt);
    Run {
        out,
        store,
        reports,
        calls,
        rejected,
    }
}

/// A conversation driven as a chat adapter drives it, for a sender who
/// holds the support role or not (the console's reader is the operator,
/// always support): the replies as plain text, and the report.
fn converse_as(
    lang: Lang,
    data: FakeData,
    show: &str,
    world: World,
    script: &[&str],
    support: bool,
) -> (String, String) {
    use vmd_runtime::driver::Outgoing;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(FakeCloud::start(data)).unwrap();
    let prober = FakeProber::default();
    prober.then(move |req| world.report(req));
    let cfg = cloud_config(&fake.url(), show);
    let d = vm_doctor::build_driver(
        &cfg,
        vmd_runtime::RUNBOOK_FILES,
        prober,
        RecordingStore::default(),
    )
    .unwrap();
    let key = vmd_core::session::SessionKey::new("discord", "channel-1", "someone");
    let (mut chat, mut report) = (String::new(), String::new());
    for line in script {
        let caller = vmd_runtime::admission::Caller {
            support,
            ..Default::default()
        };
        let mut sink = |ev: Outgoing| match ev {
            Outgoing::Reply { lang, reply } => {
                chat.push_str(&vmd_runtime::render::plain(d.localizer(), lang, &reply));
                chat.push('\n');
            }
            Outgoing::Escalation { markdown, .. } => report.push_str(&markdown),
            _ => {}
        };
        rt.block_on(d.turn_as(
            &key,
            caller,
            vmd_core::engine::Input::Text((*line).to_owned()),
            Some(lang),
            &mut sink,
        ))
        .unwrap();
    }
    drop(fake);
    (chat, report)
}

fn order(r: &Run) -> Vec<String> {
    r.store
        .first_seen
        .lock()
        .unwrap()
        .iter()
        .map(|(s, _)| s.clone())
        .collect()
}

fn answers_to(r: &Run, step: &str) -> u32 {
    r.store
        .first_seen
        .lock()
        .unwrap()
        .iter()
        .find(|(s, _)| s == step)
        .map(|(_, n)| *n)
        .unwrap_or_else(|| panic!("{step} never reached: {:?}\n{}", order(r), r.out))
}

fn report_text(r: &Run) -> String {
    std::fs::read_dir(r.reports.path())
        .map(|d| {
            d.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// A case of the issue: the API's world, the probe's, where the conversation
/// must start and what the advice must say in each language.
struct Case {
    name: &'static str,
    data: fn() -> FakeData,
    world: World,
    os: &'static str,
    advice_at: &'static str,
    en: &'static [&'static str],
    ko: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "stopped",
            data: || account(instance("STOPPED", "NORMAL", 5), open_rules(), &[]),
            world: World::dark(),
            os: "linux",
            advice_at: "triage.instance_state",
            en: &["is stopped", INSTANCE, "Start"],
            ko: &["종료된 상태", INSTANCE, "시작"],
        },
        Case {
            name: "arrears",
            data: || {
                account(
                    instance("STOPPED", "PROTECTIVELY_ISOLATED", 5),
                    open_rules(),
                    &[],
                )
            },
            world: World::dark(),
            os: "windows",
            advice_at: "triage.arrears",
            en: &[
                "isolated because the account is in arrears",
                "top up or renew",
            ],
            ko: &["계정 미납으로 격리", "충전하거나 갱신"],
        },
        Case {
            name: "zero bandwidth",
            data: || account(instance("RUNNING", "NORMAL", 0), open_rules(), &[5.0; 10]),
            world: World::dark(),
            os: "linux",
            advice_at: "triage.bandwidth",
            en: &["0 Mbps", "Adjust Network"],
            ko: &["0Mbps", "네트워크 조정"],
        },
        Case {
            name: "drop above accept",
            data: || {
                account(
                    instance("RUNNING", "NORMAL", 5),
                    vec![
                        rule(1, "TCP", "22", "0.0.0.0/0", "ACCEPT"),
                        rule(0, "TCP", "22", "198.18.0.0/24", "DROP"),
                    ],
                    &[5.0; 10],
                )
            },
            world: World::sg_drop(),
            os: "linux",
            advice_at: "triage.security_group",
            en: &[
                "rule #0 of `sg-5ufw8k2p` (DROP TCP 22 from `198.18.0.0/24`) matches first",
                "Change that rule to ACCEPT",
            ],
            ko: &[
                "`sg-5ufw8k2p`의 0번 규칙(DROP TCP 22, 소스 `198.18.0.0/24`)이 먼저 적용돼요",
                "ACCEPT로 바꾸시거나",
            ],
        },
        Case {
            name: "accept only for the user's address",
            data: || {
                account(
                    instance("RUNNING", "NORMAL", 5),
                    vec![rule(0, "TCP", "22", "198.51.100.7/32", "ACCEPT")],
                    &[5.0; 10],
                )
            },
            world: World::sg_drop(),
            os: "linux",
            advice_at: "common.bot_blocked",
            en: &[
                "only from `198.51.100.7/32` (rule #0 of `sg-5ufw8k2p`)",
                "not from mine (198.18.0.5)",
            ],
            ko: &[
                "`198.51.100.7/32`에서만 허용",
                "봇 주소(198.18.0.5)는 허용되지 않아요",
            ],
        },
        Case {
            name: "ddos blocked",
            data: || {
                let mut d = account(instance("RUNNING", "NORMAL", 5), open_rules(), &[5.0; 10]);
                d.ddos
                    .insert(TARGET.into(), ("1".into(), "2026-12-02 13:30:00".into()));
                d
            },
            world: World::dark(),
            os: "linux",
            advice_at: "triage.blocked",
            en: &[
                "is blocked by DDoS protection",
                "It lifts on its own at 2026-12-02 13:30:00",
                "request unblocking in the Anti-DDoS console (Blocking list, then Unblock)",
            ],
            ko: &[
                "DDoS 방어로 차단돼 있어요",
                "2026-12-02 13:30:00(중국 표준시 UTC+8)에 저절로 풀려요",
                "차단 목록에서 차단 해제를 신청해 주세요",
            ],
        },
        Case {
            name: "saturated cpu",
            data: || {
                account(
                    instance("RUNNING", "NORMAL", 5),
                    open_rules(),
                    &[20.0, 40.0, 99.0, 100.0, 98.0, 99.0, 97.0],
                )
            },
            world: World::hung(),
            os: "linux",
            advice_at: "triage.load",
            en: &["the CPU saturated over the last 30 minutes (recently 99%)"],
            ko: &["최근 30분 동안 CPU가 포화 상태였어요(최근 99%)"],
        },
    ]
}

#[test]
fn each_case_reaches_its_advice_in_zero_answers_in_both_languages() {
    for c in cases() {
        for (lang, words) in [(Lang::En, c.en), (Lang::Ko, c.ko)] {
            let script = format!("/diagnose {TARGET} {}", c.os);
            let r = converse(
                lang,
                (c.data)(),
                "details",
                &[c.world],
                &[&script, "/quit"],
                |_| {},
            );
            assert_eq!(
                r.rejected, 0,
                "{}: a request failed the signature check",
                c.name
            );
            assert_eq!(
                order(&r).first().map(String::as_str),
                Some(c.advice_at),
                "{} ({lang:?}) started elsewhere:\n{}",
                c.name,
                r.out
            );
            assert_eq!(answers_to(&r, c.advice_at), 0, "{}", c.name);
            for w in words {
                assert!(
                    r.out.contains(w),
                    "{} ({lang:?}): {w:?} missing in\n{}",
                    c.name,
                    r.out
                );
            }
        }
    }
}

fn drop_above_accept() -> FakeData {
    account(
        instance("RUNNING", "NORMAL", 5),
        vec![
            rule(1, "TCP", "22", "0.0.0.0/0", "ACCEPT"),
            rule(0, "TCP", "22", "198.18.0.0/24", "DROP"),
        ],
        &[5.0; 10],
    )
}

#[test]
fn by_default_the_chat_gets_the_verdict_and_the_report_the_rule() {
    // Someone without the support role in a shared channel.
    let script = [
        &format!("/diagnose {TARGET} linux")[..],
        "/status",
        "/ticket",
    ];
    let (chat, report) = converse_as(
        Lang::En,
        drop_above_accept(),
        "verdicts",
        World::sg_drop(),
        &script,
        false,
    );
    assert!(chat.contains("drops TCP 22 from my address"), "{chat}");
    assert!(
        chat.contains("support sees which one in the report"),
        "{chat}"
    );
    assert!(
        !chat.contains("198.18.0.0/24") && !chat.contains("sg-5ufw8k2p"),
        "a rule detail reached the chat:\n{chat}"
    );
    assert!(report.contains("What the cloud API said"), "{report}");
    assert!(
        report.contains("sg-5ufw8k2p") && report.contains("198.18.0.0/24"),
        "{report}"
    );
}

#[test]
fn the_support_role_reads_the_deciding_rule_in_the_chat() {
    // The same conversation, `cloud.show = verdicts`, sent by a member of
    // the support role: the rule is named in the advice and in /status.
    for (lang, rule) in [
        (
            Lang::En,
            "rule #0 of `sg-5ufw8k2p` (DROP TCP 22 from `198.18.0.0/24`) matches first",
        ),
        (
            Lang::Ko,
            "`sg-5ufw8k2p`의 0번 규칙(DROP TCP 22, 소스 `198.18.0.0/24`)이 먼저 적용돼요",
        ),
    ] {
        let script = [&format!("/diagnose {TARGET} linux")[..], "/status"];
        let (chat, _) = converse_as(
            lang,
            drop_above_accept(),
            "verdicts",
            World::sg_drop(),
            &script,
            true,
        );
        assert!(chat.contains(rule), "{chat}");
        let status = &chat[chat.rfind("sg-5ufw8k2p").unwrap()..];
        assert!(status.contains("198.18.0.0/24"), "{chat}");
    }
    // The console's reader is the operator: support.
    let r = converse(
        Lang::En,
        drop_above_accept(),
        "verdicts",
        &[World::sg_drop()],
        &[&format!("/diagnose {TARGET} linux"), "/quit"],
        |_| {},
    );
    assert!(
        r.out.contains("(DROP TCP 22 from `198.18.0.0/24`)"),
        "{}",
        r.out
    );
}

#[test]
fn the_users_own_address_learned_later_is_evaluated_against_the_rules() {
    // The bot is dropped by rule #0; the user's address falls to the
    // ACCEPT of rule #1 (or, for another address, to a DROP of its own).
    let data = || {
        account(
            instance("RUNNING", "NORMAL", 5),
            vec![
                rule(0, "TCP", "22", "198.18.0.0/24", "DROP"),
                rule(1, "TCP", "22", "192.0.2.0/24", "DROP"),
                rule(2, "TCP", "22", "0.0.0.0/0", "ACCEPT"),
            ],
            &[5.0; 10],
        )
    };
    for (lang, says, line) in [
        (
            Lang::En,
            "my IP is 198.51.100.7",
            "For your address (198.51.100.7), TCP 22: allowed by rule #2 of `sg-5ufw8k2p` (ACCEPT TCP 22 from `0.0.0.0/0`).",
        ),
        (
            Lang::Ko,
            "제 아이피는 192.0.2.44예요",
            "고객님 주소(192.0.2.44)에서 들어오는 TCP 22: 규칙에 의해 차단돼요 (결정한 규칙: `sg-5ufw8k2p`의 1번, DROP TCP 22, 소스 `192.0.2.0/24`).",
        ),
    ] {
        let r = converse(
            lang,
            data(),
            "verdicts",
            &[World::sg_drop()],
            &[&format!("/diagnose {TARGET} linux"), says, "/status", "/quit"],
            |_| {},
        );
        assert_eq!(order(&r)[0], "triage.security_group", "{}", r.out);
        let at = r.out.find(line).unwrap_or_else(|| panic!("{line:?} missing in\n{}", r.out));
        // The question stays, and /status keeps the user's verdict.
        assert!(r.out[at..].matches(&line[..20]).count() >= 2, "{}", r.out);
        assert_eq!(r.store.first_seen.lock().unwrap().len(), 1, "{}", r.out);
    }
    // Without the support role the rule stays out of the chat.
    let (chat, _) = converse_as(
        Lang::En,
        data(),
        "verdicts",
        World::sg_drop(),
        &[
            &format!("/diagnose {TARGET} linux"),
            "my ip is 198.51.100.7",
        ],
        false,
    );
    assert!(
        chat.contains("For your address (198.51.100.7), TCP 22: **allowed**."),
        "{chat}"
    );
}

#[test]
fn ddos_not_readable_by_the_key_is_said_as_not_checked_in_chat_and_report() {
    // A CAM policy without Anti-DDoS: `UnauthorizedOperation`; the rest of
    // the lookup stands and the probe's route decides.
    let r = converse(
        Lang::En,
        drop_above_accept(),
        "details",
        &[World::sg_drop()],
        &[&format!("/diagnose {TARGET} linux"), "/ticket", "/quit"],
        |f| {
            f.state
                .denied
                .lock()
                .unwrap()
                .push("DescribeBasicDeviceStatus".into())
        },
    );
    assert_eq!(order(&r)[0], "triage.security_group", "{}", r.out);
    assert!(
        r.out
            .contains("DDoS blocking: not checked (this API key may not read it)"),
        "{}",
        r.out
    );
    let report = report_text(&r);
    assert!(report.contains("DDoS blocking: not-checked"), "{report}");
}

#[test]
fn an_elastic_ips_own_bandwidth_decides_over_the_instances() {
    // The instance carries 5 Mbps, the elastic IP in front of it 0: no
    // traffic reaches it, and the advice says so in 0 answers.
    for (lang, words) in [
        (
            Lang::En,
            [
                "(the elastic IP's own limit)",
                "the elastic IP `eip-fake0001` in front of the instance has 0 Mbps",
                "More > Adjust Bandwidth",
            ],
        ),
        (
            Lang::Ko,
            [
                "(EIP 자체 대역폭 한도)",
                "EIP `eip-fake0001`의 대역폭이 0Mbps예요",
                "더 보기 > 대역폭 조정",
            ],
        ),
    ] {
        let mut data = account(instance("RUNNING", "NORMAL", 5), open_rules(), &[5.0; 10]);
        data.eips
            .push(("ap-seoul".into(), TARGET.into(), INSTANCE.into()));
        data.eip_info.insert(
            TARGET.into(),
            vmd_cloud::fake::FakeEip {
                bandwidth: Some(0),
                ..Default::default()
            },
        );
        let r = converse(
            lang,
            data,
            "details",
            &[World::dark()],
            &[&format!("/diagnose {TARGET} linux"), "/quit"],
            |_| {},
        );
        assert_eq!(order(&r)[0], "triage.bandwidth", "{}", r.out);
        assert_eq!(answers_to(&r, "triage.bandwidth"), 0);
        for w in words {
            assert!(r.out.contains(w), "{w:?} missing in\n{}", r.out);
        }
    }
}

#[test]
fn questions_the_api_answered_are_skipped_with_a_reason() {
    // Nothing answers from outside, yet the API says the instance runs, the
    // account is fine and the rules admit the bot: the instance question is
    // skipped with one line why.
    let data = account(instance("RUNNING", "NORMAL", 5), open_rules(), &[5.0; 10]);
    for (lang, why) in [
        (
            Lang::En,
            "Skipping the instance check: the cloud API says it's running",
        ),
        (Lang::Ko, "인스턴스 상태 점검은 건너뛸게요."),
    ] {
        let r = converse(
            lang,
            account(instance("RUNNING", "NORMAL", 5), open_rules(), &[5.0; 10]),
            "details",
            &[World::dark()],
            &[&format!("/diagnose {TARGET} linux"), "/quit"],
            |_| {},
        );
        assert!(r.out.contains(why), "{}", r.out);
        assert!(
            !order(&r).contains(&"triage.instance_state".to_owned()),
            "{}",
            r.out
        );
        assert_eq!(order(&r)[0], "triage.self_check", "{}", r.out);
    }
    drop(data);
}

#[test]
fn the_summary_and_status_show_what_the_api_said() {
    let r = converse(
        Lang::En,
        account(instance("RUNNING", "NORMAL", 0), open_rules(), &[5.0; 10]),
        "details",
        &[World::dark()],
        &[&format!("/diagnose {TARGET} linux"), "/status", "/quit"],
        |_| {},
    );
    let first = r.out.find("What the cloud API says:").expect(&r.out);
    assert!(
        r.out[first + 10..].contains("What the cloud API says:"),
        "/status must repeat it:\n{}",
        r.out
    );
    assert!(
        r.out
            .contains("The address is not blocked by DDoS protection."),
        "{}",
        r.out
    );
    assert!(r.calls >= 3, "{}", r.calls);
}

#[test]
fn an_address_outside_the_account_or_a_failing_api_changes_nothing_but_a_line() {
    // Not in the account: the probe's route decides, as without the API.
    let mut other = account(instance("STOPPED", "NORMAL", 5), open_rules(), &[]);
    other.instances[0].public_ip = Some("192.0.2.1".into());
    let r = converse(
        Lang::En,
        other,
        "details",
        &[World::sg_drop()],
        &[&format!("/diagnose {TARGET} linux"), "/quit"],
        |_| {},
    );
    assert_eq!(order(&r)[0], "triage.security_group", "{}", r.out);
    assert!(
        r.out.contains("doesn't know 203.0.113.10 in this account"),
        "{}",
        r.out
    );
    assert!(!r.out.contains("is stopped"), "{}", r.out);

    // A refused key: said in one line, never the API's message, and the
    // conversation goes on from the probe.
    let r = converse(
        Lang::Ko,
        account(instance("STOPPED", "NORMAL", 5), open_rules(), &[]),
        "details",
        &[World::sg_drop()],
        &[&format!("/diagnose {TARGET} linux"), "/quit"],
        |f| *f.state.key.lock().unwrap() = Some("another-key".into()),
    );
    assert!(r.rejected >= 1);
    assert_eq!(order(&r)[0], "triage.security_group", "{}", r.out);
    assert!(r.out.contains("API 키가 거부됐어요"), "{}", r.out);
    assert!(!r.out.contains("fake: see the code"), "{}", r.out);

    // Throttled on every call: retried, then the same.
    let r = converse(
        Lang::En,
        account(instance("STOPPED", "NORMAL", 5), open_rules(), &[]),
        "details",
        &[World::sg_drop()],
        &[&format!("/diagnose {TARGET} linux"), "/quit"],
        |f| f.state.throttle_next.store(1_000, Ordering::SeqCst),
    );
    assert!(r.out.contains("it is busy right now"), "{}", r.out);
    assert_eq!(order(&r)[0], "triage.security_group", "{}", r.out);
}

#[test]
fn a_hung_api_is_cut_off_by_the_deadline() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt
        .block_on(FakeCloud::start(account(
            instance("STOPPED", "NORMAL", 5),
            open_rules(),
            &[],
        )))
        .unwrap();
    fake.state.delay_ms.store(60_000, Ordering::SeqCst);
    let mut cfg = cloud_config(&fake.url(), "details");
    cfg.cloud.as_mut().unwrap().lookup_deadline = std::time::Duration::from_millis(300);
    let prober = FakeProber::default();
    prober.then(|req| World::sg_drop().report(req));
    let store = RecordingStore::default();
    let d =
        vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober, store.clone()).unwrap();
    let reports = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = console(
        &d,
        Some(Lang::En),
        "tester",
        reports.path(),
        &format!("/diagnose {TARGET} linux\n/quit\n"),
    );
    // Generous: the point is that a hung API does not hang the turn.
    assert!(started.elapsed().as_secs() < 50, "{out}");
    assert!(out.contains("it didn't answer in time"), "{out}");
    assert!(out.contains("security group"), "{out}");
}

/// One console conversation against the fake with the client's budgets
/// changed: the output and the API calls the fake served.
fn converse_budget(
    tweak: impl FnOnce(&mut vmd_cloud::ClientConfig),
    worlds: &[World],
    script: &str,
) -> (String, usize) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt
        .block_on(FakeCloud::start(account(
            instance("STOPPED", "NORMAL", 5),
            open_rules(),
            &[],
        )))
        .unwrap();
    let mut cfg = cloud_config(&fake.url(), "details");
    tweak(&mut cfg.cloud.as_mut().unwrap().client);
    let prober = FakeProber::default();
    for w in worlds {
        let w = *w;
        prober.then(move |req| w.report(req));
    }
    let d = vm_doctor::build_driver(
        &cfg,
        vmd_runtime::RUNBOOK_FILES,
        prober,
        RecordingStore::default(),
    )
    .unwrap();
    let reports = tempfile::tempdir().unwrap();
    let out = console(&d, Some(Lang::En), "tester", reports.path(), script);
    let calls = fake.actions().len();
    (out, calls)
}

#[test]
fn the_lookup_budgets_per_conversation_and_per_minute_hold_in_a_conversation() {
    // One lookup per conversation: a second diagnosis in the same
    // conversation is told the budget is used up, and goes on from the probe.
    let script = format!("/diagnose {TARGET} linux\n/diagnose {TARGET} linux\n/quit\n");
    let (out, calls) = converse_budget(
        |c| c.per_conversation = 1,
        &[World::dark(), World::sg_drop()],
        &script,
    );
    let first = out.find("instance `ins-7kq2c9xw` is stopped").expect(&out);
    assert!(
        out[first..].contains("the lookup budget is used up for now"),
        "{out}"
    );
    let served = calls;
    // The second lookup made no call at all.
    let (_, one) = converse_budget(
        |c| c.per_conversation = 1,
        &[World::dark()],
        &format!("/diagnose {TARGET} linux\n/quit\n"),
    );
    assert_eq!(served, one, "the refused lookup still called the API");
    // Two calls a minute over the process: the lookup stops at the budget,
    // says so, and the probe's route decides.
    let (out, calls) = converse_budget(
        |c| c.per_minute = 2,
        &[World::sg_drop()],
        &format!("/diagnose {TARGET} linux\n/quit\n"),
    );
    assert_eq!(calls, 2, "{out}");
    assert!(
        out.contains("the lookup budget is used up for now"),
        "{out}"
    );
    assert!(!out.contains("is stopped"), "{out}");
}

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");

fn binary_env(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("VM_DOCTOR_EGRESS_IPS", BOT.to_owned()),
        ("VM_DOCTOR_TENCENT_SECRET_ID", SECRET_ID.to_owned()),
        ("VM_DOCTOR_TENCENT_SECRET_KEY", SECRET_KEY.to_owned()),
        ("VM_DOCTOR_TENCENT_REGIONS", "ap-seoul".to_owned()),
        ("VM_DOCTOR_TENCENT_API_URL", url.to_owned()),
    ]
}

#[test]
fn the_cloud_command_prints_what_the_api_says_as_text_and_json() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let data = account(
        instance("RUNNING", "NORMAL", 5),
        vec![
            rule(1, "TCP", "22", "0.0.0.0/0", "ACCEPT"),
            rule(0, "TCP", "22", "198.18.0.0/24", "DROP"),
        ],
        &[5.0; 10],
    );
    let fake = rt.block_on(FakeCloud::start(data)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], env: &[(&str, String)]| {
        let out = std::process::Command::new(BIN)
            .args(args)
            .env_clear()
            .env("VM_DOCTOR_DATA_DIR", dir.path())
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let env = binary_env(&fake.url());
    let (code, out, err) = run(&["cloud", TARGET, "--json"], &env);
    assert_eq!(code, Some(0), "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["found"]["instance_id"], INSTANCE, "{out}");
    assert_eq!(v["found"]["verdicts"][0]["decision"], "drop", "{out}");
    assert_eq!(
        v["found"]["verdicts"][0]["rule"]["source"], "198.18.0.0/24",
        "{out}"
    );
    let (code, out, err) = run(&["cloud", TARGET, "--lang", "ko"], &env);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("클라우드 API 조회 결과"), "{out}");
    assert!(
        out.contains("sg-5ufw8k2p") && out.contains("198.18.0.0/24"),
        "{out}"
    );
    assert!(!out.contains(SECRET_KEY) && !err.contains(SECRET_KEY));
    // doctor: one harmless call proves the credentials; a wrong key fails it.
    let (_, out, _) = run(&["doctor"], &env);
    let line = out.lines().find(|l| l.contains("cloud-api")).expect(&out);
    assert!(line.starts_with("ok"), "{out}");
    let line = out.lines().find(|l| l.contains("cloud-ddos")).expect(&out);
    assert!(line.starts_with("ok"), "{out}");
    // A policy without Anti-DDoS: a warning, not a failure.
    fake.state
        .denied
        .lock()
        .unwrap()
        .push("DescribeBasicDeviceStatus".into());
    let (code, out, _) = run(&["doctor"], &env);
    assert_eq!(code, Some(0), "{out}");
    let line = out.lines().find(|l| l.contains("cloud-ddos")).expect(&out);
    assert!(
        line.starts_with("warn") && line.contains("not checked"),
        "{out}"
    );
    let mut wrong = env.clone();
    wrong[2].1 = "a-wrong-key".into();
    let (code, out, _) = run(&["doctor"], &wrong);
    assert_eq!(code, Some(1), "{out}");
    let line = out.lines().find(|l| l.contains("cloud-api")).expect(&out);
    assert!(
        line.starts_with("FAIL") && line.contains("AuthFailure.SignatureFailure"),
        "{out}"
    );
    assert!(!out.contains("a-wrong-key"), "{out}");
    // Without credentials: the command says what is missing.
    let (code, _, err) = run(&["cloud", TARGET], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("VM_DOCTOR_TENCENT_SECRET_ID"), "{err}");
}

#[test]
fn the_cam_policy_allows_exactly_the_read_only_calls_a_lookup_makes() {
    let policy: serde_json::Value =
        serde_json::from_str(include_str!("../deploy/tencent-cam-policy.json")).unwrap();
    let allowed: std::collections::BTreeSet<String> = policy["statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["action"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    for a in &allowed {
        let action = a.split_once(':').unwrap().1;
        assert!(
            action.starts_with("Describe") || action.starts_with("Get"),
            "{a} is not read-only"
        );
    }
    // Every call of lookups that take each path (an instance's own address,
    // an elastic IP) is allowed, and nothing more is.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut data = account(instance("RUNNING", "NORMAL", 5), open_rules(), &[5.0; 10]);
    data.eips
        .push(("ap-seoul".into(), "203.0.113.20".into(), INSTANCE.into()));
    // Blocked, so the block list (for the unblock time) is read too.
    data.ddos.insert(
        "203.0.113.20".into(),
        ("1".into(), "2026-12-02 13:30:00".into()),
    );
    let fake = rt.block_on(FakeCloud::start(data)).unwrap();
    let cfg = cloud_config(&fake.url(), "details");
    let api = vm_doctor::cloud::Api::new(cfg.cloud.as_ref().unwrap()).unwrap();
    for target in [TARGET, "203.0.113.20"] {
        let req = vm_doctor::cloud::request(&cfg, target.parse().unwrap(), 22);
        rt.block_on(api.lookups().lookup(target, &req)).unwrap();
    }
    let service = |a: &str| match a {
        "DescribeInstances" => "cvm",
        "GetMonitorData" => "monitor",
        "DescribeBasicDeviceStatus" | "DescribeIpBlockList" => "antiddos",
        _ => "vpc",
    };
    let used: std::collections::BTreeSet<String> = fake
        .actions()
        .iter()
        .map(|a| format!("{}:{a}", service(a)))
        .collect();
    assert_eq!(used, allowed);
}

/// The figures of BENCHMARKS.md ("Cloud API lookups"), printed:
/// `cargo test -p vm-doctor --test cloud -- --ignored --nocapture benchmark`.
/// Ignored in CI: it measures time (nothing is asserted on it).
#[test]
#[ignore]
fn benchmark_answers_and_latency() {
    // Answers before the advice step, without the API (the same world, the
    // user answering as the case demands) and with it (0, tested above).
    let without: [(&str, World, &str, &[&str], &str); 8] = [
        (
            "stopped",
            World::dark(),
            "linux",
            &[],
            "triage.instance_state",
        ),
        (
            "arrears",
            World::dark(),
            "windows",
            &["2", "5"],
            "triage.arrears",
        ),
        (
            "zero bandwidth",
            World::dark(),
            "linux",
            &["2", "1"],
            "triage.bandwidth",
        ),
        (
            "drop above accept",
            World::sg_drop(),
            "linux",
            &[],
            "triage.security_group",
        ),
        (
            "accept only for the user's address",
            World::sg_drop(),
            "linux",
            &["2", "2", "2", "1", "1"],
            "common.bot_blocked",
        ),
        (
            "saturated cpu",
            World::hung(),
            "linux",
            &["1"],
            "linux.resources",
        ),
        (
            "ddos blocked",
            World::dark(),
            "linux",
            &["2", "4"],
            "triage.blocked",
        ),
        (
            "elastic IP at 0 Mbps",
            World::dark(),
            "linux",
            &["2", "1"],
            "triage.bandwidth",
        ),
    ];
    println!("| case | advice step without the API | answers without | answers with |");
    println!("|---|---|---:|---:|");
    for (name, world, os, answers, step) in without {
        let prober = FakeProber::default();
        prober.then(move |req| world.report(req));
        let store = RecordingStore::default();
        let d = driver_with_egress(prober, store.clone(), BOT);
        let reports = tempfile::tempdir().unwrap();
        let mut script = vec![format!("/diagnose {TARGET} {os}")];
        script.extend(answers.iter().map(|a| a.to_string()));
        script.push("/quit".into());
        let out = console(
            &d,
            Some(Lang::En),
            "bench",
            reports.path(),
            &(script.join("\n") + "\n"),
        );
        let n = store
            .first_seen
            .lock()
            .unwrap()
            .iter()
            .find(|(s, _)| s == step)
            .map(|(_, n)| *n)
            .unwrap_or_else(|| panic!("{name}: {step} not reached\n{out}"));
        println!("| {name} | `{step}` | {n} | 0 |");
    }

    // Latency: the first turn (probe, then the lookup, then the first
    // question) with and without the API, and one lookup on its own.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let data = || account(instance("RUNNING", "NORMAL", 5), open_rules(), &[5.0; 30]);
    let fake = rt.block_on(FakeCloud::start(data())).unwrap();
    let mut cfg = cloud_config(&fake.url(), "details");
    cfg.cloud.as_mut().unwrap().client.per_minute = 100_000;
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let turn = |with: bool| {
        let prober = FakeProber::default();
        prober.then(|req| World::sg_drop().report(req));
        let store = RecordingStore::default();
        let d = if with {
            vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober, store).unwrap()
        } else {
            driver_with_egress(prober, store, BOT)
        };
        let reports = tempfile::tempdir().unwrap();
        let t = Instant::now();
        console(
            &d,
            Some(Lang::En),
            "bench",
            reports.path(),
            &format!("/diagnose {TARGET} linux\n"),
        );
        t.elapsed().as_secs_f64() * 1000.0
    };
    const N: usize = 25;
    let plain = median((0..N).map(|_| turn(false)).collect());
    let with = median((0..N).map(|_| turn(true)).collect());
    let api = vm_doctor::cloud::Api::new(cfg.cloud.as_ref().unwrap()).unwrap();
    let req = vm_doctor::cloud::request(&cfg, TARGET.parse().unwrap(), 22);
    let lookups: Vec<f64> = (0..N)
        .map(|i| {
            let t = Instant::now();
            rt.block_on(api.lookups().lookup(&format!("bench-{i}"), &req))
                .unwrap();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let lookup = median(lookups);
    let calls = fake.actions().len() / (2 * N);
    println!();
    println!("first turn without the API: {plain:.1} ms (median of {N})");
    println!(
        "first turn with the API:    {with:.1} ms (median of {N}), {:.2}x",
        with / plain
    );
    println!("one lookup alone:           {lookup:.1} ms (median of {N}), {calls} API calls");
}

#[test]
fn the_probe_outweighs_a_rule_verdict_it_contradicts() {
    // The API says a rule drops the bot's address, yet the port answered:
    // the egress addresses configured are not the ones the bot probes from.
    // The probe's own route decides (here: SSH answers properly).
    let data = account(
        instance("RUNNING", "NORMAL", 5),
        vec![rule(0, "TCP", "22", "198.18.0.0/24", "DROP")],
        &[99.0; 10],
    );
    let r = converse(
        Lang::En,
        data,
        "details",
        &[World::open()],
        &[&format!("/diagnose {TARGET} linux"), "/quit"],
        |_| {},
    );
    assert_eq!(order(&r)[0], "linux.client_error", "{}", r.out);
    assert!(r.out.contains("What the cloud API says"), "{}", r.out);
}

#[test]
fn every_cloud_row_has_a_case() {
    let loc = vmd_runtime::i18n::Localizer::embedded().unwrap();
    let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
    let cases = cases();
    // The bandwidth-at-cap row shares its step with the zero-bandwidth case.
    let covered = |to: &str| cases.iter().any(|c| c.advice_at == to);
    assert!(rb.cloud_routes().len() >= 6);
    for r in rb.cloud_routes() {
        assert!(covered(&r.to), "`{}` ({}) has no case", r.name, r.to);
    }
}
