//! From a page's text to its [`PageFacts`]: only the sections that hold an official page's own
//! text are read, except for the page's address and title, which only the header table gives.
//!
//! A file holds one official page (a Rooms page: "Official text (verbatim)") or two pages of one
//! path (a meeting page: "Official text (verbatim) – 预约会议基础管理, doc N" and "The
//! 预约会议高级管理 page for the same path (doc M), verbatim"). Every other section (older
//! revisions, the team's 类型 fill-in tables, notes, quirks) is not read.

use serde_json::Value;

use crate::error::Error;
use crate::facts::{Location, Member, PageFacts, Sample, Side};
use crate::markdown::{self, Block, Table};

/// The heading, or the start of the heading, of the section that holds a page's own text.
pub const OFFICIAL: &str = "Official text (verbatim)";

/// What the heading of a second official page of the same path says (with `(doc M)` and a
/// final `verbatim`).
const SAME_PATH: &str = "page for the same path";

/// Nested tables deeper than this are a page error (a table that refers to itself).
const MAX_DEPTH: usize = 8;

/// The facts of every official page in the file `source` (its file name) whose text is `text`,
/// in file order; empty when the file documents no endpoint (no official text with a request
/// URL, like the global error codes and the callback event). When a file holds two pages of
/// one path, each carries its doc id in [`PageFacts::doc`].
///
/// # Errors
///
/// When a page is missing something every endpoint page has (its address, title, date, method,
/// a parameter table), a row refers to a table the page lacks, or two pages of the file
/// document different paths.
pub fn extract_page(source: &str, text: &str) -> Result<Vec<PageFacts>, Error> {
    let header = markdown::blocks(&markdown::preamble(text));
    let mut pages = Vec::new();
    let sections = markdown::headings(text)
        .into_iter()
        .filter(|h| is_official(h))
        .collect::<Vec<_>>();
    for heading in &sections {
        let lines = markdown::section(text, heading).unwrap_or_default();
        let doc = doc_id(heading);
        if let Some(facts) = extract_section(source, &header, &lines, doc.as_deref())? {
            pages.push(facts);
        }
    }
    if let [first, rest @ ..] = pages.as_slice()
        && let Some(other) = rest.iter().find(|p| p.endpoint != first.endpoint)
    {
        let message = format!(
            "its pages document {} and {}, not one path",
            first.endpoint, other.endpoint
        );
        return Err(Error::page(source, message));
    }
    if pages.len() < 2 {
        // One page per endpoint: the file name is the endpoint's alone.
        for page in &mut pages {
            page.doc = None;
        }
    }
    Ok(pages)
}

/// Whether a level-2 heading opens an official page's text.
fn is_official(heading: &str) -> bool {
    heading.starts_with(OFFICIAL) || (heading.contains(SAME_PATH) && heading.ends_with("verbatim"))
}

/// The doc id a heading names: `… doc 99104` or `(doc 98148)` → `99104`, `98148`.
fn doc_id(heading: &str) -> Option<String> {
    let (_, after) = heading.split_once("doc ")?;
    let id: String = after.chars().take_while(char::is_ascii_digit).collect();
    (!id.is_empty()).then_some(id)
}

