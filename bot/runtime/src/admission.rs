//! The one admission point every probe passes through.
//!
//! The driver asks [`Admission::admit`] before it runs any `Effect::Probe`,
//! whatever started it (a new diagnosis, `/restart` and a new address, a typed
//! port, "check again", or a probe re-issued on `Resume`). In order:
//!
//! 1. the **target policy in force now** (an operator may have tightened it
//!    since the address was stored);
//! 2. the **port policy**: every port allowed, and at most N distinct ports
//!    per conversation;
//! 3. at most M probes **running at once per user**, over all their
//!    conversations (so one user can't hold every global probe slot);
//! 4. token buckets (GCRA) **per user**, **per user and target**
//!    (a share: one user can spend at most half of a target's budget, so one
//!    account can't hold an address for everyone else), **per target** (IPv6:
//!    its /64, so many users can't hammer one address through the bot either)
//!    and **per platform space** (a Discord guild, a Slack workspace; the
//!    console is one space).
//!
//! Before all of these the driver asks [`Admission::authorize`] with the
//! [`Caller`] facts the adapter gave the turn (role, channel, start limit):
//! the one authorisation point for anything that sets a target or starts a
//! probe, whatever input path led there. Host-name lookups pass
//! [`Admission::admit_lookup`]: they spend the user's budget and are capped in
//! flight per user.
//!
//! Every bucket is asked first and spent only when all of them admit the
//! probe, so a request refused by one budget costs nothing from the others.
//!
//! Replicas sharing a store ([`crate::store::Store::shared_budgets`]:
//! PostgreSQL) share the buckets too: the same GCRA buckets, and the start
//! limit as one, are asked and spent in the database in one statement
//! ([`SharedBudgets::take`]), so N replicas never admit more than one
//! process would. The cap of running probes per user is shared the same
//! way ([`SharedBudgets::run_slot`]: a slot leased in the database while
//! the probe runs, so a crashed replica's slot frees itself), and so is the
//! cap of a user's host-name lookups in flight
//! ([`SharedBudgets::lookup_slot`]). A database
//! that does not answer falls back to this process's own buckets and count
//! (logged); the turn then finds the store unavailable anyway.
//!
//! A refusal is a [`ProbeRefusal`]; the driver feeds it to the engine, which
//! says why in the user's language and goes back to where it was.

use governor::clock::{Clock, DefaultClock, Reference};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use vmd_core::limits::{Budget, ProbeRefusal};
use vmd_core::policy::TargetPolicy;
use vmd_core::probe::ProbeRequest;
use vmd_core::session::{Session, SessionKey};

use crate::kit::limits::RateLimiter as StartLimiter;
use crate::store::StoreError;

/// One bucket asked of a shared budget store: its key (the bucket's kind
/// and its own key) and its GCRA rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedAsk {
    pub key: String,
    /// The time one token takes to come back.
    pub interval: Duration,
    /// How far ahead of now a bucket's arrival time may run (a full
    /// bucket's burst less one token).
    pub tolerance: Duration,
}

/// Token buckets kept where every replica sees them (PostgreSQL).
pub trait SharedBudgets: Send + Sync {
    /// Asks every bucket of `asks` and spends one token of each only when
    /// all of them have one: `Ok(None)`; otherwise the index of the first
    /// bucket that refused and how long until it has a token.
    fn take(&self, asks: &[SharedAsk]) -> Result<Option<(usize, Duration)>, StoreError>;

    /// Takes one of `user`'s `max` running-probe slots, counted over every
    /// replica: `Ok(None)` when all are taken. The slot is held until the
    /// returned guard drops; one a dead replica left frees itself when its
    /// lease expires.
    fn run_slot(&self, user: &str, max: u32) -> Result<Option<Box<dyn SlotGuard>>, StoreError>;

    /// Takes one of `user`'s `max` slots of host-name lookups in flight,
    /// counted over every replica, as [`SharedBudgets::run_slot`] does for
    /// probes.
    fn lookup_slot(&self, user: &str, max: u32) -> Result<Option<Box<dyn SlotGuard>>, StoreError>;
}

/// A slot of a shared per-user cap (a running probe, a lookup in flight)
/// held in a shared store; dropping it frees the slot.
pub trait SlotGuard: Send + Sync {}

