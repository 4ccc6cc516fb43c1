//! The facts one page gives about its endpoint, as written to `pages/facts/<endpoint>.json`.
//!
//! Facts only: names, types, flags and values, never the pages' sentences.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything one endpoint's page documents, in page order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageFacts {
    /// The page's file name in the spec folder, such as `list.md`.
    pub source: String,
    /// The endpoint: the request path after `/cgi-bin/`, such as `meeting/rooms/list`. The
    /// schemas of its request and response are `schema/<endpoint>/{request,response}.schema.json`.
    pub endpoint: String,
    /// The page's address (its "Doc URL", or for the second page of a path the header's address
    /// with that page's doc id).
    pub url: String,
    /// The page's doc id, when its spec file holds two official pages of one path (the meeting
    /// pages: 预约会议基础管理 and 预约会议高级管理); absent when the page is its endpoint's only one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// The page's title.
    pub title: String,
    /// The date after 最后更新, as written, such as `2024/07/22`.
    pub last_updated: String,
    /// The HTTP method, such as `POST`.
    pub method: String,
    /// The request URL's path, such as `/cgi-bin/meeting/rooms/list`.
    pub path: String,
    /// The request's parameter tables and sample.
    pub request: Side,
    /// The response's parameter tables and sample.
    pub response: Side,
}

/// One side of an exchange: its members and its samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Side {
    /// Every documented member, nested objects' members right after the member that holds them.
    pub members: Vec<Member>,
    /// The page's JSON samples for this side (none or one).
    pub samples: Vec<Sample>,
}

/// One documented member (a row of a parameter table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// Dotted path from the top of the body; `[]` steps into array items:
    /// `meeting_room_list[].account_type`, `mra_address.protocol`.
    pub path: String,
    /// The type as written (`string`, `uint32`, `object[]`, ...); absent when the table has no
    /// 类型 column.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// 必须: `true` for 是, `false` for 否; absent when the table has no 必须 column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Where a request member travels: `query` (in the URL) or `body`. Absent for responses.
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The table the row refers to for its members (`详见MRA` → `MRA`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// The values the row lists, as JSON: numbers for integer members, strings for string
    /// members, booleans for bool members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
}

/// Where a request member travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// A query parameter of the request URL.
    Query,
    /// A member of the JSON body.
    Body,
}

/// A JSON sample from the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Whether the text is JSON.
    pub parses: bool,
    /// The value, when it parses (object members in sorted order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// serde_json's error, when it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The text between the code fences, exactly.
    pub text: String,
}

impl Sample {
    /// The sample for `text`, parsed.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => Sample {
                parses: true,
                value: Some(sorted(value)),
                error: None,
                text: text.to_owned(),
            },
            Err(e) => Sample {
                parses: false,
                value: None,
                error: Some(e.to_string()),
                text: text.to_owned(),
            },
        }
    }
}

/// Which side of an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SideName {
    /// The request.
    Request,
    /// The response.
    Response,
}

impl SideName {
    /// Both sides, request first.
    pub const BOTH: [SideName; 2] = [SideName::Request, SideName::Response];

    /// `request` or `response`, also the schema file's stem.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SideName::Request => "request",
            SideName::Response => "response",
        }
    }
}

impl std::fmt::Display for SideName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PageFacts {
    /// The fact file's name: the endpoint with `/` replaced by `-`, then the doc id when the
    /// endpoint has two pages: `meeting-rooms-list.json`, `meeting-create.98148.json`.
    #[must_use]
    pub fn file_name(&self) -> String {
        let stem = self.endpoint.replace('/', "-");
        match &self.doc {
            Some(doc) => format!("{stem}.{doc}.json"),
            None => format!("{stem}.json"),
        }
    }

    /// One side.
    #[must_use]
    pub fn side(&self, side: SideName) -> &Side {
        match side {
            SideName::Request => &self.request,
            SideName::Response => &self.response,
        }
    }

    /// One side, mutably.
    pub fn side_mut(&mut self, side: SideName) -> &mut Side {
        match side {
            SideName::Request => &mut self.request,
            SideName::Response => &mut self.response,
        }
    }

    /// The fact file's text: pretty-printed JSON and a final newline.
    #[must_use]
    pub fn to_text(&self) -> String {
        // Serializing plain structs, strings and JSON values cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// `value` with every object's members in sorted order, whether or not serde_json keeps
/// insertion order (its `preserve_order` feature may be turned on by another crate in a build),
/// so that fact files are the same in every build.
#[must_use]
pub fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
