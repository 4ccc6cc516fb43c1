//! Keywords a schema's draft does not define. The specification reads them as annotations; most
//! are (`markdownDescription`, `meta:enum`, another draft's `$defs`), but one a letter or two
//! from a defined keyword (`requried`, `additionalProperty`) is almost always a typo that would
//! silently change nothing, so by default that one is refused with the keyword it resembles.

use std::collections::BTreeSet;
use std::path::PathBuf;

use indexmap::IndexMap;

use crate::dialect::{DIALECTS, Dialect, KEYWORDS};
use crate::error::{Warning, WarningKind};

/// Keywords of neighbouring vocabularies that schemas use on purpose and that happen to be a
/// letter away from a JSON Schema keyword: OpenAPI's `example` (beside `examples`).
const DELIBERATE: &[&str] = &["example"];

/// The keyword of `dialect` that `keyword` (which no draft defines) looks like a typo of: equal
/// but for case or a leading `$`, or within an edit distance (adjacent swaps count as one edit)
/// that grows with the length: none below four letters, one up to seven, two up to eleven,
/// three beyond (`additionalProperty` is three edits from `additionalProperties`).
pub(super) fn near_miss(dialect: Dialect, keyword: &str) -> Option<&'static str> {
    if DIALECTS.iter().any(|d| d.defines(keyword)) || DELIBERATE.contains(&keyword) {
        return None;
    }
    let candidates = KEYWORDS.iter().copied().filter(|k| dialect.defines(k));
    let bare = |k: &str| k.trim_start_matches('$').to_lowercase();
    let mut best: Option<(usize, &'static str)> = None;
    for candidate in candidates {
        let distance = if bare(candidate) == bare(keyword) {
            0
        } else {
            let shorter = keyword.chars().count().min(candidate.chars().count());
            let allowed = match shorter {
                0..=3 => 0,
                4..=7 => 1,
                8..=11 => 2,
                _ => 3,
            };
            match edit_distance(keyword, candidate) {
                d if d <= allowed => d,
                _ => continue,
            }
        };
        if best.is_none_or(|(b, _)| distance < b) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// two adjacent characters, each one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

/// The unknown keywords met so far: each distinct one with the first place it was met and every
/// place (document, pointer), so it is reported once, with how often it occurs.
#[derive(Debug, Default)]
pub(super) struct Unknowns {
    seen: IndexMap<String, Met>,
}

/// Where an unknown keyword was met: first (file, pointer, dialect), then everywhere.
#[derive(Debug)]
struct Met {
    file: PathBuf,
    pointer: String,
    dialect: Dialect,
    places: BTreeSet<(usize, String)>,
}

impl Unknowns {
    /// Notes `keyword` at `pointer` in document `doc` (shown as `file`), read in `dialect`.
    pub fn note(
        &mut self,
        keyword: &str,
        doc: usize,
        file: impl FnOnce() -> PathBuf,
        pointer: String,
        dialect: Dialect,
    ) {
        let entry = self.seen.entry(keyword.to_owned()).or_insert_with(|| Met {
            file: file(),
            pointer: pointer.clone(),
            dialect,
            places: BTreeSet::new(),
        });
        entry.places.insert((doc, pointer));
    }

    pub fn clear(&mut self) {
        self.seen.clear();
    }

    /// One warning per keyword, in the order they were first met.
    pub fn into_warnings(self) -> Vec<Warning> {
        self.seen
            .into_iter()
            .map(|(keyword, met)| Warning {
                file: met.file,
                pointer: met.pointer,
                kind: WarningKind::UnknownKeyword {
                    keyword,
                    dialect: met.dialect,
                    places: met.places.len(),
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_of_keywords_are_near_misses() {
        let cases = [
            ("requried", Some("required")),
            ("additionalProperty", Some("additionalProperties")),
            ("AdditionalProperties", Some("additionalProperties")),
            ("minlength", Some("minLength")),
            ("tpye", Some("type")),
            ("ref", Some("$ref")),
            ("defs", Some("$defs")),
            ("ENUM", Some("enum")),
            ("patternProperty", Some("patternProperties")),
        ];
        for (keyword, expected) in cases {
            assert_eq!(
                near_miss(Dialect::Draft2020_12, keyword),
                expected,
                "{keyword}"
            );
        }
    }

    #[test]
    fn annotations_of_other_vocabularies_are_not_near_misses() {
        for keyword in [
            "source_hidden",
            "meta:enum",
            "markdownDescription",
            "deprecationMessage",
            "example",
            "note",
            "nullable",
            "discriminator",
            "tsType",
        ] {
            assert_eq!(near_miss(Dialect::Draft2020_12, keyword), None, "{keyword}");
        }
        // Another draft's keyword is an annotation in this one, not a typo of a neighbour.
        assert_eq!(near_miss(Dialect::Draft7, "$defs"), None);
        assert_eq!(near_miss(Dialect::Draft2020_12, "definitions"), None);
        assert_eq!(near_miss(Dialect::Draft6, "id"), None);
    }

    #[test]
    fn swaps_count_as_one_edit() {
        assert_eq!(edit_distance("requried", "required"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            edit_distance("additionalProperty", "additionalProperties"),
            3
        );
    }
}
