//! The `format` keyword as an assertion: one check per format name of drafts 4 to 2020-12.
//!
//! Each check is built on a maintained crate where one fits: [`time`] for RFC 3339 dates and
//! times, [`email_address`] for RFC 5321 addresses, [`idna`] for UTS 46 / IDNA hostnames,
//! [`iri_string`] for RFC 3986 URIs, RFC 3987 IRIs and RFC 6570 URI templates, [`uuid`] for
//! RFC 9562 UUIDs, [`regress`] for ECMA-262 regular expressions, and the standard library for
//! IP addresses. Hand-written code covers only trivial grammars (`duration`, `json-pointer`,
//! `relative-json-pointer`) and the places where a crate is lenient on purpose; each says why.
//!
//! The JSON-Schema-Test-Suite gives the same verdict for a string under every draft that tests
//! a format, so the checks take no draft.

use std::net::{Ipv4Addr, Ipv6Addr};

use email_address::{EmailAddress, Options};
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
use iri_string::template::UriTemplateStr;
use iri_string::types::{IriReferenceStr, IriStr, UriReferenceStr, UriStr};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_script::{Script, UnicodeScript};

/// Whether `s` is valid for `format`, or `None` for a format this crate does not know (which
/// stays an annotation).
///
/// ```
/// use wecom_rooms_runtime::__private::format::check;
///
/// assert_eq!(check("date", "2020-02-29"), Some(true));
/// assert_eq!(check("date", "2021-02-29"), Some(false));
/// assert_eq!(check("no-such-format", "anything"), None);
/// ```
pub fn check(format: &str, s: &str) -> Option<bool> {
    let check: fn(&str) -> bool = match format {
        "date-time" => date_time,
        "date" => date,
        "time" => time,
        "duration" => duration,
        "email" => email,
        "idn-email" => idn_email,
        "hostname" => hostname,
        "idn-hostname" => idn_hostname,
        "ipv4" => ipv4,
        "ipv6" => ipv6,
        "uri" => uri,
        "uri-reference" => uri_reference,
        "iri" => iri,
        "iri-reference" => iri_reference,
        "uri-template" => uri_template,
        "uuid" => uuid,
        "regex" => regex,
        "json-pointer" => json_pointer,
        "relative-json-pointer" => relative_json_pointer,
        _ => return None,
    };
    Some(check(s))
}

/// RFC 3339 `date-time`, leap seconds only where UTC is 23:59:60 on a month's last day.
pub fn date_time(s: &str) -> bool {
    // `time` takes any byte between date and time (RFC 3339's note allows a space for
    // readability); the grammar and the suite want `T` or `t`.
    matches!(s.as_bytes().get(10), Some(b'T' | b't')) && OffsetDateTime::parse(s, &Rfc3339).is_ok()
}

/// RFC 3339 `full-date`.
pub fn date(s: &str) -> bool {
    // A full-date has a fixed length, so it is valid exactly when it starts a valid date-time.
    s.len() == 10 && date_time(&format!("{s}T00:00:00Z"))
}

/// RFC 3339 `full-time`: an offset is required, and a leap second is 23:59:60 in UTC.
pub fn time(s: &str) -> bool {
    // `time` accepts a leap second only on a month's last day in UTC; the offset moves the
    // UTC day by at most one, so one of these three days puts any 23:59:60 UTC on January 31.
    ["1970-01-30T", "1970-01-31T", "1970-02-01T"]
        .iter()
        .any(|day| date_time(&format!("{day}{s}")))
}

/// RFC 3339 Appendix A `duration`: `P`, then a run of date units (Y, M, D) and an optional
/// `T` with a run of time units (H, M, S), or weeks alone; integers only, at least one unit.
pub fn duration(s: &str) -> bool {
    // ISO 8601 crates accept fractions, commas and the alternative format, which RFC 3339's
    // grammar does not; the grammar is short enough to follow here.
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    if let Some(weeks) = rest.strip_suffix('W') {
        return is_digits(weeks);
    }
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    let date_ok = units(date, b"YMD");
    let time_ok = time.map(|t| units(t, b"HMS"));
    match time_ok {
        Some(t) => date_ok.is_some() && t.is_some_and(|n| n > 0),
        None => date_ok.is_some_and(|n| n > 0),
    }
}

