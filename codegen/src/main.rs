//! `wecom-rooms-codegen`: generates types and validators from a schema directory into a module
//! directory that is checked in, or checks that the checked-in files are fresh.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wecom_rooms_codegen::{CheckError, Config, Dialect, Schemars, UnknownKeywords};

/// Generates serde types and validators from JSON Schema (drafts 4, 6, 7, 2019-09, 2020-12).
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The directory holding the `*.schema.json` files.
    #[arg(long, default_value = "schema")]
    schema_dir: PathBuf,
    /// The module directory the generator owns (it holds `mod.rs`).
    #[arg(long)]
    out: PathBuf,
    /// The command that the `@generated` header and the stale report tell readers to run.
    #[arg(long)]
    regenerate_command: Option<String>,
    /// Implement `schemars::JsonSchema` for the types when the output crate's feature of this
    /// name is on.
    #[arg(long, value_name = "FEATURE")]
    schemars_feature: Option<String>,
    /// Check `format` (the formats wecom-rooms-runtime's `format` feature knows) instead of
    /// treating it as an annotation.
    #[arg(long)]
    assert_formats: bool,
    /// Refuse every keyword a schema's draft does not define. By default such a keyword is an
    /// annotation, reported once on stderr as a warning, unless it is a near-miss of a keyword
    /// the draft defines (a likely typo), which is refused.
    #[arg(long)]
    deny_unknown_keywords: bool,
    /// Read this keyword as an annotation wherever a schema's draft does not define it, with no
    /// warning (for a near-miss that a schema you do not own has on purpose); repeatable.
    #[arg(long, value_name = "KEYWORD")]
    annotation_keyword: Vec<String>,
    /// The dialect of schemas without `$schema`.
    #[arg(long, value_enum, default_value_t = DialectArg::Draft2020_12)]
    default_dialect: DialectArg,
    #[command(subcommand)]
    command: Command,
}

/// The drafts `--default-dialect` names.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum DialectArg {
    #[value(name = "draft4")]
    Draft4,
    #[value(name = "draft6")]
    Draft6,
    #[value(name = "draft7")]
    Draft7,
    #[value(name = "2019-09")]
    Draft2019_09,
    #[value(name = "2020-12")]
    Draft2020_12,
}

impl From<DialectArg> for Dialect {
    fn from(arg: DialectArg) -> Dialect {
        match arg {
            DialectArg::Draft4 => Dialect::Draft4,
            DialectArg::Draft6 => Dialect::Draft6,
            DialectArg::Draft7 => Dialect::Draft7,
            DialectArg::Draft2019_09 => Dialect::Draft2019_09,
            DialectArg::Draft2020_12 => Dialect::Draft2020_12,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Rewrites the output directory from the schemas.
    Generate,
    /// Exits 0 when the output directory is fresh, 1 (with a diff) when it is not.
    Check,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = Config::new(&cli.schema_dir)
        .default_dialect(cli.default_dialect.into())
        .assert_formats(cli.assert_formats);
    for keyword in &cli.annotation_keyword {
        config = config.annotation_keyword(keyword);
    }
    if cli.deny_unknown_keywords {
        config = config.unknown_keywords(UnknownKeywords::Reject);
    }
    if let Some(command) = &cli.regenerate_command {
        config = config.regenerate_command(command);
    }
    if let Some(feature) = &cli.schemars_feature {
        config = config.schemars(Schemars::Feature(feature.clone()));
    }
    match cli.command {
        Command::Generate => match config.write_tree(&cli.out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                report(&e);
                ExitCode::from(2)
            }
        },
        Command::Check => match config.check_tree(&cli.out) {
            Ok(()) => {
                eprintln!("{} is fresh", cli.out.display());
                ExitCode::SUCCESS
            }
            Err(CheckError::Stale(stale)) => {
                eprintln!("error: {stale}");
                ExitCode::from(1)
            }
            Err(e) => {
                report(&e);
                ExitCode::from(2)
            }
        },
    }
}

/// Prints `error` and its sources on one line: each error's message leaves the details to its
/// source.
fn report(error: &dyn std::error::Error) {
    let mut line = format!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    eprintln!("{line}");
}
