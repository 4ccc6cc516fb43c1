//! Facts from the official pages of WeCom's Rooms and 预约会议 API families, and a comparison of those facts
//! with the schemas in `schema/`.
//!
//! - [`extract_page`] reads the official pages of one spec file (one Rooms page, or the two
//!   pages of one meeting path) into [`PageFacts`]: method, path, every parameter table row
//!   (nested tables included) with its type, 必须 and listed values, and the JSON samples.
//! - [`extract_dir`], [`write_facts`] and [`check_facts`] keep `pages/facts/*.json` in step
//!   with the pages (`cargo page-facts write|check`).
//! - [`compare_all`] holds each endpoint's facts (all its pages together) against its request
//!   and response schemas, and
//!   [`reconcile`] holds the differences found against `pages/differences.json`.

mod compare;
mod differences;
mod error;
mod extract;
mod facts;
mod files;
pub mod markdown;
mod schema;

pub use compare::{HAS_MORE, Judge, NEXT_CURSOR, compare, compare_all, compare_endpoint};
pub use differences::{At, Deliberate, Difference, Kind, Reconciled, load_deliberate, reconcile};
pub use error::{Error, ErrorKind};
pub use extract::{OFFICIAL, extract_page};
pub use facts::{Location, Member, PageFacts, Sample, Side, SideName, sorted};
pub use files::{
    Extraction, FAMILIES, SPEC_DIR_VAR, Stale, check_facts, extract_dir, facts_dir, load_facts,
    spec_dir, workspace_root, write_facts,
};
pub use schema::{Guard, Node, SchemaSet, View};
