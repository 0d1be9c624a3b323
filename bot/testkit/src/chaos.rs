//! What the chaos runs (`tests/chaos.rs`, `tests/chaos_pg.rs`) share: the
//! run's seed and the generator a seed replays, how a conversation ended,
//! and what a Discord conversation asks and how it ended.

use serde_json::Value;

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

/// How a conversation ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum End {
    Escalated,
    Fixed,
}

/// The question a Discord conversation's channel shows now.
#[derive(Debug)]
pub struct DiscordQuestion {
    /// `step:answers` (the button ids' question part).
    pub tag: String,
    pub count: u32,
    pub step: String,
    /// (custom id, option key).
    pub buttons: Vec<(String, String)>,
    pub message: Value,
}

/// What a button id (`v1|place|user|step:answers|key`) says is asked: the
/// tag (`step:answers`), the step and the answers so far.
pub fn asked(id: &str) -> Option<(&str, &str, u32)> {
    let tag = id.split('|').nth(3)?;
    let (step, count) = tag.split_once(':')?;
    Some((tag, step, count.parse().ok()?))
}

/// The question in front of the user among a Discord channel's `messages`
/// (oldest first): the highest count among the messages with buttons whose
/// custom ids `ours` keeps, the newest among equals.
pub fn discord_question(
    messages: Vec<Value>,
    ours: impl Fn(&str) -> bool,
) -> Option<DiscordQuestion> {
    let mut best: Option<DiscordQuestion> = None;
    for m in messages {
        let ids: Vec<String> = m["components"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
            .filter_map(|b| b["custom_id"].as_str().map(str::to_owned))
            .filter(|id| ours(id))
            .collect();
        let Some((tag, step, count)) = ids.first().and_then(|id| asked(id)) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| count >= b.count) {
            best = Some(DiscordQuestion {
                tag: tag.to_owned(),
                count,
                step: step.to_owned(),
                buttons: ids
                    .iter()
                    .filter_map(|id| Some((id.clone(), id.rsplit('|').next()?.to_owned())))
                    .collect(),
                message: m.clone(),
            });
        }
    }
    best
}

/// How the conversation in a Discord channel's `messages` ended, if it did,
/// reading them newest first (`text`: what a message says): the report
/// attached or the hand-off said is escalated, "finished" is fixed.
pub fn discord_end(messages: &[Value], text: impl Fn(&Value) -> String) -> Option<End> {
    for m in messages.iter().rev() {
        let t = text(m);
        let report = m["attachments"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["filename"] == "vm-doctor-report.md"));
        if report || t.contains("This diagnosis has been handed to support") {
            return Some(End::Escalated);
        }
        if t.contains("This diagnosis is finished") {
            return Some(End::Fixed);
        }
    }
    None
}
