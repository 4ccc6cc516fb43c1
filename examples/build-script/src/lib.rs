//! A crate that generates its types and validators in `build.rs` from its own schema
//! (`schema/rooms/booking.schema.json`), with `wecom-rooms-codegen` as a build dependency and
//! only `serde`, `serde_json` and `wecom-rooms-runtime` at run time.
#![forbid(unsafe_code)]

include!(concat!(env!("OUT_DIR"), "/schemas.rs"));

/// The generator's construct schemas (`codegen/tests/schemas`), compiled here so that the code
/// their snapshots show is known to build and behave.
#[cfg(test)]
#[allow(dead_code)] // The tests use part of each module.
mod constructs {
    include!(concat!(env!("OUT_DIR"), "/constructs.rs"));
}

/// The generator's shared-definition cases (`codegen/tests/shared`), each a set of roots
/// generated together.
#[cfg(test)]
#[allow(dead_code)] // The tests use part of each module.
mod shared {
    include!(concat!(env!("OUT_DIR"), "/shared.rs"));
}

/// `codegen/tests/formats`, generated with `format` asserted.
#[cfg(test)]
#[allow(dead_code)] // The tests use the validators.
mod asserted_formats {
    include!(concat!(env!("OUT_DIR"), "/formats.rs"));
}

/// An object of 70 properties, 66 of them required, generated in `build.rs`.
#[cfg(test)]
#[allow(dead_code)] // The tests use the validators.
mod many_members {
    include!(concat!(env!("OUT_DIR"), "/wide.rs"));
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod types_tests;

#[cfg(test)]
mod shared_tests;
