//! Writing: formatted files to disk, or a check that the files on disk are fresh.

use std::borrow::Cow;
use std::fmt;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::ModuleTree;
use crate::emit::names::ident;
use crate::error::{Error, ErrorKind, Warning};
use crate::format;

impl ModuleTree {
    /// The module's items as tokens, its text (printed validators) read back into tokens. Only
    /// a build script's file has text, and it is printed, not read back; the tokens are
    /// borrowed when there is none.
    fn all_items(&self) -> Result<Cow<'_, TokenStream>, Error> {
        if self.text.is_empty() {
            return Ok(Cow::Borrowed(&self.items));
        }
        // Printed by the generator, so it lexes; a failure would be a generator bug.
        let text: TokenStream = self.text.parse().map_err(|e: proc_macro2::LexError| {
            let source = self.source.as_deref().unwrap_or("<generated>");
            let message = format!("generated code does not lex (a generator bug): {e}");
            Error::new(source, "", ErrorKind::Invalid(message))
        })?;
        let mut items = self.items.clone();
        items.extend(text);
        Ok(Cow::Owned(items))
    }
}

/// Generated code, ready to be written as a tree of module files or as one file.
#[derive(Debug)]
pub struct Output {
    tree: ModuleTree,
    regenerate_command: Option<String>,
    warnings: Vec<Warning>,
    /// The runtime features the code needs (`pattern`, `format`), checked once at its top.
    features: Vec<&'static str>,
}

impl Output {
    pub(crate) fn new(
        tree: ModuleTree,
        regenerate_command: Option<String>,
        warnings: Vec<Warning>,
        features: Vec<&'static str>,
    ) -> Self {
        Output {
            tree,
            regenerate_command,
            warnings,
            features,
        }
    }

    /// What the generator went on past: each unknown keyword read as an annotation, once, with
    /// its first place. [`Output`]'s write and check methods leave them to the caller;
    /// [`Config`](crate::Config)'s print them.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The opening of the wrapper around code that needs runtime features
    /// (`::wecom_rooms_runtime::__private::require_features! { pattern;`), closed by `}`: a
    /// build without them stops at one `compile_error!` naming the feature and the Cargo.toml
    /// line, since the runtime's macro gives the code back only when they are on. `None` when
    /// the code needs none.
    fn feature_wrap(&self) -> Option<String> {
        if self.features.is_empty() {
            return None;
        }
        Some(format!(
            "::wecom_rooms_runtime::__private::require_features! {{ {};",
            self.features.join(", ")
        ))
    }

    fn header(&self, source: Option<&str>) -> Vec<String> {
        let from = match source {
            Some(source) => format!(" from {source}"),
            None => String::new(),
        };
        let mut lines = vec![format!("{MARK}{from}: do not edit by hand.")];
        if let Some(command) = &self.regenerate_command {
            lines.push(format!("Regenerate with `{command}`."));
        }
        lines
    }

    /// The files of the tree layout: `mod.rs` at the top, a `mod.rs` per directory and one file
    /// per schema, as paths relative to the output directory with their contents.
    pub fn files(&self) -> Result<Vec<(PathBuf, String)>, Error> {
        let mut out = Vec::new();
        self.collect(&self.tree, PathBuf::new(), true, &mut out)?;
        out.sort();
        Ok(out)
    }

