//! glibc malloc's footprint for a long-running exporter. By default every thread that
//! allocates while another holds an arena's lock gets an arena of its own (up to 8 per
//! core), and an arena's freed pages stay mapped: after one burst of concurrent /probe
//! requests the runtime's workers and triage's short-lived collector threads each keep
//! megabytes resident for the life of the process. One arena, and a trim after each
//! sampler window, keep idle RSS where it was before the burst. Other libcs (musl) have
//! neither knob nor the problem.

/// Before any thread is started: threads created afterwards share the main arena.
pub fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before serve starts
    // any thread of its own.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Gives freed heap pages back to the kernel (madvise on free chunks). Cheap next to a
/// triage window; called by the sampler after each one.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes the arena locks itself and frees nothing in use.
    unsafe {
        libc::malloc_trim(0);
    }
}
