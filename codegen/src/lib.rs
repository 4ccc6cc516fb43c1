//! Generates serde types and validators from JSON Schema: drafts 4, 6, 7, 2019-09 and 2020-12,
//! each schema read in the dialect its `$schema` names (2020-12 when it names none, unless
//! [`Config::default_dialect`] says otherwise).
//!
//! The pipeline, one module a step:
//!
//! 1. `load`: read schema files, register their `$id`s and anchors;
//! 2. `lower`: turn each schema into the intermediate `model`, checking every
//!    keyword and resolving every `$ref`;
//! 3. `emit`: turn the model into Rust tokens (types and validators);
//! 4. `format`: pretty-print them with prettyplease under an `@generated` header;
//! 5. `write`: write the files, or check that the files on disk are what would be written.
//!
//! Use it from a command (the `wecom-rooms-codegen` binary) whose output is checked in, or from
//! a build script:
//!
//! ```no_run
//! // build.rs
//! let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
//! wecom_rooms_codegen::Config::new("schema")
//!     .write_single_file(&out.join("schemas.rs"))
//!     .unwrap_or_else(|e| panic!("{e}"));
//! println!("cargo::rerun-if-changed=schema");
//! ```
//!
//! Generated code depends on `serde`, `serde_json` and `wecom-rooms-runtime` (with its `pattern`
//! feature when a schema uses `pattern` or `patternProperties`, `format` when formats are
//! asserted: without it the build stops at one `compile_error!` naming the feature). Warnings
//! (unknown keywords read as annotations) are printed as `cargo::warning=` lines in a build
//! script; see [`print_warnings`]. The crate's README says what a consumer's Cargo.toml needs.
#![forbid(unsafe_code)]

mod dialect;
mod emit;
mod error;
mod format;
mod json;
mod load;
mod lower;
mod model;
mod write;

use std::path::{Path, PathBuf};

pub use crate::dialect::Dialect;
pub use crate::emit::Schemars;
pub use crate::error::{Error, ErrorKind, Warning, WarningKind};
pub use crate::lower::UnknownKeywords;
pub use crate::write::{CheckError, Output, Stale};

use crate::emit::{EmitOptions, Layout};
use crate::load::Registry;
use crate::lower::Lowerer;

/// What to generate, from where.
#[derive(Clone, Debug)]
pub struct Config {
    schema_dir: PathBuf,
    schemas: Vec<String>,
    extra_documents: Vec<(String, serde_json::Value)>,
    emit: EmitOptions,
    unknown_keywords: UnknownKeywords,
    annotation_keywords: Vec<String>,
    assert_formats: bool,
    default_dialect: Dialect,
    regenerate_command: Option<String>,
}

impl Config {
    /// Generates from the schemas under `schema_dir`: every `*.schema.json` in it, unless
    /// [`Config::schema`] names some.
    pub fn new(schema_dir: impl Into<PathBuf>) -> Self {
        Config {
            schema_dir: schema_dir.into(),
            schemas: Vec::new(),
            extra_documents: Vec::new(),
            emit: EmitOptions {
                types: true,
                validators: true,
                schemars: Schemars::Off,
            },
            unknown_keywords: UnknownKeywords::default(),
            annotation_keywords: Vec::new(),
            assert_formats: false,
            default_dialect: Dialect::default(),
            regenerate_command: None,
        }
    }

    /// Generates only the named schemas (paths under the schema directory, without
    /// `.schema.json`); may be called several times.
    pub fn schema(mut self, name: impl Into<String>) -> Self {
        self.schemas.push(name.into());
        self
    }

    /// Makes a document available to `$ref`s under `uri` without reading a file (for schemas
    /// whose references point at documents that are not files).
    pub fn document(mut self, uri: impl Into<String>, schema: serde_json::Value) -> Self {
        self.extra_documents.push((uri.into(), schema));
        self
    }

    /// Whether to emit serde types (on by default).
    pub fn types(mut self, on: bool) -> Self {
        self.emit.types = on;
        self
    }

    /// Whether to emit validators (on by default).
    pub fn validators(mut self, on: bool) -> Self {
        self.emit.validators = on;
        self
    }

    /// Whether generated types implement `schemars::JsonSchema` (off by default).
    pub fn schemars(mut self, schemars: Schemars) -> Self {
        self.emit.schemars = schemars;
        self
    }