/// The facts of one official section (`lines`), or `None` when it documents no endpoint.
/// `doc` is the doc id its heading names; the page's address is the header's URL with that id.
fn extract_section(
    source: &str,
    header: &[Block],
    lines: &[&str],
    doc: Option<&str>,
) -> Result<Option<PageFacts>, Error> {
    let blocks = markdown::blocks(lines);
    let Some(request_url) = label_rest(&blocks, "请求地址") else {
        return Ok(None);
    };
    let err = |message: &str| Error::page(source, message);

    let doc_url =
        header_value(header, |key| key == "Doc URL").ok_or_else(|| err("no Doc URL row"))?;
    let url = match doc {
        None => doc_url,
        Some(id) => header_url(header, id)
            .ok_or_else(|| err(&format!("no address for doc {id} in the header")))?,
    };
    let title = header_value(header, |key| key.starts_with("Title"))
        .map(|t| strip_directory(&t))
        .ok_or_else(|| err("no Title row"))?;
    let last_updated = blocks
        .iter()
        .find_map(|block| match block {
            Block::Text(t) => t.strip_prefix("最后更新").map(after_colon),
            _ => None,
        })
        .ok_or_else(|| err("no 最后更新 line"))?;
    let method = label_rest(&blocks, "请求方式")
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_alphabetic)
                .collect::<String>()
        })
        .filter(|m| !m.is_empty())
        .ok_or_else(|| err("no 请求方式 line"))?;
    let (path, query) = split_url(&request_url).ok_or_else(|| err("request URL has no path"))?;
    let endpoint = path
        .strip_prefix("/cgi-bin/")
        .unwrap_or(path.trim_start_matches('/'))
        .to_owned();

    // Everything before 返回结果 is the request's, everything after it the response's.
    let split = blocks
        .iter()
        .position(|b| matches!(b, Block::Label { name, .. } if name.starts_with("返回结果")))
        .ok_or_else(|| err("no 返回结果 label"))?;
    let (request_blocks, response_blocks) = blocks.split_at(split);

    let in_query = |name: &str| method == "GET" || query.iter().any(|q| q == name);
    let mut request = side(source, request_blocks, response_blocks, "请求包体")?;
    for member in &mut request.members {
        let top_level = !member.path.contains(['.', '[']);
        member.location = Some(if top_level && in_query(&member.path) {
            Location::Query
        } else {
            Location::Body
        });
    }
    let response = side(source, response_blocks, request_blocks, "返回结果")?;

    Ok(Some(PageFacts {
        source: source.to_owned(),
        endpoint,
        url,
        doc: doc.map(str::to_owned),
        title,
        last_updated,
        method,
        path,
        request,
        response,
    }))
}

/// The members and sample of one side: `own` are its blocks, `other` the other side's (a row
/// may refer to a table printed there). The sample is the code block after the label starting
/// with `sample_label`.
fn side(source: &str, own: &[Block], other: &[Block], sample_label: &str) -> Result<Side, Error> {
    let mut samples = Vec::new();
    if let Some(at) = own
        .iter()
        .position(|b| matches!(b, Block::Label { name, .. } if name.starts_with(sample_label)))
    {
        let code = own[at + 1..]
            .iter()
            .take_while(|b| matches!(b, Block::Code(_) | Block::Text(_)))
            .find_map(|b| match b {
                Block::Code(code) => Some(code),
                _ => None,
            });
        if let Some(code) = code {
            samples.push(Sample::parse(code));
        }
    }
    let own_tables = tables(own);
    let other_tables = tables(other);
    let main = own_tables
        .iter()
        .find(|(heading, _)| heading.starts_with("参数说明"))
        .map(|(_, table)| *table)
        .ok_or_else(|| {
            Error::page(
                source,
                format!("no 参数说明 table before/after {sample_label}"),
            )
        })?;
    // `详见X` names the table labelled `X说明` (most pages) or `X` (SubMeeting, SubRepeatInfo).
    let named = |name: &str| {
        let label =
            |(heading, _): &&(&str, &Table)| heading.trim_end_matches(['：', ':']).to_lowercase();
        let all = || own_tables.iter().chain(&other_tables);
        let wanted = name.to_lowercase();
        all()
            .find(|t| label(t) == format!("{wanted}说明"))
            .or_else(|| all().find(|t| label(t) == wanted))
            .map(|(_, table)| *table)
    };
    let sample = samples.first().and_then(|s| s.value.as_ref());
    let mut reader = Reader {
        source,
        named: &named,
        sample,
        members: Vec::new(),
    };
    reader.table(main, "", 0)?;
    Ok(Side {
        members: reader.members,
        samples,
    })
}

