//! What the chaos runs (`tests/chaos.rs`, `tests/chaos_pg.rs`) share: the
//! run's seed and the generator a seed replays.

/// The run's seed: `VMD_CHAOS_SEED`, else the clock; printed with `name`
/// so that a failing run can be replayed.
pub fn seed(name: &str) -> u64 {
    let seed = std::env::var("VMD_CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    eprintln!("{name} seed {seed} (VMD_CHAOS_SEED={seed} replays the choices)");
    seed
}

/// A small deterministic generator (xorshift64*), so a seed replays a run.
#[derive(Clone)]
pub struct Rng(pub u64);

impl Rng {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}
