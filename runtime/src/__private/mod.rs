//! What generated code calls and nothing else should: not part of this crate's API, and free
//! to change in any release. Hidden from the documentation, as serde and prost hide theirs.

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
pub use context::{Context, Evaluated, Segment};
pub use require::require_features;
// Public API with a home of its own; generated code names them here.
pub use crate::decode::from_slice as from_bytes;
pub use crate::value::describe;
