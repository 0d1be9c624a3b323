//! Button and modal ids: `v1|<conversation>|<owner>|<step>|<key>`.
//!
//! Everything needed to route a click lives in the id, so buttons keep working
//! after a restart; `step` lets a click on an answered question be told apart
//! from one on the current question.

/// Key of the button that opens a modal for a typed answer.
pub const INPUT_KEY: &str = "@input";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ButtonId {
    pub conversation: u64,
    pub owner: u64,
    /// The step (or `ip` / `os`) the question belonged to.
    pub step: String,
    pub key: String,
}

/// Discord's limit for `custom_id`.
pub const MAX_LEN: usize = 100;

impl ButtonId {
    pub fn encode(&self) -> Option<String> {
        let s = format!(
            "v1|{}|{}|{}|{}",
            self.conversation, self.owner, self.step, self.key
        );
        (s.len() <= MAX_LEN && !self.step.contains('|') && !self.key.contains('|')).then_some(s)
    }

    pub fn decode(s: &str) -> Option<ButtonId> {
        let mut it = s.split('|');
        if it.next()? != "v1" {
            return None;
        }
        let conversation = it.next()?.parse().ok()?;
        let owner = it.next()?.parse().ok()?;
        let step = it.next()?.to_owned();
        let key = it.next()?.to_owned();
        if it.next().is_some() || step.is_empty() || key.is_empty() {
            return None;
        }
        Some(ButtonId {
            conversation,
            owner,
            step,
            key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_limits() {
        let id = ButtonId {
            conversation: u64::MAX,
            owner: u64::MAX,
            step: "windows.err_cannot_connect".into(),
            key: "cannot_connect".into(),
        };
        let s = id.encode().unwrap();
        assert!(s.len() <= MAX_LEN, "{}", s.len());
        assert_eq!(ButtonId::decode(&s), Some(id));
        for bad in [
            "",
            "v2|1|2|a|b",
            "v1|x|2|a|b",
            "v1|1|2|a",
            "v1|1|2|a|b|c",
            "v1|1|2||b",
        ] {
            assert_eq!(ButtonId::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_runbook_button_fits() {
        let loc = vmd_runtime::i18n::Localizer::embedded().unwrap();
        let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
        for step in rb.steps() {
            for o in &step.options {
                let id = ButtonId {
                    conversation: u64::MAX,
                    owner: u64::MAX,
                    step: step.id.clone(),
                    key: o.key.clone(),
                };
                assert!(id.encode().is_some(), "{} / {} is too long", step.id, o.key);
            }
        }
    }
}
