//! Where a finding is in its file: the byte range of the value a JSON pointer names, and the
//! 1-based line and column of a byte offset.
//!
//! Byte ranges come from the syntax tree of jsonc-parser, a maintained span-aware parser; the
//! checker builds it only for a file that has something to report. Lines end at `\n` (so
//! `\r\n` works too) and columns count Unicode scalar values, as editors and GitHub annotations
//! count characters.

use std::collections::HashMap;
use std::ops::Range;

use jsonc_parser::ast::{ObjectPropName, Value as Node};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineColumn {
    /// The line, from 1.
    pub line: usize,
    /// The character on the line, from 1.
    pub column: usize,
}

/// Bytes between two character-count checkpoints of a [`LineIndex`].
const CHECKPOINT_BYTES: usize = 4096;

/// The start of every line of a text, to turn byte offsets into lines and columns.
#[derive(Clone, Debug)]
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// The number of characters before every `CHECKPOINT_BYTES`-th byte (rounded down to a
    /// character boundary), so that a column costs at most one block of counting even on a
    /// minified file that is one long line.
    checkpoints: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Indexes the lines of `text`.
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        let mut checkpoints = vec![0];
        let mut counted = 0;
        let mut block_start = 0;
        while block_start + CHECKPOINT_BYTES <= text.len() {
            let next = floor_char_boundary(text, block_start + CHECKPOINT_BYTES);
            counted += text[floor_char_boundary(text, block_start)..next]
                .chars()
                .count();
            checkpoints.push(counted);
            block_start += CHECKPOINT_BYTES;
        }
        LineIndex {
            text,
            starts,
            checkpoints,
        }
    }

    /// The number of characters before the character boundary `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / CHECKPOINT_BYTES;
        let from = floor_char_boundary(self.text, block * CHECKPOINT_BYTES);
        self.checkpoints[block] + self.text[from..offset].chars().count()
    }

    /// The line and column of the character at byte `offset`. An offset inside a character
    /// counts as that character; one at or past the end is the position after the last one.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let offset = floor_char_boundary(self.text, offset);
        // `starts[0]` is 0, so at least one start is at or before any offset.
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = if offset - start <= CHECKPOINT_BYTES {
            self.text[start..offset].chars().count() + 1
        } else {
            self.chars_before(offset) - self.chars_before(start) + 1
        };
        LineColumn { line, column }
    }

    /// The byte offset where 1-based `line` starts, or the end of the text past the last line.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }
}

/// The largest character boundary of `text` at or before `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Objects with more members than this get an index of their member names.
const INDEXED_MEMBERS: usize = 16;

/// A JSON text's syntax tree with the byte range of every value.
#[derive(Debug)]
pub struct SpanTree<'t> {
    root: Node<'t>,
    /// For each large object (by the byte where it starts), the position of the last member of
    /// each name, so that placing many findings in one object is not quadratic.
    members: HashMap<usize, HashMap<String, usize>>,
}

impl<'t> SpanTree<'t> {
    /// Parses `text` as strict JSON (RFC 8259: no comments, trailing commas or other JSONC
    /// and JSON5 extensions); `None` if it is not.
    pub fn parse(text: &'t str) -> Option<Self> {
        let strict = ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        let parsed = parse_to_ast(text, &CollectOptions::default(), &strict).ok()?;
        let root = parsed.value?;
        let mut members = HashMap::new();
        index_members(&root, &mut members);
        Some(SpanTree { root, members })
    }

    /// The byte range of the value at JSON pointer (RFC 6901) `pointer`, the empty pointer
    /// naming the whole document.
    ///
    /// Where the pointer leads nowhere in the tree, this is the range of the deepest value
    /// it does reach, so a finding is never left without a place.
    pub fn span(&self, pointer: &str) -> Range<usize> {
        let mut node = &self.root;
        let tokens = pointer.strip_prefix('/').map(|rest| rest.split('/'));
        for token in tokens.into_iter().flatten() {
            let token = unescape(token);
            let child = match node {
                // serde_json keeps the last of duplicate members, so the pointer names that one.
                Node::Object(object) => match self.members.get(&object.range().start) {
                    Some(index) => index
                        .get(token.as_ref())
                        .map(|&i| &object.properties[i].value),
                    None => object
                        .properties
                        .iter()
                        .rev()
                        .find(|member| name(&member.name) == token)
                        .map(|member| &member.value),
                },
                Node::Array(array) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|index| array.elements.get(index)),
                _ => None,
            };
            match child {
                Some(child) => node = child,
                None => break,
            }
        }
        let range = node.range();
        range.start..range.end
    }
}

/// Indexes the member names of every object with more than `INDEXED_MEMBERS` members, walking
/// with a stack of its own (the tree can be as deep as the parser allows).
fn index_members(root: &Node<'_>, out: &mut HashMap<usize, HashMap<String, usize>>) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node {
            Node::Object(object) => {
                if object.properties.len() > INDEXED_MEMBERS {
                    // Later duplicates overwrite earlier ones: the last member wins, as in serde_json.
                    let index = object
                        .properties
                        .iter()
                        .enumerate()
                        .map(|(i, member)| (name(&member.name).to_owned(), i))
                        .collect();
                    out.insert(object.range().start, index);
                }
                stack.extend(object.properties.iter().map(|member| &member.value));
            }
            Node::Array(array) => stack.extend(array.elements.iter()),
            _ => {}
        }
    }
}

