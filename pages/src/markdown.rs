//! A small line-based reader for the pages' markdown: sections, bold labels, tables and code
//! blocks, which is all the pages use to carry facts.
//!
//! Why not a markdown crate such as pulldown-cmark: under GFM a table has as many columns as its
//! header row, and cells beyond that are dropped. The ControllerInfo table of list_controllers
//! has a two-column header (`参数 | 说明`) over three-cell rows (name | type | description), so a
//! GFM parser would lose every controller member's type. GFM would also turn `<br>` into inline
//! HTML events and the pages' bold labels into nested emphasis, which we would then have to
//! reassemble. The pages' markdown is regular enough that reading it line by line keeps every
//! cell, costs no dependency, and is easy to test on the quirks.

/// One block of a section, in page order. Blank lines are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A line that starts with bold text, such as `**请求包体：**` or
    /// `**请求方式：** POST（**HTTPS**）`: the bold text, and the rest of the line, both trimmed.
    Label {
        /// The bold text, such as `请求包体：` or `MRA说明`.
        name: String,
        /// What follows it on the line, such as `POST（**HTTPS**）`.
        rest: String,
    },
    /// Consecutive lines starting with `|`.
    Table(Table),
    /// A fenced code block: the lines between the fences, exactly, joined with `\n`.
    Code(String),
    /// Any other line, trimmed.
    Text(String),
}

/// A table: its header cells and its rows' cells, each trimmed. The delimiter row
/// (`|---|---|`) is not a row. Rows keep every cell, even beyond the header's count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// The header row's cells.
    pub header: Vec<String>,
    /// The body rows' cells.
    pub rows: Vec<Vec<String>>,
}

/// The lines under the level-2 heading `## <heading>`, up to the next level-2 heading outside a
/// code block; `None` when the page has no such heading.
#[must_use]
pub fn section<'a>(text: &'a str, heading: &str) -> Option<Vec<&'a str>> {
    let mut lines = text.lines();
    lines.find(|line| line.strip_prefix("## ").map(str::trim) == Some(heading))?;
    let mut fenced = false;
    let mut out = Vec::new();
    for line in lines {
        if is_fence(line) {
            fenced = !fenced;
        } else if !fenced && line.starts_with("## ") {
            break;
        }
        out.push(line);
    }
    Some(out)
}

/// Every level-2 heading outside code blocks, trimmed, in order.
#[must_use]
pub fn headings(text: &str) -> Vec<&str> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if is_fence(line) {
            fenced = !fenced;
        } else if !fenced && let Some(heading) = line.strip_prefix("## ") {
            out.push(heading.trim());
        }
    }
    out
}

/// The lines before the first level-2 heading: the page's header (its title and its item table).
#[must_use]
pub fn preamble(text: &str) -> Vec<&str> {
    text.lines().take_while(|l| !l.starts_with("## ")).collect()
}

/// The blocks of `lines`, in order.
#[must_use]
pub fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if is_fence(line) {
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && !is_fence(lines[end]) {
                end += 1;
            }
            blocks.push(Block::Code(lines[start..end].join("\n")));
            i = end + 1;
        } else if trimmed.starts_with('|') {
            let mut table = Table::default();
            while i < lines.len() && lines[i].trim().starts_with('|') {
                let row = cells(lines[i]);
                if table.header.is_empty() && table.rows.is_empty() {
                    table.header = row;
                } else if !is_delimiter(&row) {
                    table.rows.push(row);
                }
                i += 1;
            }
            blocks.push(Block::Table(table));
        } else {
            if let Some(label) = label(trimmed) {
                blocks.push(label);
            } else if !trimmed.is_empty() {
                blocks.push(Block::Text(trimmed.to_owned()));
            }
            i += 1;
        }
    }
    blocks
}

/// The cells of a table line: split at every `|` not escaped as `\|`, without the empty cells
/// outside the leading and trailing pipes, each trimmed (Unicode whitespace included).
#[must_use]
pub fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = if line.ends_with('|') && !line.ends_with("\\|") {
        &line[..line.len() - 1]
    } else {
        line
    };
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_owned());
    cells
}

fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

fn is_delimiter(row: &[String]) -> bool {
    !row.is_empty()
        && row.iter().all(|cell| {
            let inner = cell.trim_matches(':');
            !inner.is_empty() && inner.chars().all(|c| c == '-')
        })
}

fn label(line: &str) -> Option<Block> {
    let rest = line.strip_prefix("**")?;
    let end = rest.find("**")?;
    Some(Block::Label {
        name: rest[..end].trim().to_owned(),
        rest: rest[end + 2..].trim().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_trimmed_and_keep_extra_columns() {
        let table = blocks(&[
            "|参数 |说明 |",
            "|---|---|---|",
            "|rooms_id |string|Rooms ID|",
            "|meeting_room_name\u{3000}| string |名称 |",
        ]);
        let Block::Table(table) = &table[0] else {
            panic!("not a table: {table:?}")
        };
        assert_eq!(table.header, ["参数", "说明"]);
        assert_eq!(table.rows[0], ["rooms_id", "string", "Rooms ID"]);
        assert_eq!(table.rows[1], ["meeting_room_name", "string", "名称"]);
    }

    #[test]
    fn escaped_pipes_stay_in_their_cell() {
        assert_eq!(cells(r"| a \| b | c |"), ["a | b", "c"]);
    }

    #[test]
    fn labels_code_and_sections() {
        let text = "# t\n\n## A\n**请求包体：**\n```\n{\n## not a heading\n}\n```\n**MRA说明**\ntext\n## B\nx";
        let a = section(text, "A").unwrap();
        let blocks = blocks(&a);
        assert_eq!(
            blocks,
            [
                Block::Label {
                    name: "请求包体：".into(),
                    rest: String::new()
                },
                Block::Code("{\n## not a heading\n}".into()),
                Block::Label {
                    name: "MRA说明".into(),
                    rest: String::new()
                },
                Block::Text("text".into()),
            ]
        );
        assert!(section(text, "C").is_none());
    }
}
