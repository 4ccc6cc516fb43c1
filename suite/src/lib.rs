//! The parts of the JSON-Schema-Test-Suite harness that other tests reuse.
#![forbid(unsafe_code)]

pub mod corpus;
pub mod fetch;
pub mod packages;
