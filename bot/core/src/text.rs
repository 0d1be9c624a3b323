//! Text hygiene for untrusted text (what a user typed or pasted, what a
//! server sent, a host name): characters that are invisible, reorder text or
//! break lines are removed or turned into ordinary separators before the text
//! is stored, quoted or echoed, so it cannot read differently from what it is.
//!
//! What is removed ([`is_hidden`]):
//! - every `Default_Ignorable_Code_Point` ([`DEFAULT_IGNORABLE`]): soft
//!   hyphen, combining grapheme joiner, the Hangul fillers, Mongolian free
//!   variation selectors, zero-width characters, bidi embeddings, overrides,
//!   isolates and marks, word joiner and the invisible operators, variation
//!   selectors, BOM, tag characters, and the code points reserved as ignorable;
//! - the interlinear annotation characters U+FFF9..U+FFFB (format characters
//!   that hide or re-show text, not default-ignorable);
//! - C0 and C1 control characters, except where a caller keeps line breaks
//!   and tabs.
//!
//! Line breaks ([`is_line_break`]: LF, CR, VT, FF, NEL, U+2028 LINE
//! SEPARATOR, U+2029 PARAGRAPH SEPARATOR) become a space in a one-line value
//! ([`clean_line`]) and a newline in multi-line text ([`clean_lines`]).

/// `Default_Ignorable_Code_Point`, as inclusive ranges in code point order,
/// written from the Unicode Character Database file
/// `DerivedCoreProperties.txt` (<https://www.unicode.org/Public/15.1.0/ucd/DerivedCoreProperties.txt>,
/// "Derived Property: Default_Ignorable_Code_Point"; unchanged since Unicode
/// 14.0, and checked against Perl's `Unicode::UCD::prop_invlist`).
pub const DEFAULT_IGNORABLE: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),   // Cf SOFT HYPHEN
    (0x034F, 0x034F),   // Mn COMBINING GRAPHEME JOINER
    (0x061C, 0x061C),   // Cf ARABIC LETTER MARK
    (0x115F, 0x1160),   // Lo HANGUL CHOSEONG FILLER..HANGUL JUNGSEONG FILLER
    (0x17B4, 0x17B5),   // Mn KHMER VOWEL INHERENT AQ..KHMER VOWEL INHERENT AA
    (0x180B, 0x180D),   // Mn MONGOLIAN FREE VARIATION SELECTOR ONE..THREE
    (0x180E, 0x180E),   // Cf MONGOLIAN VOWEL SEPARATOR
    (0x180F, 0x180F),   // Mn MONGOLIAN FREE VARIATION SELECTOR FOUR
    (0x200B, 0x200F),   // Cf ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
    (0x202A, 0x202E),   // Cf LEFT-TO-RIGHT EMBEDDING..RIGHT-TO-LEFT OVERRIDE
    (0x2060, 0x2064),   // Cf WORD JOINER..INVISIBLE PLUS
    (0x2065, 0x2065),   // Cn <reserved-2065>
    (0x2066, 0x206F),   // Cf LEFT-TO-RIGHT ISOLATE..NOMINAL DIGIT SHAPES
    (0x3164, 0x3164),   // Lo HANGUL FILLER
    (0xFE00, 0xFE0F),   // Mn VARIATION SELECTOR-1..VARIATION SELECTOR-16
    (0xFEFF, 0xFEFF),   // Cf ZERO WIDTH NO-BREAK SPACE (BOM)
    (0xFFA0, 0xFFA0),   // Lo HALFWIDTH HANGUL FILLER
    (0xFFF0, 0xFFF8),   // Cn <reserved-FFF0>..<reserved-FFF8>
    (0x1BCA0, 0x1BCA3), // Cf SHORTHAND FORMAT LETTER OVERLAP..UP STEP
    (0x1D173, 0x1D17A), // Cf MUSICAL SYMBOL BEGIN BEAM..END PHRASE
    (0xE0000, 0xE0000), // Cn <reserved-E0000>
    (0xE0001, 0xE0001), // Cf LANGUAGE TAG
    (0xE0002, 0xE001F), // Cn <reserved-E0002>..<reserved-E001F>
    (0xE0020, 0xE007F), // Cf TAG SPACE..CANCEL TAG
    (0xE0080, 0xE00FF), // Cn <reserved-E0080>..<reserved-E00FF>
    (0xE0100, 0xE01EF), // Mn VARIATION SELECTOR-17..VARIATION SELECTOR-256
    (0xE01F0, 0xE0FFF), // Cn <reserved-E01F0>..<reserved-E0FFF>
];

