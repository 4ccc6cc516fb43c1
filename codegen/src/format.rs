//! Formatting: token streams → source text, with prettyplease and a header.

use proc_macro2::TokenStream;

use crate::error::{Error, ErrorKind};

/// Pretty-prints a file's tokens under `header` (comment lines, without `//`).
pub fn file(tokens: TokenStream, header: &[String], path: &str) -> Result<String, Error> {
    let syntax: syn::File = syn::parse2(tokens).map_err(|e| {
        // The emitter produced something that is not Rust: a bug in the generator, reported
        // with the file it was writing rather than a panic.
        Error::new(
            path,
            "",
            ErrorKind::Invalid(format!(
                "generated code does not parse (a generator bug): {e}"
            )),
        )
    })?;
    let mut out = String::new();
    for line in header {
        out.push_str("//");
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&prettyplease::unparse(&syntax));
    Ok(out)
}