/// The tables among `blocks`, each with the label printed right above it (or `""`).
fn tables(blocks: &[Block]) -> Vec<(&str, &Table)> {
    let mut heading = "";
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Label { name, .. } => heading = name,
            Block::Table(table) => {
                out.push((heading, table));
                heading = "";
            }
            Block::Code(_) | Block::Text(_) => {}
        }
    }
    out
}

/// Reads one side's tables into members with full paths.
struct Reader<'t, 'n> {
    source: &'t str,
    named: &'n dyn Fn(&str) -> Option<&'t Table>,
    /// The side's sample, whose shape says where a path steps into array items.
    sample: Option<&'t Value>,
    members: Vec<Member>,
}

impl Reader<'_, '_> {
    fn table(&mut self, table: &Table, prefix: &str, depth: usize) -> Result<(), Error> {
        let source = self.source;
        if depth > MAX_DEPTH {
            return Err(Error::page(
                source,
                format!("tables nest deeper than {MAX_DEPTH} at `{prefix}`"),
            ));
        }
        for cells in &table.rows {
            let row = Row::read(&table.header, cells)
                .map_err(|m| Error::page(source, format!("row `{}`: {m}", cells.join(" | "))))?;
            // A dotted name (`hosts.userid`, `attendees.member.userid`) is relative to the
            // table; each step into a member on the way gets its `[]` if that member is a list.
            let mut path = prefix.to_owned();
            let mut segments = row.name.split('.').peekable();
            while let Some(segment) = segments.next() {
                path.push_str(segment);
                if segments.peek().is_some() {
                    let ty = self
                        .members
                        .iter()
                        .find(|m| m.path == path)
                        .and_then(|m| m.ty.clone());
                    path.push_str(self.step(&path, ty.as_deref()));
                    path.push('.');
                }
            }
            let details = row.details();
            let values = row.values();
            self.members.push(Member {
                path: path.clone(),
                ty: row.ty.clone(),
                required: row.required,
                location: None,
                details: details.clone(),
                values,
            });
            if let Some(details) = details {
                let nested = (self.named)(&details).ok_or_else(|| {
                    Error::page(
                        source,
                        format!("`{path}` refers to {details}说明, which the page lacks"),
                    )
                })?;
                let step = self.step(&path, row.ty.as_deref());
                self.table(nested, &format!("{path}{step}."), depth + 1)?;
            }
        }
        Ok(())
    }

    /// `"[]"` when the member at `path` is a list: as the sample shows it where the sample has
    /// the member (a 类型 cell may contradict the sample in kind, and the sample's shape holds),
    /// else as its 类型 says.
    fn step(&self, path: &str, ty: Option<&str>) -> &'static str {
        let found = self.sample.map(|s| at_path(s, path)).unwrap_or_default();
        let list = if found.is_empty() {
            ty.is_some_and(|t| t.ends_with("[]"))
        } else {
            found.iter().any(|v| v.is_array())
        };
        if list { "[]" } else { "" }
    }
}

/// The values at a fact path (`a.b[].c`) in `value`: every array item is visited where the path
/// says `[]`.
fn at_path<'v>(value: &'v Value, path: &str) -> Vec<&'v Value> {
    let mut here = vec![value];
    for segment in path.split('.') {
        let (name, list) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        here = here.into_iter().filter_map(|v| v.get(name)).collect();
        if list {
            here = here
                .into_iter()
                .flat_map(|v| v.as_array().into_iter().flatten())
                .collect();
        }
    }
    here
}

/// One row of a parameter table, its columns told apart.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    name: String,
    ty: Option<String>,
    required: Option<bool>,
    description: String,
}

