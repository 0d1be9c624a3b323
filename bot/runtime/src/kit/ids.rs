//! Button, action and modal ids: `v1|<conversation>|<owner>|<step>|<key>`.
//!
//! Everything needed to route a click lives in the id, so buttons keep working
//! after a restart; `step` lets a click on an answered question be told apart
//! from one on the current question. Platform ids are strings (a Discord
//! snowflake, a Slack `channel/thread_ts`, a Slack user id); none may contain
//! `|`.

/// Key of the button that opens a modal for a typed answer.
pub const INPUT_KEY: &str = "@input";
/// The key of the "Paste output" button (a modal with a multi-line field).
pub const PASTE_KEY: &str = "@paste";

/// Discord's limit for `custom_id`, the tighter of the two platforms.
pub const DISCORD_MAX_LEN: usize = 100;
/// Slack's limit for `action_id` and a view's `callback_id`/`private_metadata` use.
pub const SLACK_MAX_LEN: usize = 255;

/// Characters an id part may hold: enough for snowflakes, Slack ids and
/// timestamps, step and option keys; nothing that means anything in chat
/// markup (an owner is shown as a mention when a click is refused).
fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '@' | ':')
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ButtonId {
    pub conversation: String,
    pub owner: String,
    /// The step (or `ip` / `os`) the question belonged to.
    pub step: String,
    pub key: String,
}

impl ButtonId {
    pub fn new(conversation: &str, owner: &str, step: &str, key: &str) -> ButtonId {
        ButtonId {
            conversation: conversation.into(),
            owner: owner.into(),
            step: step.into(),
            key: key.into(),
        }
    }

    /// The id as text, or `None` when it would exceed `max_len` or a part
    /// holds the separator.
    pub fn encode(&self, max_len: usize) -> Option<String> {
        let parts = [&self.conversation, &self.owner, &self.step, &self.key];
        if parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(id_char))
        {
            return None;
        }
        let s = format!(
            "v1|{}|{}|{}|{}",
            self.conversation, self.owner, self.step, self.key
        );
        (s.len() <= max_len).then_some(s)
    }

    pub fn decode(s: &str) -> Option<ButtonId> {
        let mut it = s.split('|');
        if it.next()? != "v1" {
            return None;
        }
        let conversation = it.next()?.to_owned();
        let owner = it.next()?.to_owned();
        let step = it.next()?.to_owned();
        let key = it.next()?.to_owned();
        if it.next().is_some()
            || [&conversation, &owner, &step, &key]
                .iter()
                .any(|p| p.is_empty() || !p.chars().all(id_char))
        {
            return None;
        }
        Some(ButtonId {
            conversation,
            owner,
            step,
            key,
        })
    }

    /// The step part of the question (`linux.custom_port` of
    /// `linux.custom_port:4`).
    pub fn step_name(&self) -> &str {
        self.step.split(':').next().unwrap_or_default()
    }

    /// `input` as the answer to this id's question only: the engine applies it
    /// while the conversation still waits on that question, and says so
    /// otherwise (a click delivered twice is applied once).
    pub fn answer(&self, input: vmd_core::engine::Input) -> vmd_core::engine::Input {
        vmd_core::engine::Input::At {
            question: self.step.clone(),
            input: Box::new(input),
        }
    }

    /// Whether this id opens a modal for a typed answer.
    pub fn is_input(&self) -> bool {
        self.key == INPUT_KEY
    }

    /// Whether this id opens a modal for pasted output.
    pub fn is_paste(&self) -> bool {
        self.key == PASTE_KEY
    }

    /// What the typed answer to this id's question is: `ip`, `port`,
    /// `paste` or `other`.
    pub fn expects(&self) -> &'static str {
        if self.is_paste() {
            return "paste";
        }
        match self.step_name() {
            "ip" => "ip",
            s if s.ends_with("port") => "port",
            _ => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_limits() {
        let id = ButtonId::new(
            &u64::MAX.to_string(),
            &u64::MAX.to_string(),
            "windows.err_cannot_connect",
            "cannot_connect",
        );
        let s = id.encode(DISCORD_MAX_LEN).unwrap();
        assert!(s.len() <= DISCORD_MAX_LEN, "{}", s.len());
        assert_eq!(ButtonId::decode(&s), Some(id.clone()));
        assert_eq!(id.encode(20), None);
        let slack = ButtonId::new("C0123ABCD/1700000000.000100", "U0123ABCD", "ip", INPUT_KEY);
        let s = slack.encode(SLACK_MAX_LEN).unwrap();
        assert_eq!(ButtonId::decode(&s), Some(slack));
        assert_eq!(ButtonId::new("a|b", "u", "s", "k").encode(255), None);
        for bad in [
            "",
            "v2|1|2|a|b",
            "v1|1|2|a",
            "v1|1|2|a|b|c",
            "v1|1|2||b",
            "v1||2|a|b",
            "v1|1|<!channel>|a|b",
            "v1|1|2&x|a|b",
            "v1|1 2|3|a|b",
        ] {
            assert_eq!(ButtonId::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_runbook_button_fits_discord() {
        let loc = crate::i18n::Localizer::embedded().unwrap();
        let rb = crate::load_runbooks(crate::RUNBOOK_FILES, &loc).unwrap();
        for step in rb.steps() {
            for o in &step.options {
                let id = ButtonId::new(
                    &u64::MAX.to_string(),
                    &u64::MAX.to_string(),
                    &format!("{}:{}", step.id, u32::MAX),
                    &o.key,
                );
                assert!(
                    id.encode(DISCORD_MAX_LEN).is_some(),
                    "{} / {} is too long",
                    step.id,
                    o.key
                );
            }
        }
    }
}
