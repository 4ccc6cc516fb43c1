//! Getting the suite: Python jsonschema's source distribution carries it under `json/`.
//!
//! `pip download` fetches the sdist from the package registry; the tests of drafts 4, 6, 7,
//! 2019-09 and 2020-12 and the remote documents are unpacked from it with `flate2` and `tar`. Both steps are cached in
//! the work directory: a second run neither downloads nor unpacks.

use std::io::{Read, Write as _};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// The release of Python jsonschema whose sdist carries the suite.
pub const JSONSCHEMA_VERSION: &str = "4.26.0";

/// Written into the unpacked folder once it is complete (`jsonschema==VERSION`, and the drafts).
pub const MARKER: &str = ".unpacked";

/// The drafts whose tests are unpacked: a folder unpacked with fewer is unpacked again.
pub const DRAFTS: &[&str] = &["draft4", "draft6", "draft7", "draft2019-09", "draft2020-12"];

/// The suite root (with `tests/` and `remotes/`) under `work`, downloading and unpacking it
/// first unless that was done already.
pub fn suite(work: &Path) -> Result<PathBuf, String> {
    let root = work.join("json");
    let marker = root.join(MARKER);
    let want = format!("jsonschema=={JSONSCHEMA_VERSION} {}", DRAFTS.join(" "));
    if std::fs::read_to_string(&marker).is_ok_and(|m| m.trim() == want) {
        return Ok(root);
    }
    let download = work.join("download");
    let sdist = match find_sdist(&download) {
        Some(sdist) => sdist,
        None => {
            pip_download(&download, &format!("jsonschema=={JSONSCHEMA_VERSION}"))?;
            find_sdist(&download).ok_or_else(|| {
                format!(
                    "pip download left no jsonschema-{JSONSCHEMA_VERSION}.tar.gz in {}",
                    download.display()
                )
            })?
        }
    };
    println!("unpacking {}", sdist.display());
    // Unique per process: a test and `cargo suite` may unpack at the same time.
    let partial = work.join(format!("json.partial-{}", std::process::id()));
    remove_dir(&partial)?;
    let file =
        std::fs::File::open(&sdist).map_err(|e| format!("cannot open {}: {e}", sdist.display()))?;
    let count = unpack(file, &partial).map_err(|e| format!("{}: {e}", sdist.display()))?;
    if count == 0 {
        return Err(format!(
            "{} holds no json/tests/draft* files",
            sdist.display()
        ));
    }
    std::fs::write(partial.join(MARKER), format!("{want}\n"))
        .map_err(|e| format!("cannot write to {}: {e}", partial.display()))?;
    // Another process may have finished first: then keep its copy.
    if std::fs::read_to_string(&marker).is_ok_and(|m| m.trim() == want) {
        remove_dir(&partial)?;
        return Ok(root);
    }
    remove_dir(&root)?;
    std::fs::rename(&partial, &root)
        .map_err(|e| format!("cannot rename {}: {e}", partial.display()))?;
    Ok(root)
}

fn remove_dir(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", dir.display())),
    }
}

fn find_sdist(dir: &Path) -> Option<PathBuf> {
    let path = dir.join(format!("jsonschema-{JSONSCHEMA_VERSION}.tar.gz"));
    path.is_file().then_some(path)
}

/// `pip download --no-deps --no-binary :all: REQUIREMENT -d DIR` (an sdist), with `pip` or,
/// where there is no `pip` command, `python3 -m pip`.
pub fn pip_download(dir: &Path, requirement: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let args = [
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        requirement,
        "-d",
    ];
    println!("fetching: pip {} {}", args.join(" "), dir.display());
    let mut attempts = vec![Command::new("pip"), Command::new("python3")];
    attempts[1].args(["-m", "pip"]);
    let mut last_error = String::new();
    for mut command in attempts {
        command.args(args).arg(dir);
        match command.status() {
            Ok(status) if status.success() => return Ok(()),
            Ok(status) => return Err(format!("pip download failed ({status})")),
            Err(e) => last_error = format!("cannot run {:?}: {e}", command.get_program()),
        }
    }
    Err(format!(
        "{last_error}; install pip, or pass --suite DIR with a JSON-Schema-Test-Suite checkout"
    ))
}

/// Whether `pip download` can run here: a `pip` command, or `python3 -m pip`.
pub fn pip_runs() -> bool {
    let runs = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    runs("pip", &["--version"]) || runs("python3", &["-m", "pip", "--version"])
}

/// For a test that needs the suite, did not find it under `target/` and finds no pip to fetch
/// it: prints `SKIPPED <test>: …` with the install line on the process's stderr (the test
/// harness captures `println!`), or panics under `CI=true`, where no test may be skipped.
pub fn skip_without_pip(test: &str) {
    let reason = "the JSON-Schema-Test-Suite is not under target/json-schema-test-suite/ and \
                  neither pip nor python3 -m pip runs to fetch it; \
                  install with: apt-get install python3-pip";
    if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
        panic!("FAILED {test}: {reason} (CI=true allows no skipped test)");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {reason}");
}

/// Where a member of the sdist goes under the suite root, if it is one the harness uses:
/// `jsonschema-X/json/tests/<draft>/…` for the drafts it runs, and `jsonschema-X/json/remotes/…`.
pub fn destination(member: &Path) -> Option<PathBuf> {
    suite_place(
        &components(member)?
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    )
}

fn suite_place(parts: &[&str]) -> Option<PathBuf> {
    let rest = match parts {
        [_top, "json", rest @ ..] => rest,
        _ => return None,
    };
    let wanted = matches!(rest, ["tests", draft, _, ..] if DRAFTS.contains(draft))
        || matches!(rest, ["remotes", _, ..]);
    wanted.then(|| rest.iter().collect())
}

/// A member's path as its names, or `None` when it is not UTF-8 or could land outside the
/// folder it is unpacked into (an absolute path, `..`).
pub fn components(member: &Path) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    for component in member.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?.to_owned()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts)
}

/// Unpacks the wanted members of a `.tar.gz` under `root`; returns how many test files it wrote.
pub fn unpack(archive: impl Read, root: &Path) -> Result<usize, String> {
    let written = unpack_with(archive, root, suite_place)?;
    Ok(written.iter().filter(|p| p.starts_with("tests")).count())
}

/// Unpacks the files of a `.tar.gz` that `place` gives a path (relative to `root`, from the
/// member's names) under `root`; returns those paths.
pub fn unpack_with(
    archive: impl Read,
    root: &Path,
    place: impl Fn(&[&str]) -> Option<PathBuf>,
) -> Result<Vec<PathBuf>, String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    let mut written = Vec::new();
    let entries = archive
        .entries()
        .map_err(|e| format!("not a tar.gz: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("broken archive: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let member = entry
            .path()
            .map_err(|e| format!("bad member name: {e}"))?
            .into_owned();
        let Some(parts) = components(&member) else {
            continue;
        };
        let Some(relative) = place(&parts.iter().map(String::as_str).collect::<Vec<_>>()) else {
            continue;
        };
        let path = root.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read {}: {e}", member.display()))?;
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(relative);
    }
    Ok(written)
}