impl Row {
    /// Columns are found by the header's 参数 / 必须 / 类型 / 说明. A row with more cells than its
    /// header (list_controllers' ControllerInfo: header `参数 | 说明`, rows name | type |
    /// description) has its name first and its description last, and the cells between are
    /// told apart by content: a type word is the type, 是/否 the 必须.
    fn read(header: &[String], cells: &[String]) -> Result<Row, String> {
        let column = |title: &str| header.iter().position(|h| h == title);
        let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).cloned();
        let (name, ty, required, description) = if cells.len() > header.len() && cells.len() >= 2 {
            let middle = &cells[1..cells.len() - 1];
            (
                Some(cells[0].clone()),
                middle.iter().find(|c| is_type(c)).cloned(),
                middle.iter().find(|c| is_flag(c)).cloned(),
                cells.last().cloned(),
            )
        } else {
            (
                cell(column("参数")),
                cell(column("类型")),
                cell(column("必须")),
                cell(column("说明")),
            )
        };
        let name = name
            .map(|n| n.replace('`', "").replace("\\_", "_"))
            .filter(|n| !n.is_empty())
            .ok_or("no 参数 cell")?;
        let required = match required.as_deref() {
            None => None,
            Some("是") => Some(true),
            Some("否") => Some(false),
            Some(other) => return Err(format!("必须 is `{other}`, not 是 or 否")),
        };
        let ty = ty.filter(|t| !t.is_empty());
        if let Some(ty) = &ty
            && !is_type(ty)
        {
            return Err(format!("类型 `{ty}` is not a type"));
        }
        Ok(Row {
            name,
            ty,
            required,
            description: description.unwrap_or_default(),
        })
    }

    /// The table named after 详见: `详见MeetingRoom` → `MeetingRoom`.
    fn details(&self) -> Option<String> {
        let (_, after) = self.description.split_once("详见")?;
        let name: String = after
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    }

    /// The values the description lists. For integer types (and lists of them): every number
    /// that starts the text, a `<br>` line, or a clause (after `，；。`, a space), followed by
    /// `：` `:` `.` `-` `、` or `为` and a meaning (`1：开启`, `1.不提醒 2.仅提醒主持人`, `0 - 每日`,
    /// `1为已参与`); a range (`4-6位`) or a decimal is not a value. For bool and string types:
    /// `<br>`-lines `VALUE：meaning` whose value is `true`/`false`, quoted (`"0"`), an upper-case
    /// identifier (`MEETING_STATE_INIT`) or a lower-case word (`cloud`). Other text is prose.
    /// A 类型 `T[]` lists values of its items.
    fn values(&self) -> Option<Vec<Value>> {
        let ty = self.ty.as_deref()?;
        let ty = ty.strip_suffix("[]").unwrap_or(ty);
        let values: Vec<Value> = if matches!(ty, "uint32" | "int32" | "uint64" | "int64") {
            let mut values = Vec::new();
            for number in listed_numbers(&self.description) {
                let number = Value::from(number);
                if !values.contains(&number) {
                    values.push(number);
                }
            }
            values
        } else {
            self.description
                .split("<br>")
                .skip(1)
                .filter_map(|line| {
                    let (key, _) = line.split_once(['：', ':'])?;
                    value(ty, key.trim())
                })
                .collect()
        };
        (!values.is_empty()).then_some(values)
    }
}

/// The numbers listed as `N：meaning` in a description; see [`Row::values`]. A numbered note
/// is not a value set: reading stops at a `<br>` line that opens a note (`**说明：**`,
/// `注意：`), as in update's `repeat_until_count` ("1-每天…最大支持200场子会议").
fn listed_numbers(description: &str) -> Vec<i64> {
    let lines: Vec<&str> = description
        .split("<br>")
        .take_while(|line| {
            let line = line.trim().trim_start_matches(['*', '`']);
            !(line.starts_with("说明") || line.starts_with("注意"))
        })
        .collect();
    let text = lines.join("\n");
    let chars: Vec<char> = text.chars().collect();
    let boundary = |c: char| c == '\n' || c.is_whitespace() || "，,；;。".contains(c);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit() && (i == 0 || boundary(chars[i - 1]));
        if !starts {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < chars.len() && chars[end].is_ascii_digit() {
            end += 1;
        }
        let mut sep = end;
        while sep < chars.len() && chars[sep] == ' ' {
            sep += 1;
        }
        let spaces = chars.get(sep + 1..).unwrap_or_default();
        let meaning = sep + 1 + spaces.iter().take_while(|c| **c == ' ').count();
        let listed = chars.get(sep).is_some_and(|c| {
            let numeric_after = chars.get(meaning).is_some_and(char::is_ascii_digit);
            match c {
                '：' | ':' | '、' | '为' => true,
                '.' | '-' => !numeric_after,
                _ => false,
            }
        }) && chars.get(meaning).is_some_and(|c| !boundary(*c));
        if listed {
            let number: String = chars[i..end].iter().collect();
            if let Ok(n) = number.parse() {
                out.push(n);
            }
        }
        i = end;
    }
    out
}

