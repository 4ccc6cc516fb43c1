//! Schema bytes → the generator (`Config::generate`, then formatting with `single_file` and
//! `files`; or, on a flag, `Config::write_single_file`, a build script's threaded path): errors
//! are fine, panics are not. The bytes are the root schema file; a first byte's low bits choose
//! types on or off, the unknown-keyword policy and the path.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wecom_rooms_codegen::{Config, UnknownKeywords};

/// A scratch folder of this process, holding the one schema file that each run rewrites.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("wecom-rooms-fuzz-generate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        dir
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&flags, schema)) = bytes.split_first() else {
        return;
    };
    let dir = scratch();
    std::fs::write(dir.join("fuzz.schema.json"), schema).expect("writes the schema");
    let policy = match (flags >> 1) & 3 {
        0 => UnknownKeywords::Warn,
        1 => UnknownKeywords::Reject,
        _ => UnknownKeywords::Ignore,
    };
    let config = Config::new(dir)
        .schema("fuzz")
        .types(flags & 1 == 0)
        .unknown_keywords(policy);
    if flags & 8 != 0 {
        let _ = config.write_single_file(&dir.join("out.rs"));
        return;
    }
    if let Ok(output) = config.generate() {
        let _ = output.single_file();
        let _ = output.files();
    }
});
