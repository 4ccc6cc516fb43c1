//! Typed requests, responses and validators for WeCom's 获取Rooms会议室详情
//! (`POST /cgi-bin/meeting/rooms/get_info`).
#![forbid(unsafe_code)]
#![deny(warnings)]

pub mod schemas;

pub use schemas::SCHEMAS;
pub use schemas::meeting::rooms::get_info;
