use serde_json::json;

use super::*;
use crate::facts::SideName;

fn row(header: &[&str], cells: &[&str]) -> Row {
    let header: Vec<String> = header.iter().map(|s| (*s).to_owned()).collect();
    let cells: Vec<String> = cells.iter().map(|s| (*s).to_owned()).collect();
    Row::read(&header, &cells).unwrap()
}

#[test]
fn two_column_header_over_three_cells_keeps_the_type() {
    let r = row(
        &["参数", "说明"],
        &[
            "status",
            "string",
            "设备状态：<br>\"0\"：离线<br>\"1\"：在线",
        ],
    );
    assert_eq!(r.name, "status");
    assert_eq!(r.ty.as_deref(), Some("string"));
    assert_eq!(r.required, None);
    assert_eq!(r.values(), Some(vec![json!("0"), json!("1")]));
}

#[test]
fn fullwidth_and_ascii_colons_give_numbers_for_integers() {
    let r = row(
        &["参数", "类型", "说明"],
        &[
            "water_mark",
            "uint32",
            "水印。<br>0：关闭<br>1: 单排<br>2：多排",
        ],
    );
    assert_eq!(r.values(), Some(vec![json!(0), json!(1), json!(2)]));
}

#[test]
fn upper_case_identifiers_are_string_values_and_prose_is_not() {
    let r = row(
        &["参数", "类型", "说明"],
        &[
            "status",
            "string",
            "会议状态：<br>MEETING_STATE_INVALID：非法 <br>MEETING_STATE_INIT：待开始<br>说明：不是值",
        ],
    );
    assert_eq!(
        r.values(),
        Some(vec![
            json!("MEETING_STATE_INVALID"),
            json!("MEETING_STATE_INIT")
        ])
    );
    let prose = row(
        &["参数", "类型", "说明"],
        &[
            "dial_string",
            "string",
            "信令地址。<br>如果是 H.323 类型，输入 IP 地址。",
        ],
    );
    assert_eq!(prose.values(), None);
}

#[test]
fn missing_columns_are_absent_and_bad_flags_are_errors() {
    let r = row(&["参数", "必须", "说明"], &["corpid", "是", "企业ID"]);
    assert_eq!((r.ty, r.required), (None, Some(true)));
    let header = vec!["参数".to_owned(), "必须".to_owned()];
    assert!(Row::read(&header, &["x".to_owned(), "maybe".to_owned()]).is_err());
}

const PAGE: &str = "# T  (`rooms/x`)

| item | value |
|---|---|
| Doc URL | https://example.com/document/path/1 |
| Title (官方标题) | 标题 |

## Official text (verbatim)

最后更新：2024/07/22

**请求方式：** POST（**HTTPS**）
**请求地址：** https://qyapi.weixin.qq.com/cgi-bin/meeting/rooms/x?access_token=ACCESS_TOKEN

**请求包体：**
```
{ \"mra_address\": {\"protocol\": 2} }
```

**参数说明：**
| 参数| 必须 | 类型|说明|
|---|---|---|---|
| access_token | 是 | string|凭证|
|mra_address|否|object|详见MRA|

**MRA说明**
|参数 |类型|说明 |
|---|---|---|
|protocol |uint32|协议。<br>1：SIP<br>2：H.323|

**返回结果：**
```
{ \"errcode\": 0, }
```

**参数说明：**
|参数 |类型|说明 |
|---|---|---|
|errcode |int32|返回码 |
|pmi_info |object[]|详见PMIInfo |

**PmiInfo说明**
|参数 |说明 |
|---|---|
|pmi_code |string|ID|

## Quirks

**参数说明：**
| a | b |
";

#[test]
fn a_page_with_nested_tables_on_both_sides() {
    let pages = extract_page("x.md", PAGE).unwrap();
    assert_eq!(pages.len(), 1);
    let facts = &pages[0];
    assert_eq!(facts.doc, None);
    assert_eq!(facts.endpoint, "meeting/rooms/x");
    assert_eq!(facts.path, "/cgi-bin/meeting/rooms/x");
    assert_eq!(facts.method, "POST");
    assert_eq!(facts.last_updated, "2024/07/22");
    assert_eq!(facts.url, "https://example.com/document/path/1");
    let paths = |side: SideName| -> Vec<String> {
        facts
            .side(side)
            .members
            .iter()
            .map(|m| m.path.clone())
            .collect()
    };
    assert_eq!(
        paths(SideName::Request),
        ["access_token", "mra_address", "mra_address.protocol"]
    );
    assert_eq!(
        paths(SideName::Response),
        ["errcode", "pmi_info", "pmi_info[].pmi_code"]
    );
    let request = &facts.request.members;
    assert_eq!(request[0].location, Some(Location::Query));
    assert_eq!(request[1].location, Some(Location::Body));
    assert_eq!(request[2].required, None);
    assert_eq!(request[2].values, Some(vec![json!(1), json!(2)]));
    assert!(facts.request.samples[0].parses);
    let response_sample = &facts.response.samples[0];
    assert!(!response_sample.parses);
    assert_eq!(response_sample.text, "{ \"errcode\": 0, }");
}

#[test]
fn a_missing_nested_table_is_an_error_not_a_panic() {
    let page = PAGE.replace("详见MRA", "详见MPI");
    let err = extract_page("x.md", &page).unwrap_err();
    assert!(err.to_string().contains("MPI说明"), "{err}");
}

#[test]
fn pages_without_an_endpoint_are_skipped() {
    assert!(
        extract_page("g.md", "# g\n## Preamble (verbatim)\nx")
            .unwrap()
            .is_empty()
    );
    let event = "# e\n## Official text (verbatim)\n最后更新：2023/04/25\n**示例**\n";
    assert!(extract_page("e.md", event).unwrap().is_empty());
}
