//! The promise of the checker: every `line:column` it reports, read back from the file, is
//! where the offending value starts (or, for a `syntax` error, where the text stops being
//! JSON). Checked for every finding of every invalid fixture of the project, and of the
//! malformed samples in `tests/data/malformed`.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::{Deserializer, Value};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `invalid/` folder under `tests/fixtures`, with the schema its path names.
fn invalid_fixture_folders() -> Vec<(String, PathBuf)> {
    let fixtures = crate_dir().join("../tests/fixtures");
    let mut found = Vec::new();
    let mut stack = vec![fixtures.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable folder") {
            let path = entry.expect("an entry").path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|name| name == "invalid") {
                let schema = dir.strip_prefix(&fixtures).expect("under fixtures");
                let name = (schema.components())
                    .map(|part| part.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push((name, path));
            } else {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The JSON Lines report of `wecom-rooms validate --format json` on `path`.
fn reports(schema: &str, path: &Path) -> Vec<Value> {
    let output = cargo_bin_cmd!("wecom-rooms")
        .args(["validate", "--format", "json", "--schema", schema])
        .arg(path)
        .output()
        .expect("the binary runs");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (String::from_utf8(output.stdout).expect("UTF-8").lines())
        .map(|line| serde_json::from_str(line).expect("one JSON object"))
        .collect()
}

/// The byte offset of a 1-based line and character column, counted afresh here.
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = (bytes.split_inclusive(|&b| b == b'\n'))
        .take(line - 1)
        .map(<[u8]>::len)
        .sum();
    let rest = &bytes[line_start..];
    // Only the characters before the column need be valid, as before a UTF-8 fault.
    let valid = match std::str::from_utf8(rest) {
        Ok(text) => text,
        Err(error) => std::str::from_utf8(&rest[..error.valid_up_to()]).unwrap_or_default(),
    };
    let within: usize = valid.chars().take(column - 1).map(char::len_utf8).sum();
    assert_eq!(
        valid[..within].chars().count(),
        column - 1,
        "column {column} is past line {line}"
    );
    assert!(
        !valid[..within].contains('\n'),
        "column {column} is past line {line}"
    );
    line_start + within
}

/// Whether serde_json stops `text` only because it ends, or accepts it whole: no fault in it.
fn no_fault_in(text: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(text) {
        Ok(_) => true,
        Err(error) => error.is_eof(),
    }
}

/// Checks one finding of one file.
fn check(file: &Path, finding: &Value) {
    let bytes = std::fs::read(file).expect("a readable fixture");
    let field = |name: &str| finding[name].as_u64().expect("a number") as usize;
    let (line, column) = (field("line"), field("column"));
    let pointer = finding["pointer"].as_str().expect("a pointer");
    let at = offset_of(&bytes, line, column);
    let what = format!("{}:{line}:{column} {finding}", file.display());

    if finding["keyword"] == "syntax" {
        assert!(
            serde_json::from_slice::<Value>(&bytes).is_err(),
            "{what}: but it parses"
        );
        if bytes.starts_with(b"\xef\xbb\xbf") {
            return assert_eq!(at, 0, "{what}: a byte order mark is at the start");
        }
        if let Err(error) = std::str::from_utf8(&bytes) {
            return assert_eq!(at, error.valid_up_to(), "{what}: not the first bad byte");
        }
        // At the fault: everything before it could still begin a JSON text, and either the
        // next character cannot continue it or nothing but whitespace is left.
        assert!(no_fault_in(&bytes[..at]), "{what}: a fault before it");
        let text = std::str::from_utf8(&bytes).expect("UTF-8");
        match text[at..].chars().next() {
            Some(next) if !text[at..].trim().is_empty() => assert!(
                !no_fault_in(&bytes[..at + next.len_utf8()]),
                "{what}: {next:?} is no fault"
            ),
            _ => assert!(serde_json::from_slice::<Value>(&bytes[..at]).is_err_and(|e| e.is_eof())),
        }
        return;
    }

    let document: Value = serde_json::from_slice(&bytes).expect("a JSON fixture");
    let expected = (document.pointer(pointer))
        .unwrap_or_else(|| panic!("{what}: the pointer names nothing in the document"));
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    let here = &text[at..];
    assert!(
        !here.starts_with(char::is_whitespace),
        "{what}: not at a value"
    );
    let found = (Deserializer::from_str(here).into_iter::<Value>().next())
        .unwrap_or_else(|| panic!("{what}: no value there"))
        .unwrap_or_else(|error| panic!("{what}: no value there: {error}"));
    assert_eq!(&found, expected, "{what}: another value is there");

    // An equal value elsewhere would pass the check above, so also read what leads to it:
    // the member's name, or an array's `[` or `,`.
    let before = text[..at].trim_end();
    let last = pointer.rsplit('/').next().unwrap_or_default();
    let last = last.replace("~1", "/").replace("~0", "~");
    if pointer.is_empty() {
        assert!(before.is_empty(), "{what}: the root is not first");
    } else if let Some(name) = before.strip_suffix(':') {
        let name = name.trim_end();
        let key = (name.match_indices('"').map(|(start, _)| &name[start..]))
            .find_map(|tail| serde_json::from_str::<String>(tail).ok())
            .unwrap_or_else(|| panic!("{what}: no member name before it"));
        assert_eq!(key, last, "{what}: another member");
    } else {
        assert!(before.ends_with(['[', ',']), "{what}: not an element");
        assert!(
            last.parse::<usize>().is_ok(),
            "{what}: an element for a member"
        );
    }
}

#[test]
fn every_reported_position_is_where_the_offending_value_starts() {
    let mut folders = invalid_fixture_folders();
    assert!(folders.len() >= 2, "{folders:?}");
    folders.push((
        "meeting/rooms/get_info/request".to_owned(),
        crate_dir().join("tests/data/malformed"),
    ));
    let mut checked = 0;
    for (schema, folder) in folders {
        for report in reports(&schema, &folder) {
            assert_eq!(report["valid"], false, "{report}");
            let file = PathBuf::from(report["file"].as_str().expect("a file"));
            let findings = [&report["errors"], &report["warnings"]];
            for finding in findings
                .into_iter()
                .flat_map(|f| f.as_array().expect("an array"))
            {
                check(&file, finding);
                checked += 1;
            }
        }
    }
    assert!(checked > 80, "only {checked} findings checked");
}
