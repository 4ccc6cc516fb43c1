use serde_json::json;

use super::*;
use crate::facts::{PageFacts, SideName};

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

#[test]
fn inline_value_lists_and_numbered_notes() {
    let values =
        |description: &str| row(&["参数", "类型", "说明"], &["x", "uint32", description]).values();
    assert_eq!(
        values(
            "提醒方式，1.不提醒 2.仅提醒主持人 3.提醒所有成员入 4.指定部分人响铃。默认仅提醒主持人"
        ),
        Some(vec![json!(1), json!(2), json!(3), json!(4)])
    );
    assert_eq!(
        values("静音；1:开启；0:关闭；2:超过6人后自动开启静音。默认超过6人自动开启静音"),
        Some(vec![json!(1), json!(0), json!(2)])
    );
    assert_eq!(
        values("类型：<br>0 - 每日<br>1 - 每周<br>7 - 工作日"),
        Some(vec![json!(0), json!(1), json!(7)])
    );
    assert_eq!(
        values("与会状态。<br>1为已参与<br>2为未参与。"),
        Some(vec![json!(1), json!(2)])
    );
    assert_eq!(values("<br>300：5分钟前提醒"), Some(vec![json!(300)]));
    // Ranges, limits and numbered notes are not values.
    assert_eq!(
        values("密码，4-6位纯数字 1.5倍，最小300秒，值不能大于2"),
        None
    );
    assert_eq!(
        values("限定次数。<br>**说明：**<br>1-每天最大支持200场子会议<br>2-每月最大支持50场子会议"),
        None
    );
    let list = row(
        &["参数", "类型", "说明"],
        &["x", "uint32[]", "秒数。<br>0：开始时<br>900：15分钟前"],
    );
    assert_eq!(list.values(), Some(vec![json!(0), json!(900)]));
}

const TWO_PAGES: &str = "# T  (`meeting/x`)

| item | value |
|---|---|
| Doc URL | https://example.com/document/path/1 |
| Title (官方标题) | 标题 (目录：会议 › 预约会议基础管理) |
| Same path, second official page | 预约会议高级管理 › 标题, https://example.com/document/path/2 (最后更新 2025/01/02) |

## Official text (verbatim) – 预约会议基础管理, doc 1

最后更新：2025/01/01

**请求方式：** POST（**HTTPS**）
**请求地址：** https://qyapi.weixin.qq.com/cgi-bin/meeting/x?access_token=ACCESS_TOKEN

**请求包体：**
```
{ \"invitees\": {\"userid\": [\"a\"]} }
```

**参数说明：**
| 参数 | 必须 | 说明 |
|---|---|---|
| access_token | 是 | 凭证 |
| invitees | 否 | 成员 |
| invitees.userid | 否 | userid |

**返回结果：**
```
{ \"attendees\": {\"member\": [{\"userid\": \"a\"}]}, \"subs\": [{\"id\": \"s\"}] }
```

**参数说明：**
| 参数 | 说明 |
|---|---|
| attendees | 成员 |
| attendees.member | 内部成员 |
| attendees.member.userid | userid |

## 类型 of the members (filled in)

| 参数 | 必须 | 类型 |
|---|---|---|
| invitees | 否 | object |

## The 预约会议高级管理 page for the same path (doc 2), verbatim

最后更新：2025/01/02

**请求方式：** POST（**HTTPS**）
**请求地址：** https://qyapi.weixin.qq.com/cgi-bin/meeting/x?access_token=ACCESS_TOKEN

**参数说明：**
| 参数 | 必须 | 类型 | 说明 |
|---|---|---|---|
| access_token | 是 | string | 凭证 |

**返回结果：**
```
{ \"attendees\": {\"member\": [{\"userid\": \"a\"}]}, \"subs\": [{\"id\": \"s\"}] }
```

**参数说明：**
| 参数 | 类型 | 说明 |
|---|---|---|
| attendees | object[] | 成员 |
| attendees.member | object | 内部成员 |
| attendees.member.userid | string | userid |
| subs | object | 子会议，详见Sub |
| settings | object | 配置，详见Settings |

**Sub：**
| 参数 | 类型 | 说明 |
|---|---|---|
| id | string | ID |

**Settings说明：**
| 参数 | 类型 | 说明 |
|---|---|---|
| hosts | object | 主持人 |
| hosts.userid | string[] | userid |

## An older revision of the pages

**参数说明：**
| 参数 | 必须 | 说明 |
|---|---|---|
| creator_userid | 否 | 旧 |
";

#[test]
fn two_pages_of_one_path_with_sample_shaped_paths() {
    let pages = extract_page("x.md", TWO_PAGES).unwrap();
    assert_eq!(pages.len(), 2);
    let (basic, advanced) = (&pages[0], &pages[1]);
    assert_eq!(basic.doc.as_deref(), Some("1"));
    assert_eq!(advanced.doc.as_deref(), Some("2"));
    assert_eq!(basic.url, "https://example.com/document/path/1");
    assert_eq!(advanced.url, "https://example.com/document/path/2");
    assert_eq!(
        (basic.title.as_str(), advanced.title.as_str()),
        ("标题", "标题")
    );
    assert_eq!(advanced.last_updated, "2025/01/02");
    assert_eq!(basic.file_name(), "meeting-x.1.json");
    let paths = |facts: &PageFacts, side: SideName| -> Vec<String> {
        facts
            .side(side)
            .members
            .iter()
            .map(|m| m.path.clone())
            .collect()
    };
    assert_eq!(
        paths(basic, SideName::Request),
        ["access_token", "invitees", "invitees.userid"]
    );
    // `attendees` is typed object[] and `member` object, but the sample's shape holds.
    let shaped = ["attendees", "attendees.member", "attendees.member[].userid"];
    assert_eq!(paths(basic, SideName::Response), shaped);
    assert_eq!(
        paths(advanced, SideName::Response)[..3],
        shaped.map(String::from)
    );
    // Tables labelled `X` as well as `X说明`; a table's dotted rows are relative to it.
    assert_eq!(
        paths(advanced, SideName::Response)[3..],
        [
            "subs",
            "subs[].id",
            "settings",
            "settings.hosts",
            "settings.hosts.userid"
        ]
        .map(String::from)
    );
    // No member of the fill-in table or the older revision.
    assert!(
        pages
            .iter()
            .all(|p| p.request.members.iter().all(|m| m.path != "creator_userid"))
    );
    assert!(basic.request.members.iter().all(|m| m.ty.is_none()));
}

#[test]
fn two_pages_of_different_paths_are_an_error() {
    let text = TWO_PAGES.replacen("cgi-bin/meeting/x?", "cgi-bin/meeting/y?", 1);
    let err = extract_page("x.md", &text).unwrap_err();
    assert!(err.to_string().contains("not one path"), "{err}");
}
