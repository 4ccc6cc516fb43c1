//! The allocator every target runs on: the system's, except that one allocation larger than
//! [`LIMIT`] aborts, which libFuzzer reports as a crash with its input. No input here is over
//! a megabyte, so an allocation that large is sized by something the input declares (a
//! length, a count, a `bodySize`) rather than by bytes it holds: the bug the cap is there to
//! catch. libFuzzer's own `-malloc_limit_mb` needs a sanitizer's hooks; this works without.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;

/// The largest single allocation allowed, in bytes.
pub const LIMIT: usize = 32 << 20;

struct Capped;

fn over(layout_size: usize) -> bool {
    if layout_size <= LIMIT {
        return false;
    }
    // Writing a static message to stderr allocates nothing; unwinding out of an allocator is
    // undefined behaviour, so abort.
    let _ = std::io::stderr().write_all(b"wecom-rooms-fuzz: an allocation over the cap\n");
    std::process::abort();
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds `GlobalAlloc`'s contract;
// the cap only aborts before forwarding.
unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        over(layout.size());
        // SAFETY: the caller's `layout` is passed on as received.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        over(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` with this `layout`, as the caller guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        over(new_size);
        // SAFETY: as for `dealloc`; `new_size` is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Capped = Capped;