/// How many `<digits><unit>` elements `s` has: units in the order of `order`, each once, and
/// with no gap (the grammar's `dur-year = 1*DIGIT "Y" [dur-month]` makes `P1Y1D` invalid).
fn units(s: &str, order: &[u8]) -> Option<usize> {
    let mut rest = s;
    let mut next = 0;
    let mut count = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let unit = *rest.as_bytes().get(digits)?;
        let at = order[next..].iter().position(|&u| u == unit)?;
        if digits == 0 || (count > 0 && at > 0) {
            return None;
        }
        next += at + 1;
        count += 1;
        rest = &rest[digits + 1..];
    }
    Some(count)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// RFC 5321 `Mailbox` with an ASCII local part and a `hostname` or address-literal domain.
pub fn email(s: &str) -> bool {
    mailbox(s, false)
}

/// RFC 6531 `Mailbox`: `email` with UTF-8 in the local part and an `idn-hostname` domain.
pub fn idn_email(s: &str) -> bool {
    mailbox(s, true)
}

fn mailbox(s: &str, international: bool) -> bool {
    // `email_address` checks the structure; it also takes `Name <addr>` (display text), which
    // is no address, and checks the domain loosely (any alphanumerics), so the domain is
    // checked again here. It rejects two things RFC 5321 and RFC 6531 allow: an empty quoted
    // local part, and UTF-8 inside quotes; ours stands in an ASCII letter for each (the
    // structure is the same) and reads the domain from the original.
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    if !international && !local.is_ascii() {
        return false;
    }
    let local = match local {
        "\"\"" => "\"a\"".to_owned(),
        _ => local
            .chars()
            .map(|c| if c.is_ascii() { c } else { 'a' })
            .collect(),
    };
    let options = Options::default()
        .without_display_text()
        .with_domain_literal();
    let structure = format!("{local}@{}", if domain.is_ascii() { domain } else { "a" });
    if EmailAddress::parse_with_options(&structure, options).is_err() {
        return false;
    }
    match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        // RFC 5321 address literals: IPv4, or tagged IPv6 (the tag is case-insensitive).
        Some(literal) => match literal.get(..5) {
            Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => ipv6(&literal[5..]),
            _ => ipv4(literal),
        },
        None if international => idn_hostname(domain),
        None => hostname(domain),
    }
}

/// RFC 1123 host name, whose `xn--` labels must be valid A-labels (RFC 5890).
pub fn hostname(s: &str) -> bool {
    s.is_ascii() && idn_hostname(s)
}

/// RFC 5890 internationalized host name: UTS 46 processing with the strict options (STD3
/// characters, hyphen positions, DNS lengths, Punycode, joiners, bidi), then the IDNA2008
/// rules that UTS 46 does not have.
pub fn idn_hostname(s: &str) -> bool {
    let uts46 = Uts46::new();
    let Ok(ascii) = uts46.to_ascii(
        s.as_bytes(),
        AsciiDenyList::STD3,
        Hyphens::Check,
        DnsLength::Verify,
    ) else {
        return false;
    };
    let (unicode, errors) = uts46.to_unicode(ascii.as_bytes(), AsciiDenyList::STD3, Hyphens::Check);
    if errors.is_err() {
        return false;
    }
    // UTS 46 maps where IDNA2008 rejects (`Ä` to `ä`, fullwidth `Ａ` to `a`, non-NFC text): a
    // label other than an A-label must already be what UTS 46 makes of it, up to ASCII case.
    let labels = s.split(['.', '\u{3002}', '\u{FF0E}', '\u{FF61}']);
    labels.zip(unicode.split('.')).all(|(given, label)| {
        let lower = given.to_ascii_lowercase();
        (lower.starts_with("xn--") || lower == label) && idna2008_label(label)
    })
}

