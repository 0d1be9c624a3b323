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
//! 4. token buckets (governor's GCRA) **per user**, **per target** (IPv6: its
//!    /64, so many users can't hammer one address through the bot either) and
//!    **per platform space** (a Discord guild, a Slack workspace; the console
//!    is one space).
//!
//! A refusal is a [`ProbeRefusal`]; the driver feeds it to the engine, which
//! says why in the user's language and goes back to where it was.

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;
use vmd_core::limits::{Budget, ProbeRefusal};
use vmd_core::policy::TargetPolicy;
use vmd_core::probe::ProbeRequest;
use vmd_core::session::{Session, SessionKey};

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

    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let period = (self.per / burst.get()).max(Duration::from_millis(1));
        Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst)
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
/// 10 minutes, a space 120 per 10 minutes, 2 running at once per user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdmissionConfig {
    pub per_user: Rate,
    pub per_space: Rate,
    pub per_target: Rate,
    pub max_running_per_user: u32,
}

impl Default for AdmissionConfig {
    fn default() -> Self {
        AdmissionConfig {
            per_user: Rate::new(10, 600),
            per_space: Rate::new(120, 600),
            per_target: Rate::new(10, 600),
            max_running_per_user: 2,
        }
    }
}

type Keyed<C> =
    RateLimiter<String, DefaultKeyedStateStore<String>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// Budgets and policies for every probe. See the module docs.
pub struct Admission<C: Clock = DefaultClock> {
    cfg: AdmissionConfig,
    clock: C,
    user: Keyed<C>,
    space: Keyed<C>,
    target: Keyed<C>,
    running: Mutex<HashMap<String, u32>>,
}

/// Held while an admitted probe runs; counts towards the user's running probes.
pub struct Permit<'a> {
    running: &'a Mutex<HashMap<String, u32>>,
    user: String,
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
        let keyed =
            |r: Rate| RateLimiter::new(r.quota(), DefaultKeyedStateStore::default(), clock.clone());
        Admission {
            user: keyed(cfg.per_user),
            space: keyed(cfg.per_space),
            target: keyed(cfg.per_target),
            cfg,
            clock,
            running: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &AdmissionConfig {
        &self.cfg
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
        for p in &req.ports {
            policy.ports().check(&session.ports_probed, p.port)?;
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
        let checks = [
            (&self.user, user.clone(), Budget::User),
            (&self.target, target_key(req.target), Budget::Target),
            (&self.space, space_key, Budget::Space),
        ];
        for (limiter, k, budget) in checks {
            if let Err(not_until) = limiter.check_key(&k) {
                let wait = not_until.wait_time_from(self.clock.now());
                return Err(ProbeRefusal::Rate {
                    budget,
                    retry_after_s: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
                });
            }
        }
        *running.entry(user.clone()).or_insert(0) += 1;
        Ok(Permit {
            running: &self.running,
            user,
        })
    }

    /// Forgets budgets that are full again (call it now and then).
    pub fn housekeeping(&self) {
        for l in [&self.user, &self.space, &self.target] {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// Keys held by the budgets (for tests and logs).
    pub fn tracked(&self) -> usize {
        self.user.len() + self.space.len() + self.target.len()
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
            let _ = a.admit(&k, Some("g"), &policy(), &s, &req("203.0.113.5", &[22]));
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
}
