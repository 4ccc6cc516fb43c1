//! The feature check that wraps generated code: code that compiles patterns or checks formats
//! needs this crate's `pattern` or `format` feature. The generator wraps such code in
//! `require_features!(pattern; …)`, which gives the code back when the feature is on, and
//! otherwise only one `compile_error!` that names the feature and the Cargo.toml line: the code
//! is not there to give an error per item it cannot find.
//!
//! `format` turns `pattern` on, so one line answers code that needs both. The version in the
//! messages is this crate's (a test holds them to `CARGO_PKG_VERSION`).

/// `require_features!(pattern; code)`, `(format; code)` or `(pattern, format; code)`: the code
/// when the features are on.
#[cfg(feature = "format")]
#[doc(hidden)]
#[macro_export]
macro_rules! __require_features {
    ($($feature:ident),*; $($code:tt)*) => { $($code)* };
}

#[cfg(all(feature = "pattern", not(feature = "format")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __require_features {
    (pattern; $($code:tt)*) => { $($code)* };
    ($($feature:ident),*; $($code:tt)*) => {
        ::core::compile_error!(
            "this generated code checks `format` (Config::assert_formats), which needs wecom-rooms-runtime's `format` feature: in Cargo.toml, `wecom-rooms-runtime = { version = \"0.1.0\", features = [\"format\"] }`"
        );
    };
}

#[cfg(not(feature = "pattern"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __require_features {
    (pattern; $($code:tt)*) => {
        ::core::compile_error!(
            "this generated code matches `pattern` or `patternProperties`, which needs wecom-rooms-runtime's `pattern` feature: in Cargo.toml, `wecom-rooms-runtime = { version = \"0.1.0\", features = [\"pattern\"] }`"
        );
    };
    ($($feature:ident),*; $($code:tt)*) => {
        ::core::compile_error!(
            "this generated code checks `format` (Config::assert_formats), which needs wecom-rooms-runtime's `format` feature: in Cargo.toml, `wecom-rooms-runtime = { version = \"0.1.0\", features = [\"format\"] }`"
        );
    };
}

pub use crate::__require_features as require_features;

#[cfg(test)]
mod tests {
    /// The line the messages give names this crate's version.
    #[test]
    fn the_messages_name_this_version() {
        let source = include_str!("require.rs");
        let line = format!("version = \\\"{}\\\"", env!("CARGO_PKG_VERSION"));
        assert_eq!(source.matches(&line).count(), 3, "{line}");
    }
}
