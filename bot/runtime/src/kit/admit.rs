//! Admission of a click or a modal answer: the id is ours, it came from its
//! own conversation (the channel or thread of the id, on a message that
//! carries the id: a custom id copied onto another message or into another
//! channel is refused), the clicker may answer the diagnosis behind it, and
//! the question is still the current one.

use super::ids::ButtonId;
use crate::store::Store;
use crate::Driver;
use vmd_core::session::{Session, SessionKey};
use vmd_probe::Prober;

/// Why a click is refused; each adapter words it in its own idiom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of our ids, or a question already answered or moved past.
    Stale,
    /// Someone else's diagnosis (and the clicker has no support role).
    NotYours { owner: String },
    /// The session store failed (logged).
    Internal,
}

/// An admitted click: the decoded id and the session it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admitted {
    pub id: ButtonId,
    pub key: SessionKey,
}

/// Where a click or a form submission came from, as the platform delivered it.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'a> {
    /// The conversation of the place it came from, written as in button ids
    /// (Discord: the channel or thread; Slack: `channel/thread_ts`).
    pub conversation: &'a str,
    /// Whether the message it was clicked on carries this very id; `None`
    /// when the platform delivered no message (a form opened elsewhere).
    pub carried: Option<bool>,
}

/// The question a session is waiting on, as written in button ids: the step,
/// `os`, `ip`, or empty when nothing is asked. No stored session is a new
/// conversation, which asks for the address (`/lang` or `/status` on nothing
/// store none, yet show the address question).
pub fn current_question(session: Option<&Session>) -> String {
    match session {
        Some(s) => s.question().unwrap_or_default(),
        None => "ip".into(),
    }
}

/// Checks a click on `raw_id` by `clicker` on `platform`, delivered from
/// `origin`; `is_support` says whether the clicker holds the support role
/// (asked only when needed).
pub fn admit<P: Prober, S: Store>(
    driver: &Driver<P, S>,
    platform: &str,
    raw_id: &str,
    clicker: &str,
    origin: Origin<'_>,
    is_support: impl FnOnce() -> bool,
) -> Result<Admitted, Refusal> {
    let id = ButtonId::decode(raw_id).ok_or(Refusal::Stale)?;
    if id.conversation != origin.conversation || origin.carried == Some(false) {
        // A custom id copied from another conversation's message: never
        // applied there, nor to the conversation it names.
        tracing::warn!("a click or form from outside its own conversation; refused");
        return Err(Refusal::Stale);
    }
    let key = SessionKey::new(platform, &id.conversation, &id.owner);
    if clicker != id.owner && !is_support() {
        return Err(Refusal::NotYours {
            owner: id.owner.clone(),
        });
    }
    let session = driver.session(&key).map_err(|e| {
        tracing::error!(error = %e, "session store");
        Refusal::Internal
    })?;
    if current_question(session.as_ref()) != id.step {
        return Err(Refusal::Stale);
    }
    Ok(Admitted { id, key })
}