/// What the platform says about a turn's sender and the place it came from:
/// the facts the one authorisation point ([`Admission::authorize`]) decides
/// on whenever a turn would set a target or start a probe, whatever input
/// path it came by (a command, a click, a form, a typed answer, a paste, a
/// mention). The adapter only states facts; the driver decides.
#[derive(Clone, Copy, Default)]
pub struct Caller<'a> {
    /// The platform space (guild, workspace), with its own probe budget;
    /// `None`: the whole platform is one space.
    pub space: Option<&'a str>,
    /// The place the turn came from (a channel off the allowlist) may not
    /// start diagnoses.
    pub place_refused: bool,
    /// The sender lacks the role the operator requires for probes.
    pub role_missing: bool,
    /// The adapter's diagnosis-start limit (per user and space), charged once
    /// per turn that starts a conversation's first probe or lookup.
    pub starts: Option<&'a StartLimiter>,
    /// The sender holds the support role (Discord's support role, Slack's
    /// support user group, the console's operator): the engine shows them
    /// the provider's rule details ([`vmd_core::engine::Viewer::Support`]).
    pub support: bool,
}

impl<'a> Caller<'a> {
    /// A caller in `space` with no platform restrictions (the console, a
    /// probe a stopped process left under way).
    pub fn in_space(space: Option<&'a str>) -> Caller<'a> {
        Caller {
            space,
            ..Caller::default()
        }
    }
}

/// `burst` probes at once, refilled evenly over `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub per: Duration,
}

impl Rate {
    pub const fn new(burst: u32, per_secs: u64) -> Rate {
        Rate {
            burst,
            per: Duration::from_secs(per_secs),
        }
    }

    /// Parses `N/SECONDS`, e.g. `10/600`.
    pub fn parse(s: &str) -> Option<Rate> {
        let (n, secs) = s.split_once('/')?;
        let burst: u32 = n.trim().parse().ok()?;
        let secs: u64 = secs.trim().parse().ok()?;
        (burst > 0 && secs > 0).then(|| Rate::new(burst, secs))
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.burst, self.per.as_secs())
    }
}

/// The budgets. Defaults: a user 10 probes per 10 minutes, a target 10 per
/// 10 minutes of which one user may spend at most half, a space 120 per 10
/// minutes, 2 running at once per user, 2 host-name lookups in flight per user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdmissionConfig {
    pub per_user: Rate,
    pub per_space: Rate,
    pub per_target: Rate,
    pub max_running_per_user: u32,
    /// Host-name lookups one user may have in flight at once.
    pub max_lookups_per_user: u32,
}

impl Default for AdmissionConfig {
    fn default() -> Self {
        AdmissionConfig {
            per_user: Rate::new(10, 600),
            per_space: Rate::new(120, 600),
            per_target: Rate::new(10, 600),
            max_running_per_user: 2,
            max_lookups_per_user: 2,
        }
    }
}

impl AdmissionConfig {
    /// One user's share of one target's budget: half of it (at least one
    /// probe), and never more than the user's own budget.
    pub fn per_user_target(&self) -> Rate {
        let half = (self.per_target.burst / 2).max(1);
        Rate {
            burst: half.min(self.per_user.burst),
            per: self.per_target.per,
        }
    }
}

/// Keyed token buckets (GCRA: one theoretical arrival time per key, in
/// nanoseconds of the admission clock) that can be asked without spending.
struct Buckets {
    /// Nanoseconds per token.
    interval: u64,
    /// How far ahead of now the arrival time may run: a full bucket's burst.
    tolerance: u64,
    tat: Mutex<HashMap<String, u64>>,
}

impl Buckets {
    /// This bucket kind, for `key`, as a shared store is asked for it.
    fn shared(&self, kind: &str, key: &str) -> SharedAsk {
        SharedAsk {
            key: format!("{kind}:{key}"),
            interval: Duration::from_nanos(self.interval),
            tolerance: Duration::from_nanos(self.tolerance),
        }
    }

