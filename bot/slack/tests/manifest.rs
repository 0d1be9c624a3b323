//! `deploy/slack-manifest.yaml` declares what the adapter uses: Socket Mode,
//! interactivity, the commands it answers, the events it reads and a scope for
//! every Web API method it calls.

const MANIFEST: &str = include_str!("../../../deploy/slack-manifest.yaml");
const ADAPTER: &str = include_str!("../src/lib.rs");

#[test]
fn the_manifest_covers_what_the_adapter_uses() {
    let has = |s: &str| {
        MANIFEST
            .lines()
            .any(|l| l.split('#').next().unwrap_or("").contains(s))
    };
    for needed in [
        "socket_mode_enabled: true",
        "is_enabled: true",
        "command: /diagnose",
        "command: /lang",
        "- app_mention",
        "- message.channels",
        "- message.groups",
        "- message.im",
    ] {
        assert!(has(needed), "manifest lacks {needed:?}");
    }
    // Web API method the adapter calls → the scope Slack requires for it.
    for (call, scope) in [
        ("chat_post_message", "chat:write"),
        ("chat_update", "chat:write"),
        ("chat_post_ephemeral", "chat:write"),
        ("users_info", "users:read"),
        ("usergroups_users_list", "usergroups:read"),
        ("get_upload_url_external", "files:write"),
        ("files_complete_upload_external", "files:write"),
        ("conversations_open", "im:write"),
    ] {
        assert!(ADAPTER.contains(call), "the adapter no longer calls {call}");
        assert!(has(&format!("- {scope}")), "{call} needs the scope {scope}");
    }
    for scope in [
        "commands",
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "im:history",
    ] {
        assert!(
            has(&format!("- {scope}")),
            "manifest lacks the scope {scope}"
        );
    }
}