/// The IDNA2008 rules (RFC 5892) that UTS 46 leaves out: PVALID code points are letters,
/// marks and digits (UTS 46 keeps symbols such as `☃`), less the DISALLOWED exceptions, and
/// the CONTEXTO rules hold.
fn idna2008_label(label: &str) -> bool {
    let chars: Vec<char> = label.chars().collect();
    chars.iter().enumerate().all(|(i, &c)| {
        let before = i.checked_sub(1).map(|i| chars[i]);
        let after = chars.get(i + 1).copied();
        match c {
            // RFC 5892 §2.6: DISALLOWED exceptions.
            '\u{640}'
            | '\u{7FA}'
            | '\u{302E}'
            | '\u{302F}'
            | '\u{3031}'..='\u{3035}'
            | '\u{303B}' => false,
            // §2.6: PVALID exceptions outside the letter, mark and digit categories.
            '\u{6FD}' | '\u{6FE}' | '\u{F0B}' | '\u{3007}' => true,
            // Appendix A.1, A.2: the joiners, which UTS 46 has checked (CheckJoiners).
            '\u{200C}' | '\u{200D}' => true,
            // A.3: MIDDLE DOT between two `l`.
            '\u{B7}' => before == Some('l') && after == Some('l'),
            // A.4: Greek KERAIA before a Greek character.
            '\u{375}' => after.is_some_and(|a| a.script() == Script::Greek),
            // A.5, A.6: Hebrew GERESH and GERSHAYIM after a Hebrew character.
            '\u{5F3}' | '\u{5F4}' => before.is_some_and(|b| b.script() == Script::Hebrew),
            // A.7: KATAKANA MIDDLE DOT in a label with Hiragana, Katakana or Han.
            '\u{30FB}' => chars.iter().any(|&o| {
                o != '\u{30FB}'
                    && matches!(
                        o.script(),
                        Script::Hiragana | Script::Katakana | Script::Han
                    )
            }),
            // A.8, A.9: Arabic-Indic and Extended Arabic-Indic digits do not mix.
            '\u{660}'..='\u{669}' => !chars.iter().any(|o| ('\u{6F0}'..='\u{6F9}').contains(o)),
            // STD3 has left letters, digits and `-` in ASCII.
            _ if c.is_ascii() => true,
            // §2.1 LetterDigits; upper and title case cannot remain after UTS 46's mapping.
            _ => matches!(
                get_general_category(c),
                GeneralCategory::LowercaseLetter
                    | GeneralCategory::ModifierLetter
                    | GeneralCategory::OtherLetter
                    | GeneralCategory::NonspacingMark
                    | GeneralCategory::SpacingMark
                    | GeneralCategory::DecimalNumber
            ),
        }
    })
}

/// RFC 2673 dotted-quad IPv4 address: four decimal octets, no leading zeros.
pub fn ipv4(s: &str) -> bool {
    // The standard library's parser is exactly this grammar (it rejects leading zeros).
    s.parse::<Ipv4Addr>().is_ok()
}

/// RFC 4291 IPv6 address text, without a zone.
pub fn ipv6(s: &str) -> bool {
    s.parse::<Ipv6Addr>().is_ok()
}

/// RFC 3986 `URI` (absolute, with a scheme).
pub fn uri(s: &str) -> bool {
    UriStr::new(s).is_ok()
}

/// RFC 3986 `URI-reference`.
pub fn uri_reference(s: &str) -> bool {
    UriReferenceStr::new(s).is_ok()
}

/// RFC 3987 `IRI`.
pub fn iri(s: &str) -> bool {
    IriStr::new(s).is_ok()
}

/// RFC 3987 `IRI-reference`.
pub fn iri_reference(s: &str) -> bool {
    IriReferenceStr::new(s).is_ok()
}

/// RFC 6570 URI template, any level.
pub fn uri_template(s: &str) -> bool {
    // `iri-string` takes any digits after `:`; RFC 6570 §2.4.1 wants a prefix length of 1 to
    // 9999 (`%x31-39 0*3DIGIT`). Once the template parses, each `:` inside braces starts one.
    UriTemplateStr::new(s).is_ok()
        && s.split('{').skip(1).all(|expression| {
            let expression = expression.split('}').next().unwrap_or_default();
            expression
                .split(',')
                .all(|varspec| match varspec.split_once(':') {
                    Some((_, length)) => {
                        (1..=4).contains(&length.len())
                            && !length.starts_with('0')
                            && length.bytes().all(|b| b.is_ascii_digit())
                    }
                    None => true,
                })
        })
}