    fn collect(
        &self,
        module: &ModuleTree,
        dir: PathBuf,
        top: bool,
        out: &mut Vec<(PathBuf, String)>,
    ) -> Result<(), Error> {
        let children = module.children.keys().map(|name| {
            let name = ident(name);
            quote! { pub mod #name; }
        });
        let (docs, items) = (inner_docs(&module.docs), module.all_items()?);
        // rustfmt would reformat prettyplease's output and `cargo fmt --check` would fail on it.
        let tokens = quote! { #![cfg_attr(rustfmt, rustfmt::skip)] #docs #(#children)* #items };
        let wrap = if top { self.feature_wrap() } else { None };
        let path = if top || !module.children.is_empty() {
            dir.join("mod.rs")
        } else {
            dir.with_extension("rs")
        };
        let text = format::file(
            tokens,
            &self.header(module.source.as_deref()),
            &path.to_string_lossy(),
            wrap.as_deref(),
        )?;
        out.push((path, text));
        for (name, child) in &module.children {
            self.collect(child, dir.join(name), false, out)?;
        }
        Ok(())
    }

    /// Everything in one file of nested inline modules, for `include!` from a build script's
    /// `OUT_DIR`, formatted with prettyplease.
    pub fn single_file(&self) -> Result<String, Error> {
        format::file(
            self.single_file_tokens()?,
            &self.header(None),
            "<single file>",
            self.feature_wrap().as_deref(),
        )
    }

    /// The tokens of [`Output::single_file`]. No inner attributes at the top: the file is meant
    /// for `include!`.
    fn single_file_tokens(&self) -> Result<TokenStream, Error> {
        fn children(module: &ModuleTree) -> Result<Vec<TokenStream>, Error> {
            module
                .children
                .iter()
                .map(|(name, child)| {
                    let name = ident(name);
                    let docs = inner_docs(&child.docs);
                    let grandchildren = children(child)?;
                    let items = child.all_items()?;
                    Ok(quote! { pub mod #name { #docs #(#grandchildren)* #items } })
                })
                .collect()
        }
        let children = children(&self.tree)?;
        let items = self.tree.all_items()?;
        Ok(quote! { #(#children)* #items })
    }

    /// The code of [`Output::single_file_tokens`], unformatted, written module by module:
    /// joining the modules' tokens into one stream first would copy every token.
    fn single_file_text(&self, out: &mut String) {
        fn children(module: &ModuleTree, out: &mut String) {
            for (name, child) in &module.children {
                let _ = write!(
                    out,
                    "pub mod {} {{ {} ",
                    ident(name),
                    inner_docs(&child.docs)
                );
                children(child, out);
                let _ = writeln!(out, "{} {} }}", child.items, child.text);
            }
        }
        let wrap = self.feature_wrap();
        if let Some(open) = &wrap {
            out.push_str(open);
            out.push('\n');
        }
        children(&self.tree, out);
        let _ = write!(out, "{} {}", self.tree.items, self.tree.text);
        if wrap.is_some() {
            out.push_str("\n}");
        }
    }

    /// Writes the code of [`Output::single_file`] to `path`, only if its contents change (so a build script
    /// does not trigger needless rebuilds).
    ///
    /// Unlike [`Output::single_file`] it is not formatted: nobody reads a build script's output,
    /// and formatting (re-parsing the tokens, then printing them) is most of the generator's
    /// time. `rustfmt` makes it readable when needed.
    pub fn write_single_file(&self, path: &Path) -> Result<(), Error> {
        let mut text = self
            .header(None)
            .iter()
            .map(|line| format!("// {line}\n"))
            .collect::<String>();
        self.single_file_text(&mut text);
        text.push('\n');
        if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
            return Ok(());
        }
        if path.exists() && !was_generated(path)? {
            return Err(Error::new(path, "", ErrorKind::NotGenerated));
        }
        std::fs::write(path, text).map_err(|e| Error::new(path, "", ErrorKind::Io(e)))
    }

    /// Writes the tree layout under `dir`. Files there that the generator wrote (they start
    /// with its header) and no longer generates are removed; any other file is left alone, and
    /// one in the way of a generated file is an error before anything is written.
    pub fn write_tree(&self, dir: &Path) -> Result<(), Error> {
        let files = self.files()?;
        for (relative, _) in &files {
            let path = dir.join(relative);
            if path.exists() && !was_generated(&path)? {
                return Err(Error::new(&path, "", ErrorKind::NotGenerated));
            }
        }
        for stale in existing_rs_files(dir)? {
            let path = dir.join(&stale);
            if !files.iter().any(|(p, _)| *p == stale) && was_generated(&path)? {
                std::fs::remove_file(&path).map_err(|e| Error::new(&path, "", ErrorKind::Io(e)))?;
            }
        }
        for (relative, text) in files {
            let path = dir.join(&relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::new(parent, "", ErrorKind::Io(e)))?;
            }
            if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
                continue;
            }
            std::fs::write(&path, text).map_err(|e| Error::new(&path, "", ErrorKind::Io(e)))?;
        }
        Ok(())
    }

    /// Checks that `dir` holds exactly what [`Output::write_tree`] would write.
    pub fn check_tree(&self, dir: &Path) -> Result<(), CheckError> {
        let files = self.files().map_err(CheckError::Generate)?;
        let mut stale = Stale {
            dir: dir.to_path_buf(),
            command: self.regenerate_command.clone(),
            changes: Vec::new(),
        };
        for (relative, text) in &files {
            let path = dir.join(relative);
            match std::fs::read_to_string(&path) {
                Ok(old) if old == *text => {}
                Ok(old) => stale
                    .changes
                    .push((relative.clone(), unified_diff(&old, text, relative))),
                Err(_) => stale
                    .changes
                    .push((relative.clone(), "missing: would be created".to_owned())),
            }
        }
        for existing in existing_rs_files(dir).map_err(CheckError::Generate)? {
            let generated = was_generated(&dir.join(&existing)).map_err(CheckError::Generate)?;
            if generated && !files.iter().any(|(p, _)| *p == existing) {
                stale
                    .changes
                    .push((existing, "not generated: would be removed".to_owned()));
            }
        }
        if stale.changes.is_empty() {
            Ok(())
        } else {
            Err(CheckError::Stale(stale))
        }
    }
}

/// Why a freshness check failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum CheckError {
    /// The schemas could not be turned into code.
    Generate(Error),
    /// The files on disk differ from what would be generated.
    Stale(Stale),
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Generate(e) => write!(f, "{e}"),
            CheckError::Stale(s) => write!(f, "{s}"),
        }
    }
}

