//! Where things live, extracting a whole spec folder, and writing or checking the fact files.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind};
use crate::extract::extract_page;
use crate::facts::PageFacts;

/// The environment variable that overrides where the spec root is (the folder holding one folder
/// per API family, [`FAMILIES`]).
pub const SPEC_DIR_VAR: &str = "WECOM_ROOMS_SPEC_DIR";

/// The API families, each a folder of pages under the spec root: the Rooms pages (and gettoken,
/// the global error codes, the callback event) and the 预约会议 pages. Files directly in the root
/// are not pages of either and are not read.
pub const FAMILIES: [&str; 2] = ["rooms", "meetings"];

/// The workspace root: the folder that holds `pages/` and `schema/`.
#[must_use]
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The spec root: `$WECOM_ROOMS_SPEC_DIR` when set, else `../shared/spec` from the workspace
/// root (where CI checks it out). It holds one folder per family ([`FAMILIES`]).
#[must_use]
pub fn spec_dir() -> PathBuf {
    match std::env::var_os(SPEC_DIR_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("../shared/spec"),
    }
}

/// The checked-in fact files: `pages/facts/`.
#[must_use]
pub fn facts_dir() -> PathBuf {
    workspace_root().join("pages").join("facts")
}

/// What a spec root gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    /// One entry per official page, family by family ([`FAMILIES`] order), in file name order.
    pub facts: Vec<PageFacts>,
    /// The files that document no endpoint, as `family/file.md` (README.md is not a page and
    /// not listed).
    pub skipped: Vec<String>,
}

/// Extracts every page of every family folder of the spec root `root`.
///
/// # Errors
///
/// When a family folder is missing, a folder or a page cannot be read, a page is malformed, or
/// two files document the same endpoint.
pub fn extract_dir(root: &Path) -> Result<Extraction, Error> {
    let mut extraction = Extraction {
        facts: Vec::new(),
        skipped: Vec::new(),
    };
    for family in FAMILIES {
        let dir = root.join(family);
        if !dir.is_dir() {
            let message = format!(
                "the spec root has no {family}/ folder (it holds {})",
                FAMILIES.map(|f| format!("{f}/")).join(" and ")
            );
            return Err(Error::page(root, message));
        }
        extract_family(&dir, family, &mut extraction)?;
    }
    Ok(extraction)
}

/// Extracts every page (`*.md` but `README.md`) of one family folder into `extraction`.
fn extract_family(dir: &Path, family: &str, extraction: &mut Extraction) -> Result<(), Error> {
    for path in sorted_files(dir, "md")? {
        let name = file_name(&path);
        if name == "README.md" {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(|e| Error::new(&path, ErrorKind::Io(e)))?;
        let pages = extract_page(&name, &text)?;
        if pages.is_empty() {
            extraction.skipped.push(format!("{family}/{name}"));
        }
        for facts in pages {
            if let Some(twin) = extraction
                .facts
                .iter()
                .find(|f| f.endpoint == facts.endpoint && f.source != facts.source)
            {
                let message = format!("documents {} as {} does", facts.endpoint, twin.source);
                return Err(Error::page(&path, message));
            }
            extraction.facts.push(facts);
        }
    }
    Ok(())
}

/// Reads every fact file of `dir`, in file name order.
///
/// # Errors
///
/// When a file cannot be read or is not a fact file.
pub fn load_facts(dir: &Path) -> Result<Vec<PageFacts>, Error> {
    sorted_files(dir, "json")?
        .into_iter()
        .map(|path| {
            let text = fs::read(&path).map_err(|e| Error::new(&path, ErrorKind::Io(e)))?;
            serde_json::from_slice(&text).map_err(|e| Error::new(&path, ErrorKind::Json(e)))
        })
        .collect()
}

/// Writes one fact file per endpoint into `dir` and removes fact files no page gives any more.
/// Returns the files written or removed.
///
/// # Errors
///
/// When a file cannot be written or removed.
pub fn write_facts(facts: &[PageFacts], dir: &Path) -> Result<Vec<PathBuf>, Error> {
    fs::create_dir_all(dir).map_err(|e| Error::new(dir, ErrorKind::Io(e)))?;
    let mut changed = Vec::new();
    for stale in check_facts(facts, dir)? {
        match &stale.expected {
            Some(text) => fs::write(&stale.path, text),
            None => fs::remove_file(&stale.path),
        }
        .map_err(|e| Error::new(&stale.path, ErrorKind::Io(e)))?;
        changed.push(stale.path);
    }
    Ok(changed)
}

/// A fact file that differs from what the pages give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The file.
    pub path: PathBuf,
    /// What it should hold; `None` when no page gives it.
    pub expected: Option<String>,
    /// A unified diff from the file on disk to what it should hold.
    pub diff: String,
}

/// The fact files of `dir` that differ from `facts`: missing, different or extra.
///
/// # Errors
///
/// When `dir` exists but cannot be listed, or a file cannot be read.
pub fn check_facts(facts: &[PageFacts], dir: &Path) -> Result<Vec<Stale>, Error> {
    let mut stale = Vec::new();
    let on_disk = if dir.exists() {
        sorted_files(dir, "json")?
    } else {
        Vec::new()
    };
    for page in facts {
        let path = dir.join(page.file_name());
        let expected = page.to_text();
        let actual = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::new(&path, ErrorKind::Io(e))),
        };
        if actual != expected {
            let diff = diff(&path, &actual, &expected);
            stale.push(Stale {
                path,
                expected: Some(expected),
                diff,
            });
        }
    }
    for path in on_disk {
        if !facts.iter().any(|f| f.file_name() == file_name(&path)) {
            let actual = fs::read_to_string(&path).unwrap_or_default();
            let diff = diff(&path, &actual, "");
            stale.push(Stale {
                path,
                expected: None,
                diff,
            });
        }
    }
    Ok(stale)
}

fn diff(path: &Path, actual: &str, expected: &str) -> String {
    let name = path.display().to_string();
    let mut out = String::new();
    let text = similar::TextDiff::from_lines(actual, expected);
    let _ = write!(
        out,
        "{}",
        text.unified_diff().context_radius(3).header(
            &format!("{name} (checked in)"),
            &format!("{name} (from the pages)")
        )
    );
    out
}

fn sorted_files(dir: &Path, extension: &str) -> Result<Vec<PathBuf>, Error> {
    let entries = fs::read_dir(dir).map_err(|e| Error::new(dir, ErrorKind::Io(e)))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::new(dir, ErrorKind::Io(e)))?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == extension) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
