//! Formatting: token streams → source text, with prettyplease and a header.

use proc_macro2::TokenStream;

use crate::error::{Error, ErrorKind};

/// Pretty-prints a file's tokens under `header` (comment lines, without `//`), its items inside
/// `wrap` (the opening of a macro invocation, `path! { args;`) when given: formatted first,
/// since prettyplease leaves a macro's body as one stream of tokens.
pub fn file(
    tokens: TokenStream,
    header: &[String],
    path: &str,
    wrap: Option<&str>,
) -> Result<String, Error> {
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
    match wrap {
        None => out.push_str(&prettyplease::unparse(&syntax)),
        Some(open) => {
            let items = syn::File {
                attrs: Vec::new(),
                ..syntax.clone()
            };
            let attrs = syn::File {
                items: Vec::new(),
                ..syntax
            };
            out.push_str(&prettyplease::unparse(&attrs));
            out.push_str(open);
            out.push('\n');
            out.push_str(&prettyplease::unparse(&items));
            out.push_str("}\n");
        }
    }
    Ok(out)
}
