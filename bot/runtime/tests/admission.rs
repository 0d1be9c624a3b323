//! Every probe goes through the one admission point: budgets on re-checks,
//! the policy in force on resumed probes, spaces, and records from a newer
//! build. Drives the real driver with a counting fake prober and MemStore.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use vmd_core::command::{Command, Lang, Os};
use vmd_core::engine::{Engine, EngineConfig, Input};
use vmd_core::policy::TargetPolicy;
use vmd_core::probe::{PortReason, PortState, ProbeReport, ProbeRequest};
use vmd_core::session::{Phase, SessionKey};
use vmd_probe::Prober;
use vmd_runtime::admission::{AdmissionConfig, Rate};
use vmd_runtime::i18n::Localizer;
use vmd_runtime::store::{MemStore, Store};
use vmd_runtime::{render, Driver, DriverConfig, Outgoing};

#[derive(Clone, Default)]
struct Counting(Arc<AtomicUsize>);

impl Prober for Counting {
    fn probe(&self, req: &ProbeRequest) -> impl std::future::Future<Output = ProbeReport> + Send {
        // The probes the conversation starts (the alternate-port check after
        // a closed login port is not one of them).
        if !req.alternates {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        // Closed: the runbooks keep offering "check again".
        let r = ProbeReport::uniform(req, PortState::Closed, PortReason::Reset, 1);
        async move { r }
    }
}

fn driver(
    policy: TargetPolicy,
    store: Arc<MemStore>,
    prober: Counting,
    adm: AdmissionConfig,
) -> Driver<Counting, Arc<MemStore>> {
    let loc = Localizer::embedded().unwrap();
    let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
    let engine = Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: 3_600_000,
            policy,
            egress: Vec::new(),
        },
    );
    Driver::new(
        engine,
        prober,
        store,
        loc,
        DriverConfig {
            default_lang: Lang::En,
            support_lang: Lang::En,
            ticket_template: "https://example.invalid/?{summary}".into(),
            max_concurrent_probes: 4,
            probe_deadline: Duration::from_secs(5),
        },
    )
    .with_admission(adm)
}

fn lab() -> TargetPolicy {
    TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()])
}

fn budget(user: u32, space: u32, target: u32) -> AdmissionConfig {
    AdmissionConfig {
        per_user: Rate::new(user, 3600),
        per_space: Rate::new(space, 3600),
        per_target: Rate::new(target, 3600),
        max_running_per_user: 2,
        max_lookups_per_user: 2,
    }
}

async fn say(
    d: &Driver<Counting, Arc<MemStore>>,
    key: &SessionKey,
    space: Option<&str>,
    input: Input,
) -> String {
    let loc = Localizer::embedded().unwrap();
    let mut text = String::new();
    let mut sink = |ev: Outgoing| {
        if let Outgoing::Reply { lang, reply } = ev {
            text.push_str(&render::plain(&loc, lang, &reply));
            text.push('\n');
        }
    };
    d.turn_in(key, space, input, None, &mut sink).await.unwrap();
    text
}

fn diagnose() -> Input {
    Input::Command(Command::Diagnose {
        ip: Some("203.0.113.10".parse().unwrap()),
        os: Some(Os::Linux),
        port: None,
    })
}

/// Walks to a step with a "check again" option and returns its key.
async fn to_recheck(d: &Driver<Counting, Arc<MemStore>>, key: &SessionKey) -> (String, String) {
    say(d, key, None, diagnose()).await;
    // Find a step offering an option that re-probes, answering the first option otherwise.
    for _ in 0..30 {
        let s = d.session(key).unwrap().unwrap();
        let Phase::Step(id) = s.phase.clone() else {
            panic!("{:?}", s.phase)
        };
        let step = d.engine().runbooks().step(&id).unwrap();
        if let Some(o) = step.options.iter().find(|o| o.reprobe.is_some()) {
            return (id, o.key.clone());
        }
        let first = step.options.first().expect("a question").key.clone();
        say(d, key, None, Input::Choose(first)).await;
    }
    panic!("no re-check option reached");
}

