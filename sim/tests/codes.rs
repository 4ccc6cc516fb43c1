//! `codes::ALL`, the README's errcode table and the constants of `mod codes` name the same
//! codes: a code added to one and not the others fails here, not in a client's surprise.

use std::collections::BTreeSet;

use wecom_rooms_sim::codes;

/// The codes of the README's table: the rows after the `| errcode | 错误说明 | ...` header.
fn readme_codes() -> BTreeSet<i32> {
    let readme = include_str!("../README.md");
    let mut lines = readme.lines();
    lines
        .by_ref()
        .find(|line| line.starts_with("| errcode | 错误说明 |"))
        .expect("README.md has the errcode table");
    lines
        .skip(1) // the |---| row
        .take_while(|line| line.starts_with('|'))
        .map(|row| {
            let cell = row.split('|').nth(1).unwrap_or_default().trim();
            cell.parse()
                .unwrap_or_else(|_| panic!("not an errcode: {row}"))
        })
        .collect()
}

/// The values of the `pub const NAME: i32 = VALUE;` items of `mod codes` in the source.
fn declared_codes() -> BTreeSet<i32> {
    let source = include_str!("../src/protocol.rs");
    let start = source
        .find("pub mod codes {")
        .expect("protocol.rs has mod codes");
    let body = &source[start..];
    let end = body.find("\n}").expect("mod codes ends");
    body[..end]
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub const "))
        .filter_map(|item| item.split_once(": i32 = "))
        .map(|(name, value)| {
            let value = value.trim_end_matches(';').replace('_', "");
            value
                .parse()
                .unwrap_or_else(|_| panic!("{name} is not a literal: {value}"))
        })
        .collect()
}

#[test]
fn the_readme_table_lists_exactly_the_codes_the_simulator_sends() {
    let all: BTreeSet<i32> = codes::ALL.iter().copied().collect();
    assert_eq!(all.len(), codes::ALL.len(), "codes::ALL repeats a code");
    let readme = readme_codes();
    let missing: Vec<_> = all.difference(&readme).collect();
    let extra: Vec<_> = readme.difference(&all).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "README.md's table lacks {missing:?} and has {extra:?} that codes::ALL does not"
    );
}

#[test]
fn codes_all_lists_every_constant_of_mod_codes() {
    let all: BTreeSet<i32> = codes::ALL.iter().copied().collect();
    assert_eq!(
        declared_codes(),
        all,
        "mod codes declares (left) what codes::ALL lists (right)"
    );
    assert!(
        codes::ALL.is_sorted(),
        "codes::ALL is kept in ascending order"
    );
}