    /// What to do with keywords that a schema's draft does not define: by default an annotation
    /// with a warning, and a near-miss of a defined keyword (a likely typo) an error; see
    /// [`UnknownKeywords`].
    pub fn unknown_keywords(mut self, policy: UnknownKeywords) -> Self {
        self.unknown_keywords = policy;
        self
    }

    /// Reads `keyword` as an annotation wherever a schema's draft does not define it, with no
    /// warning, whatever [`Config::unknown_keywords`] says (CLI `--annotation-keyword`); may be
    /// called several times. For a near-miss of a defined keyword in a schema you do not own,
    /// which the default refuses as a likely typo. A keyword the draft defines is unaffected.
    pub fn annotation_keyword(mut self, keyword: impl Into<String>) -> Self {
        self.annotation_keywords.push(keyword.into());
        self
    }

    /// Whether `format` is an assertion (off by default: an annotation, as 2019-09 and 2020-12
    /// specify). On, the validators check the formats `wecom-rooms-runtime` knows (`date-time`,
    /// `email`, `hostname`, `ipv4`, `uri`, `uuid` and the rest its `format` module lists), and
    /// the generated code needs that crate's `format` feature; any other format stays an
    /// annotation.
    pub fn assert_formats(mut self, on: bool) -> Self {
        self.assert_formats = on;
        self
    }

    /// The dialect of a document that has no `$schema` (draft 2020-12 by default). A document
    /// that names one is read in that one; so is every resource inside it that names its own.
    pub fn default_dialect(mut self, dialect: Dialect) -> Self {
        self.default_dialect = dialect;
        self
    }

    /// The command the `@generated` header tells readers to run to regenerate the files.
    pub fn regenerate_command(mut self, command: impl Into<String>) -> Self {
        self.regenerate_command = Some(command.into());
        self
    }

    /// Runs the pipeline and returns the generated code, not yet written anywhere, with its
    /// warnings ([`Output::warnings`]), not printed.
    pub fn generate(&self) -> Result<Output, Error> {
        self.run(Layout::Tokens, |output| output)
    }

    /// Generates and writes the tree layout under `dir` (see [`Output::write_tree`]), on a
    /// thread with a stack large enough for deeply nested schemas. Prints the warnings (see
    /// [`print_warnings`]).
    pub fn write_tree(&self, dir: &Path) -> Result<(), Error> {
        self.on_large_stack(Layout::Tokens, |output| {
            print_warnings(output.warnings());
            output.write_tree(dir)
        })?
    }

    /// Generates and writes one file for `include!` (see [`Output::write_single_file`]), on a
    /// thread with a stack large enough for deeply nested schemas. What a build script calls;
    /// it prints the warnings as `cargo::warning=` lines there, so cargo shows them (see
    /// [`print_warnings`]).
    pub fn write_single_file(&self, path: &Path) -> Result<(), Error> {
        self.on_large_stack(Layout::Text, |output| {
            print_warnings(output.warnings());
            output.write_single_file(path)
        })?
    }

    /// Generates and checks that `dir` holds exactly what [`Config::write_tree`] would write.
    /// Prints the warnings (see [`print_warnings`]).
    pub fn check_tree(&self, dir: &Path) -> Result<(), CheckError> {
        self.on_large_stack(Layout::Tokens, |output| {
            print_warnings(output.warnings());
            output.check_tree(dir)
        })
        .map_err(CheckError::Generate)?
    }