#[tokio::test]
async fn check_again_spends_the_user_budget_and_returns_to_the_step() {
    let store = Arc::new(MemStore::default());
    let prober = Counting::default();
    let d = driver(lab(), store.clone(), prober.clone(), budget(3, 100, 100));
    let key = SessionKey::new("console", "local", "mallory");
    let (step, option) = to_recheck(&d, &key).await;
    let mut refused = None;
    for _ in 0..10 {
        // Back on the step each time: "check again" once more.
        let s = d.session(&key).unwrap().unwrap();
        if s.phase != Phase::Step(step.clone()) {
            say(&d, &key, None, Input::Command(Command::Back)).await;
            continue;
        }
        let out = say(&d, &key, None, Input::Choose(option.clone())).await;
        if out.contains("You can check again in") {
            refused = Some(out);
            break;
        }
    }
    let out = refused.expect("the budget runs out");
    assert!(out.contains("You've started a lot of checks"), "{out}");
    assert_eq!(prober.0.load(Ordering::SeqCst), 3);
    let s = d.session(&key).unwrap().unwrap();
    assert_eq!(s.phase, Phase::Step(step), "back at its step, not probing");
    // Another conversation of the same user is refused too, in Korean.
    let other = SessionKey::new("console", "other", "mallory");
    say(&d, &other, None, Input::Command(Command::Lang(Lang::Ko))).await;
    let out = say(&d, &other, None, diagnose()).await;
    assert!(out.contains("초 뒤에 다시 점검할 수 있어요"), "{out}");
    assert_eq!(prober.0.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_resumed_probe_meets_the_policy_in_force_now() {
    let store = Arc::new(MemStore::default());
    let key = SessionKey::new("console", "local", "alice");
    // A probe pending in the store (the bot stopped mid-probe).
    let mut s = vmd_core::session::Session::new(vmd_runtime::driver::now_ms());
    let loc = Localizer::embedded().unwrap();
    let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
    let e = Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: 3_600_000,
            policy: lab(),
            egress: Vec::new(),
        },
    );
    e.handle(&mut s, diagnose(), vmd_runtime::driver::now_ms());
    assert!(matches!(s.phase, Phase::Probing(_)));
    store.save(&key, &s).unwrap();
    // The operator removed the lab range from the allow list and restarted.
    let prober = Counting::default();
    let d = driver(
        TargetPolicy::default(),
        store.clone(),
        prober.clone(),
        AdmissionConfig::default(),
    );
    let out = say(&d, &key, None, Input::Resume).await;
    assert_eq!(prober.0.load(Ordering::SeqCst), 0, "{out}");
    assert!(
        out.contains("under the rules this bot follows now"),
        "{out}"
    );
    assert!(out.contains("documentation"), "{out}");
    let s = d.session(&key).unwrap().unwrap();
    assert_eq!(s.phase, Phase::AskIp);
    assert_eq!(s.target, None);
}