impl std::error::Error for CheckError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Transparent: its message is the inner error's own.
            CheckError::Generate(e) => e.source(),
            CheckError::Stale(_) => None,
        }
    }
}

/// Generated files that are out of date, with a diff of each.
#[derive(Debug)]
pub struct Stale {
    dir: PathBuf,
    command: Option<String>,
    changes: Vec<(PathBuf, String)>,
}

impl Stale {
    /// The files that differ, relative to the output directory.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.changes.iter().map(|(p, _)| p.as_path())
    }
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} generated file(s) under {} are stale",
            self.changes.len(),
            self.dir.display()
        )?;
        if let Some(command) = &self.command {
            write!(f, "; run `{command}`")?;
        }
        for (path, diff) in &self.changes {
            write!(f, "\n--- {}\n{}", path.display(), diff.trim_end())?;
        }
        Ok(())
    }
}

impl std::error::Error for Stale {}

fn unified_diff(old: &str, new: &str, path: &Path) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("{name} (on disk)"), &format!("{name} (generated)"))
        .to_string()
}

/// How every file the generator writes begins (after `// `): only such files are ever replaced
/// or removed, so an output directory beside hand-written code loses none of it.
const MARK: &str = "@generated by wecom-rooms-codegen";

/// Whether the file at `path` starts with the generator's header.
fn was_generated(path: &Path) -> Result<bool, Error> {
    use std::io::Read as _;
    let io = |e| Error::new(path, "", ErrorKind::Io(e));
    let mut start = Vec::with_capacity(64);
    std::fs::File::open(path)
        .map_err(io)?
        .take(64)
        .read_to_end(&mut start)
        .map_err(io)?;
    Ok(start.starts_with(format!("// {MARK}").as_bytes()))
}

fn existing_rs_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(());
        };
        for entry in entries {
            let path = entry
                .map_err(|e| Error::new(dir, "", ErrorKind::Io(e)))?
                .path();
            if path.is_dir() {
                walk(&path, base, out)?;
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path.strip_prefix(base).unwrap_or(&path).to_path_buf());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

fn inner_docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| crate::emit::names::doc_text(l));
    quote! { #( #![doc = #lines] )* }
}