    fn new(r: Rate) -> Buckets {
        let burst = u64::from(r.burst.max(1));
        let per = u64::try_from(r.per.as_nanos()).unwrap_or(u64::MAX);
        let interval = (per / burst).max(1_000_000);
        Buckets {
            interval,
            tolerance: interval.saturating_mul(burst - 1),
            tat: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        self.tat.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `key` has a token at `now`, or how long until it has one.
    fn peek(&self, key: &str, now: u64) -> Result<(), Duration> {
        let tat = self.map().get(key).copied().unwrap_or(0).max(now);
        let ahead = tat - now;
        if ahead > self.tolerance {
            return Err(Duration::from_nanos(ahead - self.tolerance));
        }
        Ok(())
    }

    fn spend(&self, key: &str, now: u64) {
        let mut m = self.map();
        let tat = m.get(key).copied().unwrap_or(0).max(now);
        m.insert(key.to_owned(), tat.saturating_add(self.interval));
    }

    /// Forgets the keys whose bucket is full again.
    fn retain_recent(&self, now: u64) {
        let mut m = self.map();
        m.retain(|_, tat| *tat > now);
        m.shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.map().len()
    }
}

/// A start limit (a sliding window of `max` per `per`) as a shared bucket.
fn start_ask(kind: &str, platform: &str, who: &str, l: crate::kit::limits::Limit) -> SharedAsk {
    let max = u64::from(l.max.max(1));
    let interval = (l.per / l.max.max(1)).max(Duration::from_millis(1));
    SharedAsk {
        key: format!("{kind}:{platform}\u{1f}{who}"),
        interval,
        tolerance: interval.saturating_mul((max - 1) as u32),
    }
}

fn refusal(budget: Budget, wait: Duration) -> ProbeRefusal {
    ProbeRefusal::Rate {
        budget,
        retry_after_s: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    }
}

/// Budgets and policies for every probe. See the module docs.
pub struct Admission<C: Clock = DefaultClock> {
    cfg: AdmissionConfig,
    clock: C,
    /// The clock's reading when this was built (bucket times count from it).
    epoch: C::Instant,
    user: Buckets,
    space: Buckets,
    target: Buckets,
    /// One user's share of one target (`user\u{1f}target`).
    share: Buckets,
    running: Mutex<HashMap<String, u32>>,
    lookups: Mutex<HashMap<String, u32>>,
    /// The buckets every replica shares, when the store keeps them.
    shared: Option<Arc<dyn SharedBudgets>>,
}

/// Held while an admitted host-name lookup runs.
pub struct LookupPermit<'a>(#[allow(dead_code)] Permit<'a>);

/// Held while an admitted probe runs; counts towards the user's running probes.
pub struct Permit<'a> {
    running: &'a Mutex<HashMap<String, u32>>,
    user: String,
    /// The user's slot in the shared store (freed after this process's
    /// count, when the permit drops).
    #[allow(dead_code)]
    slot: Option<Box<dyn SlotGuard>>,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut m = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.user);
            }
        }
    }
}

impl Admission<DefaultClock> {
    pub fn new(cfg: AdmissionConfig) -> Self {
        Admission::with_clock(cfg, DefaultClock::default())
    }
}