#[tokio::test]
async fn spaces_have_their_own_budget() {
    let store = Arc::new(MemStore::default());
    let prober = Counting::default();
    let d = driver(lab(), store, prober.clone(), budget(100, 2, 100));
    for u in 0..2 {
        let key = SessionKey::new("discord", "c", &format!("u{u}"));
        say(&d, &key, Some("guild-a"), diagnose()).await;
    }
    let key = SessionKey::new("discord", "c", "u2");
    let out = say(&d, &key, Some("guild-a"), diagnose()).await;
    assert!(out.contains("Many checks have been started here"), "{out}");
    let out = say(&d, &key, Some("guild-b"), diagnose()).await;
    assert!(!out.contains("You can check again"), "{out}");
    assert_eq!(prober.0.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_record_from_a_newer_build_is_left_alone_and_explained() {
    let store = Arc::new(MemStore::default());
    let key = SessionKey::new("console", "local", "bob");
    let future = br#"{"v": 9, "session": {"anything": true}}"#.to_vec();
    store.insert_raw(&key, future.clone());
    let d = driver(
        lab(),
        store.clone(),
        Counting::default(),
        AdmissionConfig::default(),
    );
    let out = say(&d, &key, None, diagnose()).await;
    assert!(out.contains("newer version of vm-doctor"), "{out}");
    assert_eq!(store.raw(&key), Some(future));
}

#[tokio::test]
async fn sessions_are_pruned_while_running() {
    let store = Arc::new(MemStore::default());
    let old = SessionKey::new("console", "local", "old");
    let fresh = SessionKey::new("console", "local", "fresh");
    store
        .save(&old, &vmd_core::session::Session::new(1))
        .unwrap();
    store
        .save(
            &fresh,
            &vmd_core::session::Session::new(vmd_runtime::driver::now_ms()),
        )
        .unwrap();
    let d = Arc::new(driver(
        lab(),
        store.clone(),
        Counting::default(),
        AdmissionConfig::default(),
    ));
    let task = vmd_runtime::driver::spawn_housekeeping(
        d,
        Duration::from_secs(3600),
        Duration::from_millis(20),
    );
    // Wait (bounded) for a round of housekeeping.
    for _ in 0..250 {
        if store.load(&old).unwrap().is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    task.abort();
    assert!(
        store.load(&old).unwrap().is_none(),
        "the idle session is pruned"
    );
    assert!(store.load(&fresh).unwrap().is_some());
}

/// A session stored in the middle of a probe, found by a later process: the
/// store lists it, and the next turn for it (whatever the user sent) runs the
/// probe again first; a click aimed at "still checking" is not misapplied.
#[tokio::test]
async fn a_probe_left_by_a_stopped_process_is_taken_up() {
    let store = Arc::new(MemStore::default());
    let key = SessionKey::new("discord", "42", "7");
    let done = SessionKey::new("discord", "43", "7");
    let loc = Localizer::embedded().unwrap();
    let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
    let e = Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: 3_600_000,
            policy: lab(),
            egress: Vec::new(),
        },
    );
    let now = vmd_runtime::driver::now_ms();
    let mut s = vmd_core::session::Session::new(now);
    e.handle(&mut s, diagnose(), now);
    assert!(s.waits_on_runtime());
    store.save(&key, &s).unwrap();
    // An old one, past its idle time, is left to expire.
    let mut old = vmd_core::session::Session::new(0);
    e.handle(&mut old, diagnose(), 1);
    store
        .save(&SessionKey::new("discord", "44", "7"), &old)
        .unwrap();
    // One that is not in a probe is not listed.
    let mut asked = vmd_core::session::Session::new(now);
    e.handle(&mut asked, Input::Command(Command::Status), now);
    store.save(&done, &asked).unwrap();

    let prober = Counting::default();
    let d = driver(
        lab(),
        store.clone(),
        prober.clone(),
        AdmissionConfig::default(),
    );
    assert_eq!(d.interrupted().unwrap(), vec![key.clone()]);
    // The user clicks something meanwhile: the probe runs, the click is dropped.
    let out = say(&d, &key, None, Input::Choose("yes".into())).await;
    assert_eq!(prober.0.load(Ordering::SeqCst), 1, "{out}");
    assert!(out.contains("checking again now"), "{out}");
    assert!(!out.contains("didn't catch"), "{out}");
    let s = d.session(&key).unwrap().unwrap();
    assert!(matches!(s.phase, Phase::Step(_)), "{:?}", s.phase);
    assert!(s.answers.is_empty());
    assert!(d.interrupted().unwrap().is_empty());
    // A resume sent by an adapter at start-up does the same, once.
    let mut again = vmd_core::session::Session::new(now);
    e.handle(&mut again, diagnose(), now);
    store.save(&key, &again).unwrap();
    say(&d, &key, None, Input::Resume).await;
    assert_eq!(prober.0.load(Ordering::SeqCst), 2);
}

// ----- the one authorisation point (issue 18) -------------------------------

use vmd_runtime::admission::Caller;
use vmd_runtime::kit::limits::{Limit, RateLimiter};

async fn say_as(
    d: &Driver<Counting, Arc<MemStore>>,
    key: &SessionKey,
    caller: Caller<'_>,
    input: Input,
) -> String {
    let loc = Localizer::embedded().unwrap();
    let mut text = String::new();
    let mut sink = |ev: Outgoing| {
        if let Outgoing::Reply { lang, reply } = ev {
            text.push_str(&render::plain(&loc, lang, &reply));
            text.push('\n');
        }
    };
    d.turn_as(key, caller, input, None, &mut sink)
        .await
        .unwrap();
    text
}

/// Host names for these tests: `web.example.com` is in the lab; anything
/// else is not found. Counts the lookups.
#[derive(Clone, Default)]
struct Names(Arc<AtomicUsize>);

impl vmd_runtime::driver::NameLookup for Names {
    fn lookup(
        &self,
        name: &str,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = std::io::Result<Vec<std::net::IpAddr>>> + Send>,
    > {
        self.0.fetch_add(1, Ordering::SeqCst);
        let found = (name == "web.example.com").then(|| vec!["203.0.113.25".parse().unwrap()]);
        Box::pin(async move { found.ok_or_else(|| std::io::Error::other("no such name")) })
    }
}

/// Every way a turn can come to set a target or start a probe, for a caller
/// the platform describes as refused: nothing is probed or looked up.
#[tokio::test]
async fn every_input_path_meets_the_authorisation_point() {
    let refused = [
        (
            Caller {
                role_missing: true,
                ..Caller::default()
            },
            "needs a role",
        ),
        (
            Caller {
                place_refused: true,
                ..Caller::default()
            },
            "can't be started from here",
        ),
    ];
    for (caller, why) in refused {
        let store = Arc::new(MemStore::default());
        let prober = Counting::default();
        let names = Names::default();
        let d = driver(lab(), store, prober.clone(), AdmissionConfig::default())
            .with_name_lookup(Arc::new(names.clone()));
        let key = SessionKey::new("discord", "c", "mallory");
        let paths: Vec<Vec<Input>> = vec![
            // The command.
            vec![diagnose()],
            // The command typed as text, and a sentence with an address.
            vec![Input::Text("/diagnose 203.0.113.10 linux".into())],
            // `/restart`, `/back`, `/status`, `/lang`, then the typed answers.
            vec![
                Input::Command(Command::Restart),
                Input::Text("203.0.113.10".into()),
                Input::Text("linux".into()),
            ],
            vec![
                Input::Command(Command::Back),
                Input::Text("203.0.113.11".into()),
                Input::Text("linux".into()),
            ],
            vec![
                Input::Command(Command::Status),
                Input::Text("203.0.113.12".into()),
                Input::Text("linux".into()),
            ],
            vec![
                Input::Command(Command::Lang(Lang::En)),
                Input::Command(Command::Restart),
                Input::Text("203.0.113.13".into()),
                Input::Text("linux".into()),
            ],
            // A host name.
            vec![Input::Text("/diagnose web.example.com linux".into())],
        ];
        for path in paths {
            let mut out = String::new();
            for input in path {
                out.push_str(&say_as(&d, &key, caller, input).await);
            }
            assert!(out.contains(why), "{out}");
            assert_eq!(prober.0.load(Ordering::SeqCst), 0, "{out}");
            assert_eq!(names.0.load(Ordering::SeqCst), 0, "{out}");
            let s = d.session(&key).unwrap().unwrap();
            assert_eq!(s.target, None, "a refused first probe keeps no address");
        }
    }
}

/// A diagnosis started where it may: a re-check asked from a place that may
/// not start probes (a click or an answer in a channel off the list) is
/// refused too, and the conversation stays at its step.
#[tokio::test]
async fn a_recheck_from_a_refused_place_is_refused() {
    let store = Arc::new(MemStore::default());
    let prober = Counting::default();
    let d = driver(lab(), store, prober.clone(), AdmissionConfig::default());
    let key = SessionKey::new("discord", "c", "alice");
    let (step, option) = to_recheck(&d, &key).await;
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
    let elsewhere = Caller {
        place_refused: true,
        ..Caller::default()
    };
    let out = say_as(&d, &key, elsewhere, Input::Choose(option)).await;
    assert!(out.contains("can't be started from here"), "{out}");
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
    assert_eq!(d.session(&key).unwrap().unwrap().phase, Phase::Step(step));
}

/// The adapter's start limit is charged by the driver, so `/restart` and a
/// typed address count as a start like `/diagnose` does.
#[tokio::test]
async fn the_start_limit_holds_on_every_path() {
    let store = Arc::new(MemStore::default());
    let prober = Counting::default();
    let d = driver(lab(), store, prober.clone(), AdmissionConfig::default());
    let starts = RateLimiter::new(
        Limit {
            max: 1,
            per: Duration::from_secs(3600),
        },
        Limit {
            max: 100,
            per: Duration::from_secs(3600),
        },
    );
    let caller = Caller {
        space: Some("guild"),
        starts: Some(&starts),
        ..Caller::default()
    };
    let key = SessionKey::new("discord", "c", "mallory");
    say_as(&d, &key, caller, diagnose()).await;
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
    let mut out = String::new();
    for input in [
        Input::Command(Command::Restart),
        Input::Text("203.0.113.20".into()),
        Input::Text("linux".into()),
    ] {
        out.push_str(&say_as(&d, &key, caller, input).await);
    }
    assert!(out.contains("started several diagnoses"), "{out}");
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
    // Another conversation of the same user: the same limit.
    let other = SessionKey::new("discord", "c2", "mallory");
    let out = say_as(&d, &other, caller, diagnose()).await;
    assert!(out.contains("started several diagnoses"), "{out}");
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
}

/// Item 7: a conversation whose every probe was refused leaves no outcome
/// line (nor the addresses typed), however often it is restarted.
#[tokio::test]
async fn refused_probes_log_no_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("outcomes.jsonl");
    let store = Arc::new(MemStore::default());
    let prober = Counting::default();
    let d = driver(lab(), store, prober.clone(), budget(1, 100, 100))
        .with_outcome_log(vmd_runtime::outcomes::OutcomeLog::new(&log));
    let key = SessionKey::new("console", "local", "mallory");
    // The one probe the budget allows, on another conversation.
    say(
        &d,
        &SessionKey::new("console", "first", "mallory"),
        None,
        diagnose(),
    )
    .await;
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
    for i in 0..20 {
        say(&d, &key, None, Input::Command(Command::Restart)).await;
        say(&d, &key, None, Input::Text(format!("203.0.113.{}", 30 + i))).await;
        let out = say(&d, &key, None, Input::Text("linux".into())).await;
        assert!(out.contains("You can check again in"), "{out}");
        assert_eq!(d.session(&key).unwrap().unwrap().target, None);
    }
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
    let lines = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(lines.is_empty(), "{lines}");
    // A diagnosis that probed is still logged when it is replaced.
    let first = SessionKey::new("console", "first", "mallory");
    say(&d, &first, None, Input::Command(Command::Restart)).await;
    let lines = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(lines.lines().count(), 1, "{lines}");
}

/// Item 10: a host-name lookup spends the user's budget like a probe.
#[tokio::test]
async fn lookups_spend_the_user_budget() {
    let store = Arc::new(MemStore::default());
    let prober = Counting::default();
    let names = Names::default();
    let d = driver(lab(), store, prober.clone(), budget(3, 100, 100))
        .with_name_lookup(Arc::new(names.clone()));
    let key = SessionKey::new("discord", "c", "mallory");
    let mut refused = 0;
    for i in 0..10 {
        let out = say(
            &d,
            &key,
            None,
            Input::Text(format!("/diagnose nothing{i}.example linux")),
        )
        .await;
        if out.contains("You've started a lot of checks") {
            refused += 1;
        }
    }
    assert_eq!(names.0.load(Ordering::SeqCst), 3);
    assert_eq!(refused, 7);
    assert_eq!(prober.0.load(Ordering::SeqCst), 0);
}

/// A lookup that holds until the test lets it go; counts those in flight.
#[derive(Clone)]
struct Slow {
    gate: Arc<tokio::sync::Semaphore>,
    now: Arc<AtomicUsize>,
    max: Arc<AtomicUsize>,
}

impl vmd_runtime::driver::NameLookup for Slow {
    fn lookup(
        &self,
        _name: &str,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = std::io::Result<Vec<std::net::IpAddr>>> + Send>,
    > {
        let me = self.clone();
        Box::pin(async move {
            let n = me.now.fetch_add(1, Ordering::SeqCst) + 1;
            me.max.fetch_max(n, Ordering::SeqCst);
            let _p = me.gate.acquire().await.expect("gate");
            me.now.fetch_sub(1, Ordering::SeqCst);
            Err(std::io::Error::other("no such name"))
        })
    }
}

/// Item 10: lookups in flight are capped over all users.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_in_flight_are_capped() {
    let slow = Slow {
        gate: Arc::new(tokio::sync::Semaphore::new(0)),
        now: Arc::new(AtomicUsize::new(0)),
        max: Arc::new(AtomicUsize::new(0)),
    };
    let d = Arc::new(
        driver(
            lab(),
            Arc::new(MemStore::default()),
            Counting::default(),
            AdmissionConfig::default(),
        )
        .with_name_lookup(Arc::new(slow.clone()))
        .with_lookup_limit(2),
    );
    let mut tasks = Vec::new();
    for u in 0..6 {
        let d = d.clone();
        tasks.push(tokio::spawn(async move {
            let key = SessionKey::new("discord", "c", &format!("u{u}"));
            say(
                &d,
                &key,
                None,
                Input::Text("/diagnose a.example linux".into()),
            )
            .await
        }));
    }
    // Two lookups start; the others wait for a slot however long we wait.
    for _ in 0..500 {
        if slow.now.load(Ordering::SeqCst) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for _ in 0..20 {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(slow.now.load(Ordering::SeqCst), 2);
    slow.gate.add_permits(100);
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(slow.max.load(Ordering::SeqCst), 2);
}

/// Item 13: `/lang`, `/status`, `/back`, `/help` and `/ticket` on nothing
/// store no session; a diagnosis does.
#[tokio::test]
async fn commands_on_nothing_store_no_session() {
    let store = Arc::new(MemStore::default());
    let d = driver(
        lab(),
        store.clone(),
        Counting::default(),
        AdmissionConfig::default(),
    );
    for (u, cmd) in [
        Command::Lang(Lang::Ko),
        Command::Status,
        Command::Back,
        Command::Help,
        Command::Ticket,
    ]
    .into_iter()
    .enumerate()
    {
        let key = SessionKey::new("discord", "c", &format!("u{u}"));
        say(&d, &key, None, Input::Command(cmd)).await;
        assert!(store.load(&key).unwrap().is_none(), "{key:?}");
    }
    // The language choice itself is kept, as a preference.
    assert_eq!(store.user_lang("discord", "u0").unwrap(), Some(Lang::Ko));
    let key = SessionKey::new("discord", "c", "u9");
    say(&d, &key, None, diagnose()).await;
    assert!(store.load(&key).unwrap().is_some());
}
