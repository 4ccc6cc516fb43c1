//! From a page's text to its [`PageFacts`]: only the "Official text (verbatim)" section is read,
//! except for the page's address and title, which only the header table gives.

use serde_json::Value;

use crate::error::Error;
use crate::facts::{Location, Member, PageFacts, Sample, Side};
use crate::markdown::{self, Block, Table};

/// The heading of the section that holds the page's own text.
pub const OFFICIAL: &str = "Official text (verbatim)";

/// Nested tables deeper than this are a page error (a table that refers to itself).
const MAX_DEPTH: usize = 8;

/// The facts of the page `source` (its file name) whose text is `text`; `Ok(None)` when the
/// page documents no endpoint (it has no official text with a request URL, like the global
/// error codes and the callback event).
///
/// # Errors
///
/// When the page is missing something every endpoint page has (its address, title, date, method,
/// a parameter table) or a row refers to a table the page lacks.
pub fn extract_page(source: &str, text: &str) -> Result<Option<PageFacts>, Error> {
    let Some(official) = markdown::section(text, OFFICIAL) else {
        return Ok(None);
    };
    let blocks = markdown::blocks(&official);
    let Some(request_url) = label_rest(&blocks, "请求地址") else {
        return Ok(None);
    };
    let err = |message: &str| Error::page(source, message);

    let header = markdown::blocks(&markdown::preamble(text));
    let url = header_value(&header, |key| key == "Doc URL").ok_or_else(|| err("no Doc URL row"))?;
    let title =
        header_value(&header, |key| key.starts_with("Title")).ok_or_else(|| err("no Title row"))?;
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
    let named = |name: &str| {
        let wanted = format!("{name}说明").to_lowercase();
        own_tables
            .iter()
            .chain(&other_tables)
            .find(|(heading, _)| heading.trim_end_matches(['：', ':']).to_lowercase() == wanted)
            .map(|(_, table)| *table)
    };
    let mut members = Vec::new();
    read_table(source, main, "", 0, &named, &mut members)?;
    Ok(Side { members, samples })
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

fn read_table<'t>(
    source: &str,
    table: &Table,
    prefix: &str,
    depth: usize,
    named: &dyn Fn(&str) -> Option<&'t Table>,
    out: &mut Vec<Member>,
) -> Result<(), Error> {
    if depth > MAX_DEPTH {
        return Err(Error::page(
            source,
            format!("tables nest deeper than {MAX_DEPTH} at `{prefix}`"),
        ));
    }
    for cells in &table.rows {
        let row = Row::read(&table.header, cells)
            .map_err(|m| Error::page(source, format!("row `{}`: {m}", cells.join(" | "))))?;
        let path = format!("{prefix}{}", row.name);
        let details = row.details();
        let values = row.values();
        out.push(Member {
            path: path.clone(),
            ty: row.ty.clone(),
            required: row.required,
            location: None,
            details: details.clone(),
            values,
        });
        if let Some(details) = details {
            let nested = named(&details).ok_or_else(|| {
                Error::page(
                    source,
                    format!("`{path}` refers to {details}说明, which the page lacks"),
                )
            })?;
            let step = if row.ty.as_deref().is_some_and(|t| t.ends_with("[]")) {
                "[]"
            } else {
                ""
            };
            read_table(
                source,
                nested,
                &format!("{path}{step}."),
                depth + 1,
                named,
                out,
            )?;
        }
    }
    Ok(())
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

    /// The values listed after `<br>`s as `VALUE：meaning` (fullwidth or ASCII colon): numbers
    /// for integer types, booleans for bool, and for strings either a quoted value (`"0"`) or
    /// an upper-case identifier (`MEETING_STATE_INIT`). Other lines are prose.
    fn values(&self) -> Option<Vec<Value>> {
        let ty = self.ty.as_deref()?;
        let values: Vec<Value> = self
            .description
            .split("<br>")
            .skip(1)
            .filter_map(|line| {
                let (key, _) = line.split_once(['：', ':'])?;
                value(ty, key.trim())
            })
            .collect();
        (!values.is_empty()).then_some(values)
    }
}

fn value(ty: &str, key: &str) -> Option<Value> {
    match ty {
        "uint32" | "int32" | "uint64" | "int64" => key.parse::<i64>().ok().map(Value::from),
        "bool" => key.parse::<bool>().ok().map(Value::from),
        "string" => {
            let quoted = key
                .strip_prefix('"')
                .and_then(|k| k.strip_suffix('"'))
                .or_else(|| key.strip_prefix('“').and_then(|k| k.strip_suffix('”')));
            if let Some(inner) = quoted {
                return Some(Value::from(inner));
            }
            let identifier = key.starts_with(|c: char| c.is_ascii_uppercase())
                && key
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            identifier.then(|| Value::from(key))
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
