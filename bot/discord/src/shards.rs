//! Which Discord shards this process runs: `VM_DOCTOR_DISCORD_SHARDS`.
//!
//! Discord sends a guild's events to shard `(guild_id >> 22) % total` and DMs
//! to shard 0, so a replica that owns a fixed shard range sees every
//! interaction of its guilds, and their conversations live in its own sled.
//!
//! Forms: `3/8` (shard 3 of 8), `0-3/8` (shards 0 to 3 of 8, inclusive), and
//! `ordinal/8` with a replica count: the shards are split evenly over the
//! replicas and the replica takes its share by its StatefulSet ordinal (the
//! number at the end of the pod's host name, `vm-doctor-discord-2` → 2).

/// A range of shards, `first..=last` of `total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("{0:?} is not a shard range: use 0-3/8, 3/8 or ordinal/8")]
    Syntax(String),
    #[error("shards {first}-{last} are not within 0..{total}")]
    OutOfRange { first: u32, last: u32, total: u32 },
    #[error("ordinal/N needs the replica count (VM_DOCTOR_DISCORD_REPLICAS) and the pod's ordinal (a host name ending in -<n>); got replicas {replicas:?}, host {host:?}")]
    NoOrdinal { replicas: Option<u32>, host: String },
    #[error("{replicas} replicas cannot share {total} shards (need at least one shard each), or ordinal {ordinal} is not below the replica count")]
    Split {
        replicas: u32,
        total: u32,
        ordinal: u32,
    },
}

impl ShardRange {
    /// Parses `spec`; `replicas` and `host` are only read for `ordinal/N`.
    pub fn parse(spec: &str, replicas: Option<u32>, host: &str) -> Result<ShardRange, ShardError> {
        let bad = || ShardError::Syntax(spec.to_owned());
        let (range, total) = spec.trim().split_once('/').ok_or_else(bad)?;
        let total: u32 = total.trim().parse().map_err(|_| bad())?;
        if total == 0 {
            return Err(bad());
        }
        let range = range.trim();
        if range == "ordinal" {
            let ordinal = host
                .rsplit_once('-')
                .and_then(|(_, n)| n.parse::<u32>().ok());
            let (Some(replicas), Some(ordinal)) = (replicas.filter(|r| *r > 0), ordinal) else {
                return Err(ShardError::NoOrdinal {
                    replicas,
                    host: host.to_owned(),
                });
            };
            return ShardRange::for_replica(ordinal, replicas, total);
        }
        let (first, last) = match range.split_once('-') {
            Some((a, b)) => (
                a.trim().parse().map_err(|_| bad())?,
                b.trim().parse().map_err(|_| bad())?,
            ),
            None => {
                let n = range.parse().map_err(|_| bad())?;
                (n, n)
            }
        };
        if first > last || last >= total {
            return Err(ShardError::OutOfRange { first, last, total });
        }
        Ok(ShardRange { first, last, total })
    }

    /// Replica `ordinal` of `replicas` takes an even share of `total` shards
    /// (the first `total % replicas` replicas one more).
    pub fn for_replica(ordinal: u32, replicas: u32, total: u32) -> Result<ShardRange, ShardError> {
        if replicas == 0 || replicas > total || ordinal >= replicas {
            return Err(ShardError::Split {
                replicas,
                total,
                ordinal,
            });
        }
        let base = total / replicas;
        let extra = total % replicas;
        let first = ordinal * base + ordinal.min(extra);
        let len = base + u32::from(ordinal < extra);
        Ok(ShardRange {
            first,
            last: first + len - 1,
            total,
        })
    }

    /// The shard Discord sends this guild's events to.
    pub fn shard_of(guild_id: u64, total: u32) -> u32 {
        ((guild_id >> 22) % u64::from(total.max(1))) as u32
    }

    pub fn contains(&self, shard: u32) -> bool {
        (self.first..=self.last).contains(&shard)
    }

    /// How long this replica waits before its first IDENTIFY, so replicas
    /// starting together stay within Discord's identify rate: one IDENTIFY
    /// per bucket (`shard_id % max_concurrency`) in 5 s. Shard `s` goes in
    /// slot `s / max_concurrency`; the slots are [`IDENTIFY_SPACING`] apart
    /// on the wall clock (`now_ms`: ms since the Unix epoch), so replicas
    /// agree on them without talking to each other. A range holding every
    /// shard (one process) waits for nothing; within a process serenity
    /// boots its shards 5 s apart by itself.
    pub fn identify_wait(&self, max_concurrency: u64, now_ms: u64) -> std::time::Duration {
        let mc = max_concurrency.max(1);
        let slots = u64::from(self.total).div_ceil(mc);
        if slots <= 1 || (self.first == 0 && self.last + 1 >= self.total) {
            return std::time::Duration::ZERO;
        }
        let spacing = IDENTIFY_SPACING.as_millis() as u64;
        let cycle = slots * spacing;
        let target = (u64::from(self.first) / mc) * spacing;
        let wait = (target + cycle - now_ms % cycle) % cycle;
        std::time::Duration::from_millis(wait)
    }
}

