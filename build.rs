//! Links the `tackle` binary as a position-dependent executable (`-no-pie`).
//!
//! A PIE spends a third of a millisecond at every start applying about 14,000 relocations
//! to 200 KiB of read-only data, copying each page it touches; that was the largest part of
//! what `tackle run-cmd -- true` cost over coreutils `timeout` (bench/RESULTS.md). Go links
//! its binaries the same way by default. Shared libraries, the stack, the heap and mmap
//! regions are still placed at random; only the binary's own code and data are at a fixed
//! address. Tests and the library crate are unaffected.

fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
    println!("cargo:rerun-if-changed=build.rs");
}
