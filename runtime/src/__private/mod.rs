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

pub use crate::base64::is_base64;
pub use bytes::from_bytes;
pub use context::{Context, Evaluated, Segment, describe};