/// The time between two identify slots: Discord's 5 s window and a margin
/// for a busy machine.
pub const IDENTIFY_SPACING: std::time::Duration = std::time::Duration::from_secs(7);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_ranges() {
        assert_eq!(
            ShardRange::parse("0-3/8", None, ""),
            Ok(ShardRange {
                first: 0,
                last: 3,
                total: 8
            })
        );
        assert_eq!(
            ShardRange::parse(" 5 / 8 ", None, ""),
            Ok(ShardRange {
                first: 5,
                last: 5,
                total: 8
            })
        );
        for bad in ["", "3", "a-b/8", "0-3/0", "x/8"] {
            assert!(
                matches!(ShardRange::parse(bad, None, ""), Err(ShardError::Syntax(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            ShardRange::parse("4-8/8", None, ""),
            Err(ShardError::OutOfRange { .. })
        ));
        assert!(matches!(
            ShardRange::parse("3-1/8", None, ""),
            Err(ShardError::OutOfRange { .. })
        ));
    }

    #[test]
    fn replicas_split_every_shard_exactly_once() {
        for total in 1..=12 {
            for replicas in 1..=total {
                let mut next = 0;
                for o in 0..replicas {
                    let r = ShardRange::for_replica(o, replicas, total).unwrap();
                    assert_eq!(r.first, next, "{o}/{replicas} of {total}");
                    assert!(r.last >= r.first);
                    next = r.last + 1;
                }
                assert_eq!(next, total);
            }
        }
        assert!(ShardRange::for_replica(0, 5, 4).is_err());
        assert!(ShardRange::for_replica(2, 2, 4).is_err());
    }

    #[test]
    fn the_ordinal_comes_from_the_host_name() {
        assert_eq!(
            ShardRange::parse("ordinal/8", Some(4), "vm-doctor-discord-2"),
            Ok(ShardRange {
                first: 4,
                last: 5,
                total: 8
            })
        );
        assert!(matches!(
            ShardRange::parse("ordinal/8", None, "vm-doctor-discord-2"),
            Err(ShardError::NoOrdinal { .. })
        ));
        assert!(matches!(
            ShardRange::parse("ordinal/8", Some(4), "laptop"),
            Err(ShardError::NoOrdinal { .. })
        ));
    }

    #[test]
    fn replicas_identify_in_their_own_slots() {
        let spacing = IDENTIFY_SPACING.as_millis() as u64;
        let range = |first, last, total| ShardRange { first, last, total };
        // Whatever the time, replica 1 of 2 (max_concurrency 1) identifies
        // one slot after replica 0, modulo the two-slot cycle.
        for now in [0, 1, 6_999, 7_000, 13_999, 1_733_000_123_456] {
            let a = now + range(0, 0, 2).identify_wait(1, now).as_millis() as u64;
            let b = now + range(1, 1, 2).identify_wait(1, now).as_millis() as u64;
            assert_eq!(a % (2 * spacing), 0, "{now}");
            assert_eq!(b % (2 * spacing), spacing, "{now}");
        }
        // Shards of different buckets may identify together: max_concurrency
        // 4 with 4 shards is one slot, no wait.
        assert!(range(2, 3, 4).identify_wait(4, 12_345).is_zero());
        // 8 shards, max_concurrency 2: shards 4-5 are slot 2.
        let w = range(4, 5, 8).identify_wait(2, 0);
        assert_eq!(w.as_millis() as u64, 2 * spacing);
        // One process holding every shard waits for nothing.
        assert!(range(0, 7, 8).identify_wait(1, 12_345).is_zero());
    }

    #[test]
    fn guilds_map_to_shards_as_discord_says() {
        // Discord's formula: (guild_id >> 22) % num_shards; DMs (no guild) on 0.
        let g: u64 = 1_300_000_000_000_000_001;
        assert_eq!(ShardRange::shard_of(g, 1), 0);
        assert_eq!(ShardRange::shard_of(g, 8), ((g >> 22) % 8) as u32);
        let r = ShardRange {
            first: 2,
            last: 3,
            total: 8,
        };
        assert!(r.contains(2) && r.contains(3) && !r.contains(4));
    }
}
