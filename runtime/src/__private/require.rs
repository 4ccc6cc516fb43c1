//! The feature check generated code starts with: code that compiles patterns or checks formats
//! needs this crate's `pattern` or `format` feature, and without it the build stops at one
//! `compile_error!` that names the feature and the Cargo.toml line, before any error about a
//! missing item (rustc stops after the macro expansion that fails).
//!
//! `format` turns `pattern` on, so one line answers code that needs both. The version in the
//! messages is this crate's (a test holds them to `CARGO_PKG_VERSION`).

/// `require_features!(pattern)`, `(format)` or `(pattern, format)`: nothing when the features
/// are on.
#[cfg(feature = "format")]
#[doc(hidden)]
#[macro_export]
macro_rules! __require_features {
    ($($feature:ident),*) => {};
}

#[cfg(all(feature = "pattern", not(feature = "format")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __require_features {
    (pattern) => {};
    ($($feature:ident),*) => {
        ::core::compile_error!(
            "this generated code checks `format` (Config::assert_formats), which needs wecom-rooms-runtime's `format` feature: in Cargo.toml, `wecom-rooms-runtime = { version = \"0.1.0\", features = [\"format\"] }`"
        );
    };
}

#[cfg(not(feature = "pattern"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __require_features {
    (pattern) => {
        ::core::compile_error!(
            "this generated code matches `pattern` or `patternProperties`, which needs wecom-rooms-runtime's `pattern` feature: in Cargo.toml, `wecom-rooms-runtime = { version = \"0.1.0\", features = [\"pattern\"] }`"
        );
    };
    ($($feature:ident),*) => {
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