fn name<'a>(name: &'a ObjectPropName<'_>) -> &'a str {
    match name {
        ObjectPropName::String(literal) => &literal.value,
        ObjectPropName::Word(word) => word.value,
    }
}

/// Undoes a pointer token's escapes: `~1` is `/` and `~0` is `~`, in that order (RFC 6901 §4).
fn unescape(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> LineColumn {
        LineColumn { line, column }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "{\n  \"城市\": \"深圳\", \"x\": 1\n}";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(0), at(1, 1));
        assert_eq!(index.line_column(text.find("\"深圳\"").unwrap()), at(2, 9));
        assert_eq!(index.line_column(text.find('1').unwrap()), at(2, 20));
        assert_eq!(index.line_column(text.rfind('}').unwrap()), at(3, 1));
    }

    #[test]
    fn astral_characters_are_one_column() {
        let text = "[\"😀\", 2]";
        assert_eq!(
            LineIndex::new(text).line_column(text.find('2').unwrap()),
            at(1, 7)
        );
    }

    #[test]
    fn columns_on_a_line_longer_than_a_checkpoint_block() {
        let text = format!("[{}\"城\", 7]", "\"é\", ".repeat(3000));
        let index = LineIndex::new(&text);
        for offset in [
            text.find('7').unwrap(),
            text.rfind('"').unwrap(),
            9000,
            4096,
            4097,
        ] {
            let offset = floor_char_boundary(&text, offset);
            let expected = text[..offset].chars().count() + 1;
            assert_eq!(
                index.line_column(offset),
                at(1, expected),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn large_objects_find_members_through_their_index() {
        let members: Vec<String> = (0..40).map(|i| format!("\"m{i}\": {i}")).collect();
        let text = format!("{{{}, \"m3\": \"last\"}}", members.join(", "));
        let tree = SpanTree::parse(&text).unwrap();
        assert_eq!(&text[tree.span("/m39")], "39");
        assert_eq!(&text[tree.span("/m3")], "\"last\"");
        assert_eq!(&text[tree.span("/absent")], text.as_str());
    }

    #[test]
    fn crlf_ends_a_line_at_the_lf() {
        let text = "{\r\n\"a\": 1\r\n}";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(text.find('1').unwrap()), at(2, 6));
        assert_eq!(index.line_column(text.find('}').unwrap()), at(3, 1));
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_clamped() {
        let text = "\"é\"";
        let index = LineIndex::new(text);
        assert_eq!(index.line_column(2), at(1, 2));
        assert_eq!(index.line_column(text.len()), at(1, 4));
        assert_eq!(index.line_column(99), at(1, 4));
        assert_eq!(LineIndex::new("").line_column(0), at(1, 1));
        assert_eq!(LineIndex::new("1\n").line_column(2), at(2, 1));
    }

    #[test]
    fn line_start_of_each_line() {
        let index = LineIndex::new("a\nbc\n");
        assert_eq!(
            [1, 2, 3, 4].map(|line| index.line_start(line)),
            [0, 2, 5, 5]
        );
    }

    fn text_at<'t>(text: &'t str, pointer: &str) -> &'t str {
        let tree = SpanTree::parse(text).expect("strict JSON");
        &text[tree.span(pointer)]
    }

    #[test]
    fn pointers_name_members_and_elements() {
        let text = r#" {"a": {"b": [10, {"c": null}]}, "d": "x"} "#;
        assert_eq!(text_at(text, ""), &text[1..text.len() - 1]);
        assert_eq!(text_at(text, "/a/b"), r#"[10, {"c": null}]"#);
        assert_eq!(text_at(text, "/a/b/0"), "10");
        assert_eq!(text_at(text, "/a/b/1/c"), "null");
        assert_eq!(text_at(text, "/d"), r#""x""#);
    }

    #[test]
    fn pointer_tokens_are_unescaped_and_keys_decoded() {
        let text = r#"{"a/b": 1, "m~n": 2, "\u00e9": 3, "": 4}"#;
        assert_eq!(text_at(text, "/a~1b"), "1");
        assert_eq!(text_at(text, "/m~0n"), "2");
        assert_eq!(text_at(text, "/é"), "3");
        assert_eq!(text_at(text, "/"), "4");
    }

    #[test]
    fn the_last_duplicate_member_wins_as_in_serde_json() {
        assert_eq!(text_at(r#"{"a": 1, "a": 2}"#, "/a"), "2");
    }

    #[test]
    fn an_unreachable_pointer_stops_at_the_deepest_value_reached() {
        let text = r#"{"a": [1]}"#;
        assert_eq!(text_at(text, "/a/5"), "[1]");
        assert_eq!(text_at(text, "/a/x"), "[1]");
        assert_eq!(text_at(text, "/zz/0"), text);
        assert_eq!(text_at(text, "no-slash"), text);
    }

    #[test]
    fn extensions_to_json_are_refused() {
        for text in ["{\"a\": 1,}", "// c\n1", "{a: 1}", "'x'", "0x10", "", "1 2"] {
            assert!(SpanTree::parse(text).is_none(), "{text:?}");
        }
    }
}
