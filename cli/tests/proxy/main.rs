//! `wecom-rooms proxy` for real: the command in front of the simulator (and of a TLS
//! terminator in front of it), with the `wecom-rooms` client and a plain HTTP client behind.

mod contract;
mod support;
mod tls;
mod upstream;
