//! One validator module per test case, with the codegen library.

use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use wecom_rooms_codegen::{Config, Dialect, Error, ErrorKind, UnknownKeywords};

use crate::util::write_if_changed;

/// What the generator made of one case's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Generated {
    /// The module's source: `pub mod schema { … }` and a `SCHEMAS` registry.
    Code(String),
    /// The generator declined the schema with an error (an unsupported keyword, a `$ref` it
    /// cannot resolve…): the case is unsupported.
    Declined {
        /// A short cause for the tallies, such as `` `unevaluatedProperties` ``.
        cause: String,
        /// The error as the generator wrote it.
        detail: String,
    },
    /// The generator panicked: a generator bug.
    Panicked(String),
}

/// The schema name every case's schema is written under, and so its module's name.
pub const SCHEMA_NAME: &str = "schema";

/// Generates the module of one case whose schema file is written under `dir`, read in
/// `dialect` unless it names its own, with `format` asserted when `assert_formats` (the
/// format-assertion tests), and its types (with `decode_validated`) when `types`.
pub fn case(
    dir: &Path,
    schema: &str,
    dialect: Dialect,
    assert_formats: bool,
    types: bool,
    remotes: &[(String, serde_json::Value)],
) -> Generated {
    let path = dir.join(format!("{SCHEMA_NAME}.schema.json"));
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| write_if_changed(&path, schema)) {
        return Generated::Declined {
            cause: "I/O".into(),
            detail: format!("cannot write {}: {e}", path.display()),
        };
    }
    let mut config = Config::new(dir)
        .schema(SCHEMA_NAME)
        .types(types)
        .unknown_keywords(UnknownKeywords::Ignore)
        .assert_formats(assert_formats)
        .default_dialect(dialect);
    // A schema that never names the remotes' host cannot reach them (its own base URI is a
    // file's): registering them anyway would cost most of the generation time.
    if schema.contains("localhost:1234") {
        for (uri, document) in remotes {
            config = config.document(uri.clone(), document.clone());
        }
    }
    // What a build script runs (unformatted, validators emitted on a second thread).
    let out = dir.join("generated.rs");
    let result = catch_panic(|| config.write_single_file(&out));
    match result {
        Ok(Ok(())) => match std::fs::read_to_string(&out) {
            Ok(code) => Generated::Code(code),
            Err(e) => Generated::Declined {
                cause: "I/O".into(),
                detail: format!("cannot read {}: {e}", out.display()),
            },
        },
        Ok(Err(error)) => Generated::Declined {
            cause: cause(&error),
            detail: error.to_string(),
        },
        Err(message) => Generated::Panicked(message),
    }
}

/// A short cause of a generator error, for the tallies of what costs the most tests.
pub fn cause(error: &Error) -> String {
    match &error.kind {
        ErrorKind::UnsupportedKeyword(keyword) | ErrorKind::UnknownKeyword { keyword, .. } => {
            format!("`{keyword}`")
        }
        ErrorKind::UnresolvedRef { reference, .. } => ref_cause(reference),
        ErrorKind::UnknownDialect(_) => "`$schema` of an unknown dialect".into(),
        ErrorKind::UnknownVocabulary(_) => "`$vocabulary` requiring an unknown vocabulary".into(),
        ErrorKind::TooManySpecialisations { .. } => {
            "dynamic references needing too many specialised copies".into()
        }
        ErrorKind::InvalidKeyword { keyword, .. } => format!("invalid `{keyword}`"),
        ErrorKind::Invalid(message) => invalid_cause(message),
        ErrorKind::Io(_) => "I/O".into(),
        ErrorKind::Json(_) => "JSON".into(),
        _ => "other".into(),
    }
}

/// The cause of an unresolvable `$ref`: the meta-schemas are not in the suite's remotes.
pub fn ref_cause(reference: &str) -> String {
    if reference.starts_with("https://json-schema.org/")
        || reference.starts_with("http://json-schema.org/")
    {
        "`$ref` to a meta-schema (not served offline)".into()
    } else {
        "unresolvable `$ref`".into()
    }
}

/// The cause of an `ErrorKind::Invalid`, without the details that differ from case to case.
pub fn invalid_cause(message: &str) -> String {
    if message.contains("applies itself in place") {
        "schema applying itself in place".into()
    } else if message.starts_with("invalid ECMA-262 regular expression") {
        "regular expression regress rejects".into()
    } else if message.starts_with("generated code does not parse") {
        "generated code does not parse".into()
    } else {
        let short: String = message.chars().take(60).collect();
        short
    }
}

thread_local! {
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs a panic hook that keeps the message for [`catch_panic`] instead of printing it.
pub fn quiet_panics() {
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
}

/// Runs `f`, turning a panic into its message. A panic on another thread that `f` resumed
/// (the generator prints validators on a second thread) left its message and location with
/// that thread's hook call; its payload still carries the message.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        PANIC_MESSAGE
            .with(|m| m.borrow_mut().take())
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

/// Runs `job` on every index below `count`, on `threads` threads with large stacks; results in
/// index order.
pub fn parallel<T: Send>(count: usize, threads: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..count).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn_scoped(scope, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            break;
                        }
                        let result = job(i);
                        results.lock().expect("no worker panics while holding it")[i] =
                            Some(result);
                    }
                })
                .expect("a thread can be spawned");
        }
    });
    results
        .into_inner()
        .expect("no worker panicked")
        .into_iter()
        .map(|r| r.expect("every index was run"))
        .collect()
}