/// The per-target key: the address, or the /64 of an IPv6 address.
pub fn target_key(ip: IpAddr) -> String {
    match vmd_core::policy::canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

impl<C: Clock + Clone> Admission<C> {
    pub fn with_clock(cfg: AdmissionConfig, clock: C) -> Self {
        Admission {
            user: Buckets::new(cfg.per_user),
            space: Buckets::new(cfg.per_space),
            target: Buckets::new(cfg.per_target),
            share: Buckets::new(cfg.per_user_target()),
            epoch: clock.now(),
            cfg,
            clock,
            running: Mutex::new(HashMap::new()),
            lookups: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// Keeps the token buckets (and the start limit) in `shared`, where
    /// every replica spends them; this process's own buckets are then used
    /// only while the shared store does not answer.
    pub fn with_shared(mut self, shared: Option<Arc<dyn SharedBudgets>>) -> Self {
        self.shared = shared;
        self
    }

    /// Whether the buckets are shared with other replicas.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Asks the shared buckets: `Some(answer)` when they answered, `None`
    /// when there are none or the store failed (then the caller asks its own).
    fn take_shared(&self, asks: &[SharedAsk]) -> Option<Option<(usize, Duration)>> {
        let shared = self.shared.as_ref()?;
        match shared.take(asks) {
            Ok(r) => Some(r),
            Err(e) => {
                tracing::warn!(error = %e, "shared probe budgets unavailable; this replica's own apply");
                None
            }
        }
    }

    /// The one authorisation point: may this caller look a name up or
    /// start a probe (of `probe`, checked against `policy` before anything
    /// is charged) at all? `first` says whether this starts the
    /// conversation's first probe or lookup: then the start limit is charged
    /// (`now` is the start limiter's clock). Refusals are data the engine
    /// words.
    pub fn authorize(
        &self,
        key: &SessionKey,
        caller: &Caller<'_>,
        first: bool,
        now: std::time::Instant,
        probe: Option<(&TargetPolicy, &ProbeRequest)>,
    ) -> Result<(), ProbeRefusal> {
        if caller.place_refused {
            return Err(ProbeRefusal::PlaceNotAllowed);
        }
        if caller.role_missing {
            return Err(ProbeRefusal::RoleRequired);
        }
        // An address the policy refuses costs no start.
        if let Some((policy, req)) = probe {
            if let Err(refusal) = policy.check(req.target) {
                return Err(ProbeRefusal::Target {
                    ip: req.target,
                    refusal,
                });
            }
        }
        if let (true, Some(limiter)) = (first, caller.starts) {
            let shared = self.shared.as_ref().and_then(|_| {
                let (user, space) = limiter.limits();
                let mut asks = vec![start_ask("start-user", &key.platform, &key.user, user)];
                if let Some(sp) = caller.space {
                    asks.push(start_ask("start-space", &key.platform, sp, space));
                }
                self.take_shared(&asks)
            });
            let checked = match shared {
                Some(None) => Ok(()),
                Some(Some((_, wait))) => Err(wait),
                None => limiter.check(&key.user, caller.space, now),
            };
            if let Err(wait) = checked {
                crate::telemetry::rate_limited(&key.platform);
                return Err(ProbeRefusal::Rate {
                    budget: Budget::Starts,
                    retry_after_s: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
                });
            }
        }
        Ok(())
    }

    /// May this user look a host name up now? A lookup spends one token of
    /// the user's probe budget and counts towards the user's lookups in
    /// flight until the returned permit is dropped.
    pub fn admit_lookup(&self, key: &SessionKey) -> Result<LookupPermit<'_>, ProbeRefusal> {
        let user = format!("{}\u{1f}{}", key.platform, key.user);
        // The same order of locks as `admit`: buckets are asked and spent
        // under `running`.
        let _running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        let mut lookups = self.lookups.lock().unwrap_or_else(|p| p.into_inner());
        if lookups.get(&user).copied().unwrap_or(0) >= self.cfg.max_lookups_per_user {
            return Err(ProbeRefusal::Busy {
                max: self.cfg.max_lookups_per_user,
            });
        }
        *lookups.entry(user.clone()).or_insert(0) += 1;
        drop(lookups);
        // Counted in flight from here; dropped on a refusal.
        let mut permit = LookupPermit(Permit {
            running: &self.lookups,
            user: user.clone(),
            slot: None,
        });
        if let Some(shared) = &self.shared {
            drop(_running);
            // The user's lookups in flight over every replica, before the
            // budget is spent (a busy user costs nothing).
            let max = self.cfg.max_lookups_per_user;
            match shared.lookup_slot(&user, max) {
                Ok(Some(slot)) => permit.0.slot = Some(slot),
                Ok(None) => return Err(ProbeRefusal::Busy { max }),
                Err(e) => {
                    tracing::warn!(error = %e, "shared lookup count unavailable; this replica's own applies");
                }
            }
            match self.take_shared(&[self.user.shared("user", &user)]) {
                Some(None) => return Ok(permit),
                Some(Some((_, wait))) => return Err(refusal(Budget::User, wait)),
                None => {}
            }
        }
        let now = self.now();
        self.user
            .peek(&user, now)
            .map_err(|wait| refusal(Budget::User, wait))?;
        self.user.spend(&user, now);
        Ok(permit)
    }

    /// Lookups in flight now, over all users (tests).
    pub fn lookups_in_flight(&self) -> u32 {
        self.lookups
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .sum()
    }

    pub fn config(&self) -> &AdmissionConfig {
        &self.cfg
    }

    /// Nanoseconds of the admission clock since this was built.
    fn now(&self) -> u64 {
        self.clock.now().duration_since(self.epoch).as_u64()
    }

    /// May this probe run now? `space` is the platform space (guild,
    /// workspace); `None` counts the whole platform as one space.
    pub fn admit(
        &self,
        key: &SessionKey,
        space: Option<&str>,
        policy: &TargetPolicy,
        session: &Session,
        req: &ProbeRequest,
    ) -> Result<Permit<'_>, ProbeRefusal> {
        if let Err(refusal) = policy.check(req.target) {
            return Err(ProbeRefusal::Target {
                ip: req.target,
                refusal,
            });
        }
        // The request's own ports count too, one after another.
        let mut seen = session.ports_probed.clone();
        for p in &req.ports {
            if req.alternates {
                // The fixed list of ports a moved login service uses: the
                // allowed ranges apply, the distinct-port cap does not.
                policy.ports().check_alternate(p.port)?;
            } else {
                policy.ports().check(&seen, p.port)?;
                seen.push(p.port);
            }
        }
        let user = format!("{}\u{1f}{}", key.platform, key.user);
        // Held from the check of running probes to their increment, so two
        // turns of one user can't both pass the last slot.
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.get(&user).copied().unwrap_or(0) >= self.cfg.max_running_per_user {
            return Err(ProbeRefusal::Busy {
                max: self.cfg.max_running_per_user,
            });
        }
        let space_key = format!("{}\u{1f}{}", key.platform, space.unwrap_or("*"));
        let target = target_key(req.target);
        if self.shared.is_some() {
            // Counted as running from here (a refusal drops the permit), so
            // the database is asked without holding this process's lock.
            *running.entry(user.clone()).or_insert(0) += 1;
            drop(running);
            let mut permit = Permit {
                running: &self.running,
                user: user.clone(),
                slot: None,
            };
            // The user's running probes over every replica, before any
            // budget is spent (a busy user costs nothing).
            let max = self.cfg.max_running_per_user;
            match self.shared.as_ref().map(|s| s.run_slot(&user, max)) {
                Some(Ok(Some(slot))) => permit.slot = Some(slot),
                Some(Ok(None)) => return Err(ProbeRefusal::Busy { max }),
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "shared running-probe count unavailable; this replica's own applies");
                }
                None => {}
            }
            let share = format!("{user}\u{1f}{target}");
            let asks = [
                self.user.shared("user", &user),
                self.share.shared("share", &share),
                self.target.shared("target", &target),
                self.space.shared("space", &space_key),
            ];
            let budgets = [Budget::User, Budget::Target, Budget::Target, Budget::Space];
            match self.take_shared(&asks) {
                Some(None) => return Ok(permit),
                Some(Some((i, wait))) => return Err(refusal(budgets[i.min(3)], wait)),
                None => {
                    drop(permit);
                    running = self.running.lock().unwrap_or_else(|p| p.into_inner());
                    if running.get(&user).copied().unwrap_or(0) >= self.cfg.max_running_per_user {
                        return Err(ProbeRefusal::Busy {
                            max: self.cfg.max_running_per_user,
                        });
                    }
                }
            }
        }
        let checks = [
            (&self.user, user.clone(), Budget::User),
            (&self.share, format!("{user}\u{1f}{target}"), Budget::Target),
            (&self.target, target, Budget::Target),
            (&self.space, space_key, Budget::Space),
        ];
        // Every budget is asked before any is spent: a refusal costs nothing.
        let now = self.now();
        for (buckets, k, budget) in &checks {
            buckets
                .peek(k, now)
                .map_err(|wait| refusal(*budget, wait))?;
        }
        // The alternate-port check runs once, right after a first probe
        // these budgets admitted: it needs their room, and costs nothing of
        // it (a closed login port doesn't halve the user's re-checks).
        if !req.alternates {
            for (buckets, k, _) in &checks {
                buckets.spend(k, now);
            }
        }
        *running.entry(user.clone()).or_insert(0) += 1;
        Ok(Permit {
            running: &self.running,
            user,
            slot: None,
        })
    }

    /// Forgets budgets that are full again (call it now and then).
    pub fn housekeeping(&self) {
        let now = self.now();
        for l in [&self.user, &self.space, &self.target, &self.share] {
            l.retain_recent(now);
        }
    }

    /// Keys held by the budgets (for tests and logs).
    pub fn tracked(&self) -> usize {
        self.user.len() + self.space.len() + self.target.len() + self.share.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;
    use vmd_core::limits::{parse_port_list, PortPolicy};
    use vmd_core::policy::Refusal;
    use vmd_core::probe::{PortSpec, Service};

    fn req(ip: &str, ports: &[u16]) -> ProbeRequest {
        ProbeRequest {
            target: ip.parse().unwrap(),
            icmp: false,
            alternates: false,
            ports: ports
                .iter()
                .map(|&port| PortSpec {
                    port,
                    service: Some(Service::Ssh),
                })
                .collect(),
        }
    }

    fn policy() -> TargetPolicy {
        TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()])
    }

    fn cfg(user: Rate, space: Rate, target: Rate) -> AdmissionConfig {
        AdmissionConfig {
            per_user: user,
            per_space: space,
            per_target: target,
            max_running_per_user: 2,
            max_lookups_per_user: 2,
        }
    }

    #[test]
    fn user_budget_refills_and_says_when() {
        let clock = FakeRelativeClock::default();
        let a = Admission::with_clock(
            cfg(Rate::new(2, 60), Rate::new(100, 60), Rate::new(100, 60)),
            clock.clone(),
        );
        let k = SessionKey::new("discord", "c1", "u1");
        let s = Session::new(0);
        let r = req("203.0.113.5", &[22]);
        assert!(a.admit(&k, Some("g"), &policy(), &s, &r).is_ok());
        assert!(a.admit(&k, Some("g"), &policy(), &s, &r).is_ok());
        let e = a.admit(&k, Some("g"), &policy(), &s, &r).err().unwrap();
        assert_eq!(
            e,
            ProbeRefusal::Rate {
                budget: Budget::User,
                retry_after_s: 30
            }
        );
        // Another conversation of the same user shares the budget.
        let k2 = SessionKey::new("discord", "c2", "u1");
        assert!(a.admit(&k2, Some("g"), &policy(), &s, &r).is_err());
        // Another user does not.
        let other = SessionKey::new("discord", "c1", "u2");
        assert!(a.admit(&other, Some("g"), &policy(), &s, &r).is_ok());
        clock.advance(Duration::from_secs(30));
        assert!(a.admit(&k, Some("g"), &policy(), &s, &r).is_ok());
    }

    #[test]
    fn target_budget_stops_many_users_on_one_address() {
        let clock = FakeRelativeClock::default();
        let a = Admission::with_clock(
            cfg(Rate::new(100, 60), Rate::new(100, 60), Rate::new(3, 60)),
            clock,
        );
        let s = Session::new(0);
        for u in 0..3 {
            let k = SessionKey::new("discord", "c", &format!("u{u}"));
            assert!(a
                .admit(&k, None, &policy(), &s, &req("203.0.113.5", &[22]))
                .is_ok());
        }
        let k = SessionKey::new("discord", "c", "u9");
        let e = a
            .admit(&k, None, &policy(), &s, &req("203.0.113.5", &[22]))
            .err();
        assert!(matches!(
            e,
            Some(ProbeRefusal::Rate {
                budget: Budget::Target,
                ..
            })
        ));
        assert!(a
            .admit(&k, None, &policy(), &s, &req("203.0.113.6", &[22]))
            .is_ok());
        // IPv6 neighbours in one /64 are one target.
        assert_eq!(
            target_key("2001:db8:1:2::5".parse().unwrap()),
            target_key("2001:db8:1:2:ffff::1".parse().unwrap())
        );
        assert_ne!(
            target_key("2001:db8:1:2::5".parse().unwrap()),
            target_key("2001:db8:1:3::5".parse().unwrap())
        );
    }

    #[test]
    fn space_budget_is_per_space_and_the_console_is_one() {
        let a = Admission::with_clock(
            cfg(Rate::new(100, 60), Rate::new(2, 60), Rate::new(100, 60)),
            FakeRelativeClock::default(),
        );
        let s = Session::new(0);
        let r = req("203.0.113.5", &[22]);
        for u in 0..2 {
            let k = SessionKey::new("discord", "c", &format!("u{u}"));
            assert!(a.admit(&k, Some("guild-a"), &policy(), &s, &r).is_ok());
        }
        let k = SessionKey::new("discord", "c", "u3");
        assert!(matches!(
            a.admit(&k, Some("guild-a"), &policy(), &s, &r).err(),
            Some(ProbeRefusal::Rate {
                budget: Budget::Space,
                ..
            })
        ));
        assert!(a.admit(&k, Some("guild-b"), &policy(), &s, &r).is_ok());
        let c = SessionKey::new("console", "local", "x");
        assert!(a.admit(&c, None, &policy(), &s, &r).is_ok());
        assert!(a.admit(&c, None, &policy(), &s, &r).is_ok());
        assert!(a.admit(&c, None, &policy(), &s, &r).is_err());
    }

    #[test]
    fn policies_in_force_are_checked_at_every_probe() {
        let a = Admission::new(AdmissionConfig::default());
        let k = SessionKey::new("console", "local", "x");
        let s = Session::new(0);
        // A stored target that the policy no longer admits.
        let tight = TargetPolicy::default();
        assert_eq!(
            a.admit(&k, None, &tight, &s, &req("203.0.113.5", &[22]))
                .err(),
            Some(ProbeRefusal::Target {
                ip: "203.0.113.5".parse().unwrap(),
                refusal: Refusal::Documentation
            })
        );
        let p = policy().with_ports(PortPolicy::new(parse_port_list("22").unwrap(), 4));
        assert!(matches!(
            a.admit(&k, None, &p, &s, &req("203.0.113.5", &[22, 3389]))
                .err(),
            Some(ProbeRefusal::PortNotAllowed { port: 3389, .. })
        ));
        let mut s = Session::new(0);
        s.ports_probed = vec![22, 3389, 2222, 2223];
        assert!(matches!(
            a.admit(&k, None, &policy(), &s, &req("203.0.113.5", &[2224]))
                .err(),
            Some(ProbeRefusal::TooManyPorts { port: 2224, .. })
        ));
    }

    /// The alternate-port check (the ports a moved login service uses) is
    /// outside the per-conversation cap of distinct ports, and inside the
    /// allowed ranges and the budgets.
    #[test]
    fn the_alternate_port_check_is_outside_the_distinct_port_cap() {
        let a = Admission::new(AdmissionConfig::default());
        let k = SessionKey::new("console", "local", "alt");
        let mut s = Session::new(0);
        s.ports_probed = vec![22, 3389, 2022, 2023];
        let mut alt = req("203.0.113.5", &[2222, 22222, 2200, 8022]);
        // As the user's own ports: over the cap.
        assert!(matches!(
            a.admit(&k, None, &policy(), &s, &alt).err(),
            Some(ProbeRefusal::TooManyPorts { .. })
        ));
        alt.alternates = true;
        drop(a.admit(&k, None, &policy(), &s, &alt).expect("not counted"));
        // The allowed ranges still apply.
        let narrow = policy().with_ports(PortPolicy::new(parse_port_list("22,2222").unwrap(), 4));
        assert!(matches!(
            a.admit(&k, None, &narrow, &s, &alt).err(),
            Some(ProbeRefusal::PortNotAllowed { port: 22222, .. })
        ));
    }

    /// The alternate-port check needs room in every budget but spends none.
    #[test]
    fn the_alternate_port_check_needs_budget_room_and_spends_none() {
        let clock = FakeRelativeClock::default();
        let a = Admission::with_clock(
            cfg(Rate::new(2, 60), Rate::new(100, 60), Rate::new(100, 60)),
            clock,
        );
        let k = SessionKey::new("discord", "c1", "u1");
        let s = Session::new(0);
        let first = req("203.0.113.5", &[22]);
        let mut alt = req("203.0.113.5", &[2222, 22222, 2200, 8022]);
        alt.alternates = true;
        drop(a.admit(&k, Some("g"), &policy(), &s, &first).unwrap());
        for _ in 0..3 {
            drop(a.admit(&k, Some("g"), &policy(), &s, &alt).unwrap());
        }
        // The user's second probe still has its token...
        drop(a.admit(&k, Some("g"), &policy(), &s, &first).unwrap());
        // ...and with the budget spent, the check is refused too.
        assert!(matches!(
            a.admit(&k, Some("g"), &policy(), &s, &alt).err(),
            Some(ProbeRefusal::Rate {
                budget: Budget::User,
                ..
            })
        ));
    }

    #[test]
    fn running_probes_per_user_are_capped_and_released() {
        let a = Admission::new(AdmissionConfig::default());
        let s = Session::new(0);
        let r = req("203.0.113.5", &[22]);
        let k1 = SessionKey::new("discord", "c1", "u");
        let k2 = SessionKey::new("discord", "c2", "u");
        let p1 = a.admit(&k1, None, &policy(), &s, &r).unwrap();
        let p2 = a.admit(&k2, None, &policy(), &s, &r).unwrap();
        assert_eq!(
            a.admit(&k1, None, &policy(), &s, &r).err(),
            Some(ProbeRefusal::Busy { max: 2 })
        );
        drop(p1);
        let p3 = a.admit(&k1, None, &policy(), &s, &r).unwrap();
        drop((p2, p3));
        assert!(a.running.lock().unwrap().is_empty());
    }

    #[test]
    fn housekeeping_forgets_full_buckets() {
        let clock = FakeRelativeClock::default();
        let a = Admission::with_clock(AdmissionConfig::default(), clock.clone());
        let s = Session::new(0);
        for u in 0..50 {
            let k = SessionKey::new("discord", "c", &format!("u{u}"));
            let r = req(&format!("203.0.113.{u}"), &[22]);
            drop(a.admit(&k, Some("g"), &policy(), &s, &r).unwrap());
        }
        assert!(a.tracked() > 50);
        clock.advance(Duration::from_secs(3600));
        a.housekeeping();
        assert_eq!(a.tracked(), 0);
    }

    #[test]
    fn rate_parsing() {
        assert_eq!(Rate::parse("10/600"), Some(Rate::new(10, 600)));
        assert_eq!(Rate::parse(" 3 / 60 "), Some(Rate::new(3, 60)));
        for bad in ["", "10", "0/60", "10/0", "x/60", "10/y"] {
            assert_eq!(Rate::parse(bad), None, "{bad}");
        }
        assert_eq!(Rate::new(10, 600).to_string(), "10/600");
    }

    #[test]
    fn one_user_spends_at_most_half_of_a_targets_budget() {
        let a = Admission::with_clock(
            cfg(Rate::new(10, 600), Rate::new(100, 600), Rate::new(10, 600)),
            FakeRelativeClock::default(),
        );
        let s = Session::new(0);
        let r = req("203.0.113.5", &[22]);
        let mallory = SessionKey::new("discord", "c1", "mallory");
        let mut admitted = 0;
        for _ in 0..10 {
            if let Ok(p) = a.admit(&mallory, Some("g"), &policy(), &s, &r) {
                drop(p);
                admitted += 1;
            }
        }
        assert_eq!(admitted, 5, "one user's share of the target");
        // Mallory can still check another address with her own budget.
        assert!(a
            .admit(
                &mallory,
                Some("g"),
                &policy(),
                &s,
                &req("203.0.113.6", &[22])
            )
            .is_ok());
        // And the address still has budget for someone else.
        let alice = SessionKey::new("discord", "c2", "alice");
        assert!(a.admit(&alice, Some("g"), &policy(), &s, &r).is_ok());
    }

    #[test]
    fn lookups_spend_the_user_budget_and_are_capped_in_flight() {
        let a = Admission::with_clock(
            cfg(Rate::new(3, 600), Rate::new(100, 600), Rate::new(100, 600)),
            FakeRelativeClock::default(),
        );
        let k = SessionKey::new("discord", "c1", "u");
        let l1 = a.admit_lookup(&k).unwrap();
        let l2 = a.admit_lookup(&k).unwrap();
        assert_eq!(a.lookups_in_flight(), 2);
        assert_eq!(
            a.admit_lookup(&k).err(),
            Some(ProbeRefusal::Busy { max: 2 })
        );
        drop((l1, l2));
        assert_eq!(a.lookups_in_flight(), 0);
        // Two lookups spent two of the user's three tokens.
        assert!(a
            .admit(
                &k,
                None,
                &policy(),
                &Session::new(0),
                &req("203.0.113.5", &[22])
            )
            .is_ok());
        assert!(matches!(
            a.admit_lookup(&k).err(),
            Some(ProbeRefusal::Rate {
                budget: Budget::User,
                ..
            })
        ));
    }

    #[test]
    fn a_refused_probe_spends_no_budget() {
        let clock = FakeRelativeClock::default();
        let a = Admission::with_clock(
            cfg(Rate::new(3, 600), Rate::new(100, 600), Rate::new(2, 600)),
            clock,
        );
        let s = Session::new(0);
        let r = req("203.0.113.5", &[22]);
        // Two users spend the target's budget.
        for u in ["a", "b"] {
            let k = SessionKey::new("discord", "c", u);
            drop(a.admit(&k, None, &policy(), &s, &r).unwrap());
        }
        // Mallory is refused by the target many times; her own budget is whole.
        let k = SessionKey::new("discord", "c", "mallory");
        for _ in 0..10 {
            assert!(matches!(
                a.admit(&k, None, &policy(), &s, &r).err(),
                Some(ProbeRefusal::Rate {
                    budget: Budget::Target,
                    ..
                })
            ));
        }
        for ip in ["203.0.113.6", "203.0.113.7", "203.0.113.8"] {
            drop(a.admit(&k, None, &policy(), &s, &req(ip, &[22])).unwrap());
        }
    }
}