/// The Unicode property `Default_Ignorable_Code_Point`.
pub fn is_default_ignorable(c: char) -> bool {
    let c = c as u32;
    DEFAULT_IGNORABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Bidi controls (`Bidi_Control`): all default-ignorable already, named here
/// so that no table change can let them through.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The Hangul fillers: letters that render as nothing (default-ignorable
/// already, named for the same reason as bidi controls).
pub fn is_hangul_filler(c: char) -> bool {
    matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

/// A line or paragraph break, in any of its forms.
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// A character removed from untrusted text: default-ignorable, a bidi
/// control, a Hangul filler, an interlinear annotation character, or a
/// control character that is not a line break or a tab.
pub fn is_hidden(c: char) -> bool {
    is_default_ignorable(c)
        || is_bidi_control(c)
        || is_hangul_filler(c)
        || matches!(c, '\u{FFF9}'..='\u{FFFB}')
        || (c.is_control() && c != '\t' && !is_line_break(c))
}

/// One line of untrusted text: hidden characters removed, line breaks and
/// tabs made spaces (for a value echoed inside a sentence).
pub fn clean_line(s: &str) -> String {
    s.chars()
        .filter(|c| !is_hidden(*c))
        .map(|c| {
            if c == '\t' || is_line_break(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Multi-line untrusted text (a paste): hidden characters removed, tabs kept,
/// every line break a `\n` (a CR LF pair one `\n`).
pub fn clean_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if is_line_break(c) {
            out.push('\n');
        } else if !is_hidden(c) {
            out.push(c);
        }
    }
    out
}

/// At most `max` characters of `s`, cut on a character boundary.
pub fn truncate_chars(s: &mut String, max: usize) {
    if let Some((i, _)) = s.char_indices().nth(max) {
        s.truncate(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_disjoint() {
        for w in DEFAULT_IGNORABLE.windows(2) {
            assert!(w[0].0 <= w[0].1 && w[0].1 < w[1].0, "{w:x?}");
        }
        let total: u32 = DEFAULT_IGNORABLE.iter().map(|(a, b)| b - a + 1).sum();
        // 4174 code points in DerivedCoreProperties.txt (Unicode 14.0 to 16.0).
        assert_eq!(total, 4174);
    }

    /// One test per class named in issue 18: each character goes, the text
    /// around it stays.
    #[test]
    fn every_class_of_invisible_character_is_removed() {
        let classes: &[(&str, &[char])] = &[
            ("soft hyphen", &['\u{00AD}']),
            ("combining grapheme joiner", &['\u{034F}']),
            (
                "hangul fillers",
                &['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}'],
            ),
            (
                "mongolian free variation selectors and vowel separator",
                &['\u{180B}', '\u{180C}', '\u{180D}', '\u{180E}', '\u{180F}'],
            ),
            (
                "zero width and bidi marks",
                &[
                    '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{061C}',
                ],
            ),
            (
                "bidi embeddings, overrides and isolates",
                &[
                    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
                    '\u{2067}', '\u{2068}', '\u{2069}',
                ],
            ),
            (
                "word joiner and invisible operators",
                &[
                    '\u{2060}', '\u{2061}', '\u{2062}', '\u{2063}', '\u{2064}', '\u{2065}',
                    '\u{206A}', '\u{206F}',
                ],
            ),
            (
                "variation selectors",
                &['\u{FE00}', '\u{FE0F}', '\u{E0100}', '\u{E01EF}'],
            ),
            ("bom", &['\u{FEFF}']),
            (
                "interlinear annotation",
                &['\u{FFF9}', '\u{FFFA}', '\u{FFFB}'],
            ),
            (
                "tag characters",
                &[
                    '\u{E0000}',
                    '\u{E0001}',
                    '\u{E0020}',
                    '\u{E0041}',
                    '\u{E007F}',
                ],
            ),
            ("khmer inherent vowels", &['\u{17B4}', '\u{17B5}']),
            ("shorthand and musical format", &['\u{1BCA0}', '\u{1D173}']),
            (
                "controls",
                &['\u{0}', '\u{7}', '\u{1B}', '\u{7F}', '\u{9B}'],
            ),
        ];
        for (class, chars) in classes {
            for &c in *chars {
                assert!(is_hidden(c), "{class}: U+{:04X}", c as u32);
                let s = format!("a{c}b");
                assert_eq!(clean_line(&s), "ab", "{class}: U+{:04X}", c as u32);
                assert_eq!(clean_lines(&s), "ab", "{class}: U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn visible_text_stays() {
        for s in [
            "서버에 접속이 안 돼요",
            "ＡＢＣ",
            "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5",
            "한글 ㅎㅎ ᄒ",
            "é e\u{301} ½ → ★",
        ] {
            assert_eq!(clean_line(s), s);
        }
        for c in [
            '\u{1161}',
            '\u{3131}',
            '\u{FFA1}',
            '\u{2070}',
            '\u{FE10}',
            '\u{E1000}',
        ] {
            assert!(!is_hidden(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn line_separators_become_spaces_in_a_line_and_newlines_in_a_paste() {
        let s = "a\u{2028}b\u{2029}c\u{85}d\r\ne\rf\tg\u{0B}h";
        assert_eq!(clean_line(s), "a b c d  e f g h");
        assert_eq!(clean_lines(s), "a\nb\nc\nd\ne\nf\tg\nh");
    }
}
