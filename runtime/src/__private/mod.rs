//! What generated code calls and nothing else should: not part of this crate's API, and free
//! to change in any release. Hidden from the documentation, as serde and prost hide theirs.

mod bytes;
mod context;
pub mod de;
#[cfg(feature = "format")]
pub mod format;
pub mod json;
#[cfg(feature = "pattern")]
pub mod pattern;
/// Without the `pattern` feature, code that needs it does not compile:
#[cfg_attr(not(feature = "pattern"), doc = "```compile_fail")]
#[cfg_attr(feature = "pattern", doc = "```")]
/// wecom_rooms_runtime::__private::require_features!(pattern; fn f() {});
/// f();
/// ```
mod require;

pub use crate::base64::is_base64;
pub use bytes::from_bytes;
pub use context::{Context, Evaluated, Segment, describe};
pub use require::require_features;