/// RFC 9562 UUID in its hyphenated form (`8-4-4-4-12` hex digits, any case).
pub fn uuid(s: &str) -> bool {
    // `uuid` also parses the simple, braced and URN forms; only the hyphenated one is 36 long.
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

/// An ECMA-262 regular expression, with the `u` flag as `pattern` uses.
pub fn regex(s: &str) -> bool {
    regress::Regex::with_flags(s, "u").is_ok()
}

/// RFC 6901 JSON Pointer: empty, or `/`-separated tokens where `~` escapes only `0` and `1`.
pub fn json_pointer(s: &str) -> bool {
    (s.is_empty() || s.starts_with('/')) && escapes_ok(s)
}

fn escapes_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter()
        .enumerate()
        .all(|(i, &c)| c != b'~' || matches!(b.get(i + 1), Some(b'0' | b'1')))
}

/// Relative JSON Pointer: a non-negative integer without leading zeros, an optional `+`/`-`
/// index offset, then `#` or a JSON Pointer.
///
/// The offset is draft-bhutton-relative-json-pointer-00's, the one 2020-12 cites; drafts 7 and
/// 2019-09 cite draft-handrews-01, which lacks it. The suite tests no offset on any draft, so
/// the check takes it on all of them.
pub fn relative_json_pointer(s: &str) -> bool {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || (digits > 1 && s.starts_with('0')) {
        return false;
    }
    let mut rest = &s[digits..];
    if let Some(offset) = rest.strip_prefix(['+', '-']) {
        let n = offset.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || (n > 1 && offset.starts_with('0')) {
            return false;
        }
        rest = &offset[n..];
    }
    rest == "#" || json_pointer(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_formats_stay_annotations() {
        assert_eq!(check("color", "red"), None);
        assert_eq!(check("unknown", ""), None);
        assert_eq!(check("ipv4", "127.0.0.1"), Some(true));
    }

    // Beyond the suite: each case below is one where a crate alone gives the wrong verdict.

    #[test]
    fn date_time_wants_t_between_date_and_time() {
        assert!(date_time("1963-06-19T08:30:06Z"));
        assert!(!date_time("1963-06-19 08:30:06Z"));
        assert!(!date_time("1963-06-19_08:30:06Z"));
        assert!(!date_time("1963-06-19\u{e9}08:30:06Z"));
    }

    #[test]
    fn leap_seconds_fall_on_a_months_last_minute_in_utc() {
        assert!(date_time("2016-12-31T23:59:60Z"));
        assert!(date_time("2017-01-01T00:59:60+01:00"));
        assert!(!date_time("2016-12-30T23:59:60Z"));
        for ok in [
            "23:59:60Z",
            "23:29:60+23:30",
            "00:00:60+00:01",
            "23:59:60.5z",
        ] {
            assert!(time(ok), "{ok}");
        }
        assert!(!time("00:00:60+00:02"));
        assert!(!time("23:59:60-00:01"));
    }

    #[test]
    fn date_and_time_are_only_their_own_part() {
        assert!(!date("1963-06-19T08:30:06Z"));
        assert!(!date("1963-06-19T"));
        assert!(!time("1963-06-19T08:30:06Z"));
        assert!(!time("08:30:06Z08:30:06Z"));
    }

    #[test]
    fn durations_follow_rfc_3339_not_all_of_iso_8601() {
        for ok in ["P1Y2M3DT4H5M6S", "PT1H", "P1W", "P0D", "P1MT1M"] {
            assert!(duration(ok), "{ok}");
        }
        for bad in [
            "P0.5Y",
            "PT1,5S",
            "P0001-02-03",
            "P1Y1Y",
            "PT1S1M",
            "P1WT1H",
            "PW",
            "P",
        ] {
            assert!(!duration(bad), "{bad}");
        }
    }

    #[test]
    fn uuids_are_hyphenated_only() {
        assert!(uuid("2eb8aa08-aa98-11ea-b4aa-73b441d16380"));
        assert!(!uuid("{2eb8aa08-aa98-11ea-b4aa-73b441d16380}"));
        assert!(!uuid("urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380"));
        assert!(!uuid("2eb8aa08aa9811eab4aa73b441d16380"));
    }

    #[test]
    fn mailboxes_have_no_display_text_and_a_real_domain() {
        assert!(email("joe@example.com"));
        assert!(!email("Joe <joe@example.com>"));
        assert!(!email("joe@exa_mple.com"));
        assert!(!email("joe@[IPv6:1.2.3.4]"));
        assert!(email("joe@[ipv6:::1]"));
        assert!(!email("joe@[::1]"));
        assert!(!email("\u{e9}l\u{e8}ve@example.com"));
        assert!(idn_email("\u{e9}l\u{e8}ve@example.com"));
    }

    #[test]
    fn quoted_local_parts_may_be_empty_or_utf8() {
        assert!(email("\"\"@example.com"));
        assert!(!email("\"\u{e9}\"@example.com"));
        assert!(idn_email("\"\u{e9} \u{e8}\"@example.com"));
        assert!(!idn_email("\"\u{e9}@example.com"));
    }

    #[test]
    fn hostnames_check_their_a_labels() {
        assert!(hostname("xn--4gbwdl.xn--wgbh1c"));
        assert!(!hostname("xn--X"));
        assert!(!hostname("ab--cd"));
        assert!(!hostname("example.com."));
        assert!(!hostname("\u{c2e4}\u{b840}.test"));
        assert!(idn_hostname("\u{c2e4}\u{b840}.test"));
    }

    #[test]
    fn idna2008_contexto_rules() {
        assert!(idn_hostname("l\u{b7}l"));
        assert!(!idn_hostname("a\u{b7}l"));
        assert!(idn_hostname("\u{3b1}\u{375}\u{3b2}"));
        assert!(!idn_hostname("\u{3b1}\u{375}s"));
        assert!(idn_hostname("\u{5d0}\u{5f3}\u{5d1}"));
        assert!(!idn_hostname("a\u{5f3}\u{5d1}"));
        assert!(idn_hostname("\u{30fb}\u{4e08}"));
        assert!(!idn_hostname("\u{30fb}"));
        assert!(!idn_hostname("\u{628}\u{660}\u{6f0}"));
        assert!(!idn_hostname("a\u{3031}"));
    }

    #[test]
    fn idna2008_rejects_what_uts_46_maps_or_keeps() {
        assert!(idn_hostname("\u{e4}.com"));
        assert!(!idn_hostname("\u{c4}.com"));
        assert!(!idn_hostname("\u{ff21}.com"));
        assert!(!idn_hostname("a\u{308}.com"));
        assert!(!idn_hostname("\u{2603}.com"));
        assert!(!idn_hostname("xn--n3h.com"));
        assert!(idn_hostname("EXAMPLE.com"));
        assert!(idn_hostname("XN--4gbwdl.xn--wgbh1c"));
        assert!(idn_hostname("\u{df}\u{3c2}\u{f0b}\u{3007}"));
    }

    #[test]
    fn uri_template_prefixes_are_1_to_9999() {
        for ok in ["{a:1}", "{a:9999}", "x{a:3,b}y{+c:20}", "{a*}"] {
            assert!(uri_template(ok), "{ok}");
        }
        for bad in ["{a:0}", "{a:01}", "{a:10000}", "{a,b:0}", "{a:}"] {
            assert!(!uri_template(bad), "{bad}");
        }
    }

    #[test]
    fn relative_json_pointers() {
        for ok in ["0", "1/a~0b", "0#", "2+1/x", "10-3#"] {
            assert!(relative_json_pointer(ok), "{ok}");
        }
        for bad in ["", "/a", "01", "0+", "0+01", "-1", "0~", "0/~2", "#"] {
            assert!(!relative_json_pointer(bad), "{bad}");
        }
    }
}
