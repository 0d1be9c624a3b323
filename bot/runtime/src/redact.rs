//! Showing configured values without their secrets: a URL with user-info
//! (`https://user:password@proxy:8443/api`) is shown as
//! `https://***@proxy:8443/api` wherever it is displayed or logged (API
//! URLs, proxy URLs, `doctor`, `Debug` of the configurations).

/// `url` with any user-info (`user:password@`) replaced by `***@`; anything
/// else unchanged. Text that is not a URL is returned as it is.
pub fn url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // The authority ends at the first '/', '?' or '#'.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rfind('@') {
        Some(at) => format!("{scheme}://***@{}{tail}", &authority[at + 1..]),
        None => url.to_owned(),
    }
}

/// [`url`] for an optional value (`None` stays `None`).
pub fn opt_url(u: &Option<String>) -> Option<String> {
    u.as_deref().map(url)
}

/// `url` without any user-info: for connecting, never for showing.
pub fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rfind('@') {
        Some(at) => format!("{scheme}://{}{tail}", &authority[at + 1..]),
        None => url.to_owned(),
    }
}

/// Free text (an error message quoting a URL) with the user-info of every
/// URL in it hidden.
pub fn in_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        // The authority ends at the first '/', '?', '#' or white space, quote
        // or bracket that closes it.
        let end = tail
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | ')' | '"' | '\'' | '>') || c.is_whitespace()
            })
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                out.push_str("***@");
                out.push_str(&authority[at + 1..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_is_hidden_and_the_rest_kept() {
        assert_eq!(
            url("https://alice:s3cret@proxy.example:8443/api/v10"),
            "https://***@proxy.example:8443/api/v10"
        );
        assert_eq!(url("http://tok@10.0.0.1/"), "http://***@10.0.0.1/");
        // An '@' in a password, and an '@' after the authority.
        assert_eq!(
            url("https://u:p@ss@h.example/a@b?x=@y"),
            "https://***@h.example/a@b?x=@y"
        );
        assert_eq!(url("https://[::1]:9/api"), "https://[::1]:9/api");
        assert_eq!(url("https://slack.com/api"), "https://slack.com/api");
        assert_eq!(url("not a url"), "not a url");
        assert_eq!(
            without_userinfo("https://u:p@h.example:1/x"),
            "https://h.example:1/x"
        );
        assert_eq!(opt_url(&None), None);
        assert_eq!(
            in_text("error sending request for url (http://u:pw@127.0.0.1:9/api/v10/gateway): refused; see https://x@y/"),
            "error sending request for url (http://***@127.0.0.1:9/api/v10/gateway): refused; see https://***@y/"
        );
        assert_eq!(in_text("no url here"), "no url here");
    }
}
