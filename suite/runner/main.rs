// The runner of the crate that `cargo suite` writes: the harness appends the `cases` modules and
// the `CASES` table after this text.
//
// Usage: runner TESTS_JSON START_CASE START_TEST
//
// TESTS_JSON holds, for each entry of `CASES` in order, the instances of its tests as JSON text.
// For every test from (START_CASE, START_TEST) on it prints one line to stdout, flushed at once
// so that the harness knows which test was running if the process dies:
//
//   start K I              before test I of case K is run
//   panic K I "message"    when a validator panicked (before the verdict line)
//   unparsable K I "why"   when serde_json cannot read the instance
//   test K I A B [C]       A = is_valid, B = validate(..).is_valid(), C = decode_validated(..)
//                          .is_ok() where the module has types: valid, invalid or panic
//   done                   after the last test

use std::cell::RefCell;
use std::io::Write;
use std::panic::AssertUnwindSafe;

use serde_json::Value;

/// `is_valid`, `|v| validate(v).is_valid()` and, where the module has types,
/// `|b| decode_validated(b).is_ok()` of one case's module.
type Case = (
    fn(&Value) -> bool,
    fn(&Value) -> bool,
    Option<fn(&[u8]) -> bool>,
);

thread_local! {
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, tests, start_case, start_test] = args.as_slice() else {
        eprintln!("usage: runner TESTS_JSON START_CASE START_TEST");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(tests).expect("the tests file can be read");
    let tests: Vec<Vec<String>> = serde_json::from_str(&text).expect("the tests file is JSON");
    assert_eq!(tests.len(), CASES.len(), "one list of tests per case");
    let start_case: usize = start_case.parse().expect("START_CASE is a number");
    let start_test: usize = start_test.parse().expect("START_TEST is a number");
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        PANIC_MESSAGE.with(|m| *m.borrow_mut() = Some(format!("{message}{at}")));
    }));
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut say = |line: String| {
        writeln!(out, "{line}").expect("stdout is writable");
        out.flush().expect("stdout is writable");
    };
    for (k, instances) in tests.iter().enumerate().skip(start_case) {
        let (is_valid, validate, decode) = CASES[k];
        let first = if k == start_case { start_test } else { 0 };
        for (i, text) in instances.iter().enumerate().skip(first) {
            say(format!("start {k} {i}"));
            let instance: Value = match serde_json::from_str(text) {
                Ok(instance) => instance,
                Err(e) => {
                    say(format!("unparsable {k} {i} {}", quote(&e.to_string())));
                    continue;
                }
            };
            let mut verdicts = Vec::new();
            let mut verdict = |check: &dyn Fn() -> bool, say: &mut dyn FnMut(String)| {
                match std::panic::catch_unwind(AssertUnwindSafe(check)) {
                    Ok(true) => verdicts.push("valid"),
                    Ok(false) => verdicts.push("invalid"),
                    Err(_) => {
                        let message = PANIC_MESSAGE
                            .with(|m| m.borrow_mut().take())
                            .unwrap_or_else(|| "a panic".into());
                        say(format!("panic {k} {i} {}", quote(&message)));
                        verdicts.push("panic");
                    }
                }
            };
            verdict(&|| is_valid(&instance), &mut say);
            verdict(&|| validate(&instance), &mut say);
            if let Some(decode) = decode {
                verdict(&|| decode(text.as_bytes()), &mut say);
            }
            say(format!("test {k} {i} {}", verdicts.join(" ")));
        }
    }
    say("done".to_owned());
}

fn quote(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}