fn value(ty: &str, key: &str) -> Option<Value> {
    match ty {
        "bool" => key.parse::<bool>().ok().map(Value::from),
        "string" => {
            let quoted = key
                .strip_prefix('"')
                .and_then(|k| k.strip_suffix('"'))
                .or_else(|| key.strip_prefix('“').and_then(|k| k.strip_suffix('”')));
            if let Some(inner) = quoted {
                return Some(Value::from(inner));
            }
            let upper = key.starts_with(|c: char| c.is_ascii_uppercase())
                && key
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            let lower = key.starts_with(|c: char| c.is_ascii_lowercase())
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            (upper || lower).then(|| Value::from(key))
        }
        _ => None,
    }
}

/// A type word as the pages write them: lower-case letters and digits, maybe `[]` after.
fn is_type(cell: &str) -> bool {
    let base = cell.strip_suffix("[]").unwrap_or(cell);
    base.starts_with(|c: char| c.is_ascii_lowercase())
        && base
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

fn is_flag(cell: &str) -> bool {
    cell == "是" || cell == "否"
}

/// The text after a label's colon: `：2024/07/22` → `2024/07/22`.
fn after_colon(text: &str) -> String {
    text.trim_start_matches([' ', '：', ':']).trim().to_owned()
}

fn label_rest(blocks: &[Block], prefix: &str) -> Option<String> {
    blocks.iter().find_map(|b| match b {
        Block::Label { name, rest } if name.starts_with(prefix) => Some(rest.clone()),
        _ => None,
    })
}

fn header_value(blocks: &[Block], key: impl Fn(&str) -> bool) -> Option<String> {
    blocks.iter().find_map(|b| match b {
        Block::Table(t) => t
            .rows
            .iter()
            .find(|row| row.first().is_some_and(|k| key(k)))
            .and_then(|row| row.get(1))
            .map(|v| v.trim_matches('`').to_owned()),
        _ => None,
    })
}

/// The address in the header table that ends in `/path/<doc>` (a row such as "Same path, second
/// official page").
fn header_url(blocks: &[Block], doc: &str) -> Option<String> {
    let suffix = format!("/path/{doc}");
    blocks.iter().find_map(|b| match b {
        Block::Table(t) => t.rows.iter().flatten().find_map(|cell| {
            cell.split(|c: char| c.is_whitespace() || c == '`' || c == '（' || c == '(')
                .map(|word| word.trim_end_matches([',', '，', ')', '）']))
                .find(|word| word.starts_with("http") && word.ends_with(&suffix))
                .map(str::to_owned)
        }),
        _ => None,
    })
}

/// A title without the directory the header adds: `创建预约会议 (目录：会议 › 预约会议基础管理)`
/// → `创建预约会议`.
fn strip_directory(title: &str) -> String {
    title
        .split_once(" (目录")
        .map_or(title, |(title, _)| title)
        .trim()
        .to_owned()
}

/// A URL's path and the names of its query parameters.
fn split_url(url: &str) -> Option<(String, Vec<String>)> {
    let url = url.trim().trim_matches('`');
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_and_query = &after_scheme[after_scheme.find('/')?..];
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let names = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').map_or(p, |(name, _)| name).to_owned())
        .collect();
    Some((path.to_owned(), names))
}

#[cfg(test)]
mod tests;