    /// Runs the pipeline and `then` on a thread with a large stack. Emitting types follows the
    /// schema's nesting, and syn and prettyplease recurse over the code, so a schema nested
    /// thousands deep would overflow a build script's or a test thread's stack. The stack is
    /// address space only (pages are touched as they are used).
    fn on_large_stack<T: Send>(
        &self,
        layout: Layout,
        then: impl FnOnce(Output) -> T + Send,
    ) -> Result<T, Error> {
        const STACK: usize = 512 << 20;
        let work = || self.run(layout, then);
        std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .stack_size(STACK)
                .spawn_scoped(scope, work);
            match worker {
                Ok(worker) => worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(e) => Err(Error::new(&self.schema_dir, "", ErrorKind::Io(e))),
            }
        })
    }

    /// Runs the pipeline and hands the output to `then`, which writes it.
    fn run<T>(&self, layout: Layout, then: impl FnOnce(Output) -> T) -> Result<T, Error> {
        let mut registry = Registry::new(Some(self.schema_dir.clone()), self.default_dialect);
        for (uri, schema) in &self.extra_documents {
            let json: json::Json = serde_json::from_value(schema.clone())
                .map_err(|e| Error::new(uri.as_str(), "", ErrorKind::Json(e)))?;
            registry.add_document(uri, json)?;
        }
        let names = if self.schemas.is_empty() {
            discover(&self.schema_dir)?
        } else {
            self.schemas.clone()
        };
        check_module_paths(&self.schema_dir, &names)?;
        let mut roots = Vec::new();
        for name in &names {
            let path = self.schema_dir.join(format!("{name}.schema.json"));
            roots.push((name.clone(), registry.load_file(&path)?));
        }
        let mut lowerer = Lowerer::new(
            &mut registry,
            self.unknown_keywords,
            self.annotation_keywords.clone(),
            self.assert_formats,
            roots.len(),
        );
        for (name, doc) in roots {
            lowerer.add_root(name, doc)?;
        }
        let (model, warnings) = lowerer.finish()?;
        let features = runtime_features(&model, &self.emit);
        let source_of = |root: &model::Root| format!("{}.schema.json", root.name);
        let command = self.regenerate_command.clone();
        emit::tree(&model, &self.emit, layout, source_of, |tree| {
            then(Output::new(tree, command, warnings, features))
        })
    }
}

/// Prints warnings where their reader will see them: in a build script (cargo sets `OUT_DIR`,
/// `TARGET` and `HOST` for build scripts only) as `cargo::warning=` lines on stdout, which
/// cargo shows as `warning: <package>@<version>: …`; anywhere else on stderr as
/// `warning: …` lines. [`Config`]'s write and check methods call it; [`Config::generate`]
/// does not.
pub fn print_warnings(warnings: &[Warning]) {
    let under_build_script = ["OUT_DIR", "TARGET", "HOST"]
        .iter()
        .all(|name| std::env::var_os(name).is_some());
    for warning in warnings {
        if under_build_script {
            println!("cargo::warning={warning}");
        } else {
            eprintln!("warning: {warning}");
        }
    }
}

/// The features of `wecom-rooms-runtime` the code needs: `pattern` for the validators'
/// `pattern` and `patternProperties`, `format` for asserted formats. Only the validators call
/// them.
fn runtime_features(model: &model::Model, emit: &EmitOptions) -> Vec<&'static str> {
    let keywords = || {
        model.nodes.iter().filter_map(|node| match &node.schema {
            model::Schema::Keywords(k) => Some(k),
            model::Schema::Bool(_) => None,
        })
    };
    let mut features = Vec::new();
    if emit.validators {
        if keywords().any(|k| k.pattern.is_some() || !k.pattern_properties.is_empty()) {
            features.push("pattern");
        }
        if keywords().any(|k| k.format.is_some()) {
            features.push("format");
        }
    }
    features
}

/// A schema's name from its path under the schema directory.
pub(crate) fn schema_name(relative_path: &str) -> String {
    let name = relative_path.strip_prefix("./").unwrap_or(relative_path);
    let name = name
        .strip_suffix(".schema.json")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(name);
    name.to_owned()
}

/// Refuses two schemas whose names map to the same module: one would overwrite the other.
fn check_module_paths(dir: &Path, names: &[String]) -> Result<(), Error> {
    let file = |name: &str| dir.join(format!("{name}.schema.json"));
    let mut seen = std::collections::BTreeMap::new();
    for name in names {
        let module = emit::names::module_path(name).join("::");
        if let Some(first) = seen.insert(module.clone(), name) {
            let kind = ErrorKind::ModuleCollision {
                module,
                other: file(first),
            };
            return Err(Error::new(file(name), "", kind));
        }
    }
    Ok(())
}

/// Every `*.schema.json` under `dir`, as schema names, sorted.
fn discover(dir: &Path) -> Result<Vec<String>, Error> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) -> Result<(), Error> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::new(dir, "", ErrorKind::Io(e)))?;
        for entry in entries {
            let path = entry
                .map_err(|e| Error::new(dir, "", ErrorKind::Io(e)))?
                .path();
            if path.is_dir() {
                walk(&path, base, out)?;
            } else if path.to_string_lossy().ends_with(".schema.json") {
                let relative = path.strip_prefix(base).unwrap_or(&path);
                out.push(schema_name(&relative.to_string_lossy().replace('\\', "/")));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    if out.is_empty() {
        return Err(Error::new(
            dir,
            "",
            ErrorKind::Invalid("no *.schema.json files here".into()),
        ));
    }
    Ok(out)
}
