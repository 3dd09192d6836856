//! Giving freed heap back to the system.
//!
//! glibc keeps what a program frees for its next allocations and returns it to the
//! system only from the top of the heap: after a customer has browsed a thousand
//! products (a picture of 100x100 pixels, 40 KB, for each), the process keeps about
//! 100 MiB it no longer uses, for as long as it runs (`cargo bench --bench search`).
//! `malloc_trim` hands those pages back. Elsewhere (musl, other systems) nothing is done.

/// Returns the heap's free pages to the system; a few milliseconds after a large
/// browse, microseconds otherwise.
pub fn give_back_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes the
    // allocator's locks as malloc does and has no precondition on the caller.
    unsafe {
        libc::malloc_trim(0);
    }
}
