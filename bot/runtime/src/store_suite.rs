//! The store test suite every backend passes (sled here; PostgreSQL in
//! `vmd-store-pg`'s tests): the same checks, the same expectations.
//! Test-only (feature `fake`, or the crate's own tests).

use crate::store::{encode, Store, StoreError, MAX_RECORD_BYTES};
use vmd_core::command::Lang;
use vmd_core::session::{Answer, Phase, Session, SessionKey};

/// What the suite needs beyond [`Store`]: writing and reading a record's
/// bytes as they are, and the quarantine's size.
pub trait RawStore: Store {
    fn put_raw(&self, key: &SessionKey, bytes: Vec<u8>);
    fn get_raw(&self, key: &SessionKey) -> Option<Vec<u8>>;
    fn quarantine_len(&self) -> usize;
}

/// One named check of the suite.
type Check<S> = (&'static str, fn(&S));

/// Every check, each on a fresh empty store from `fresh`.
pub fn run_all<S: RawStore>(fresh: &dyn Fn() -> S) {
    let checks: &[Check<S>] = &[
        ("round_trip", round_trip),
        ("newer_records_are_left_alone", newer_records_are_left_alone),
        (
            "undecodable_records_go_to_quarantine",
            undecodable_records_go_to_quarantine,
        ),
        (
            "oversized_sessions_are_trimmed",
            oversized_sessions_are_trimmed,
        ),
        ("prune_removes_idle_sessions", prune_removes_idle_sessions),
        (
            "interrupted_lists_waiting_sessions",
            interrupted_lists_waiting_sessions,
        ),
        ("idle_preferences_are_pruned", idle_preferences_are_pruned),
        (
            "concurrent_new_saves_all_succeed",
            concurrent_new_saves_all_succeed,
        ),
    ];
    for (name, check) in checks {
        eprintln!("store suite: {name}");
        check(&fresh());
    }
}

pub fn round_trip<S: RawStore>(st: &S) {
    let key = SessionKey::new("discord", "c\u{1f}x", "u:1");
    assert!(st.load(&key).unwrap().is_none());
    let mut s = Session::new(42);
    s.target = Some("203.0.113.5".parse().unwrap());
    s.phase = Phase::AskOs;
    st.save(&key, &s).unwrap();
    let back = st.load(&key).unwrap().unwrap();
    assert_eq!(back.target, s.target);
    assert_eq!(back.phase, Phase::AskOs);
    assert_eq!(back.updated_ms, 42);
    s.phase = Phase::New;
    st.save(&key, &s).unwrap();
    assert_eq!(st.load(&key).unwrap().unwrap().phase, Phase::New);
    st.delete(&key).unwrap();
    assert!(st.load(&key).unwrap().is_none());
    st.set_user_lang("discord", "u:1", Lang::Ko).unwrap();
    assert_eq!(st.user_lang("discord", "u:1").unwrap(), Some(Lang::Ko));
    assert_eq!(st.user_lang("slack", "u:1").unwrap(), None);
}

pub fn newer_records_are_left_alone<S: RawStore>(st: &S) {
    let key = SessionKey::new("c", "c", "future");
    let future = br#"{"v": 2, "session": {"updated_ms": 0}}"#.to_vec();
    st.put_raw(&key, future.clone());
    assert!(matches!(
        st.load(&key),
        Err(StoreError::TooNew { found: 2 })
    ));
    assert!(matches!(
        st.save(&key, &Session::new(1)),
        Err(StoreError::TooNew { found: 2 })
    ));
    assert_eq!(st.prune(u64::MAX).unwrap(), 0);
    assert!(st.interrupted().unwrap().is_empty());
    assert_eq!(st.get_raw(&key), Some(future));
    assert_eq!(st.quarantine_len(), 0);
}

pub fn undecodable_records_go_to_quarantine<S: RawStore>(st: &S) {
    let key = SessionKey::new("c", "c", "broken");
    let broken = br#"{"v": 1, "session": 42}"#.to_vec();
    st.put_raw(&key, broken);
    assert!(matches!(st.load(&key), Err(StoreError::Corrupt(_))));
    // Saving over it keeps the broken record aside first.
    st.save(&key, &Session::new(7)).unwrap();
    assert_eq!(st.load(&key).unwrap().unwrap().updated_ms, 7);
    assert_eq!(st.quarantine_len(), 1);
}

pub fn oversized_sessions_are_trimmed<S: RawStore>(st: &S) {
    let key = SessionKey::new("c", "c", "big");
    let mut s = Session::new(1);
    s.target = Some("203.0.113.5".parse().unwrap());
    for i in 0..200 {
        s.answers.push(Answer {
            at_ms: i,
            step: "x".into(),
            option: None,
            value: Some("v".repeat(2000)),
            inferred: false,
        });
    }
    assert!(encode(&s).unwrap().len() > MAX_RECORD_BYTES);
    st.save(&key, &s).unwrap();
    let raw = st.get_raw(&key).unwrap();
    assert!(raw.len() <= MAX_RECORD_BYTES, "{}", raw.len());
    let back = st.load(&key).unwrap().unwrap();
    assert_eq!(back.target, s.target);
    assert_eq!(back.answers.last(), s.answers.last());
}

pub fn prune_removes_idle_sessions<S: RawStore>(st: &S) {
    let old = SessionKey::new("console", "c", "old");
    let new = SessionKey::new("console", "c", "new");
    st.save(&old, &Session::new(100)).unwrap();
    st.save(&new, &Session::new(10_000)).unwrap();
    let mut shown = Vec::new();
    let n = st
        .prune_with(5_000, &mut |k, s| shown.push((k.clone(), s.updated_ms)))
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(shown, vec![(old.clone(), 100)]);
    assert!(st.load(&old).unwrap().is_none());
    assert!(st.load(&new).unwrap().is_some());
}

pub fn interrupted_lists_waiting_sessions<S: RawStore>(st: &S) {
    let waiting = SessionKey::new("slack", "C1/1700000000.000100", "U1");
    let mut s = Session::new(5);
    s.phase = Phase::Resolving("web.example.com".into());
    st.save(&waiting, &s).unwrap();
    st.save(&SessionKey::new("slack", "C1/2", "U1"), &Session::new(5))
        .unwrap();
    assert_eq!(st.interrupted().unwrap(), vec![waiting.clone()]);
    // Saved again past the wait: no longer listed.
    s.phase = Phase::AskOs;
    st.save(&waiting, &s).unwrap();
    assert!(st.interrupted().unwrap().is_empty());
}

pub fn idle_preferences_are_pruned<S: RawStore>(st: &S) {
    st.set_user_lang("discord", "gone", Lang::Ko).unwrap();
    st.set_user_lang("discord", "here", Lang::Ko).unwrap();
    st.save(
        &SessionKey::new("discord", "c1", "here"),
        &Session::new(u64::MAX / 2),
    )
    .unwrap();
    st.prune(1).unwrap();
    assert_eq!(st.user_lang("discord", "gone").unwrap(), Some(Lang::Ko));
    st.prune(u64::MAX / 4).unwrap();
    assert_eq!(st.user_lang("discord", "gone").unwrap(), None);
    assert_eq!(st.user_lang("discord", "here").unwrap(), Some(Lang::Ko));
}

pub fn concurrent_new_saves_all_succeed<S: RawStore>(st: &S) {
    std::thread::scope(|scope| {
        for t in 0..8 {
            scope.spawn(move || {
                for i in 0..10 {
                    let key = SessionKey::new("console", "c", &format!("u{t}-{i}"));
                    st.save(&key, &Session::new(1)).unwrap();
                }
            });
        }
    });
    for t in 0..8 {
        for i in 0..10 {
            let key = SessionKey::new("console", "c", &format!("u{t}-{i}"));
            assert!(st.load(&key).unwrap().is_some(), "{key:?} lost");
        }
    }
}
