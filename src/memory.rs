//! A cap on single allocations while a template renders, so a runaway
//! template ends in a clear error instead of the kernel's OOM killer.
//!
//! Fuel stops a template that runs too long, and the render caps what the
//! templates write, but a value built inside a template reaches neither:
//! `{% set ns.s = ns.s ~ ns.s %}` forty times asks for a terabyte in a few
//! dozen steps. minijinja has no memory limit and Rust aborts on a failed
//! allocation, so the binary installs [`CappedAllocator`]: while a thread
//! renders a template (see [`rendering`]), an allocation larger than
//! [`MAX_ALLOCATION`] prints one error line naming the template and ends
//! the process with exit code 1. Nothing is on stdout by then: output is
//! written only once a render is complete. Outside a render nothing is
//! capped.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The largest single allocation a template may cause: 1 GiB.
pub const MAX_ALLOCATION: usize = 1 << 30;

/// How much of a template's path the error shows.
const NAME_CAPACITY: usize = 512;

thread_local! {
    /// The path of the template this thread renders (bytes and length; length 0
    /// when none). A copy, so the allocator reads it without allocating and
    /// without trusting any pointer.
    static RENDERING: Cell<([u8; NAME_CAPACITY], usize)> =
        const { Cell::new(([0; NAME_CAPACITY], 0)) };
}

/// Caps allocations on this thread, naming `template` in the error, until
/// the guard is dropped.
pub fn rendering(template: &str) -> RenderingGuard {
    let mut name = [0; NAME_CAPACITY];
    let mut len = template.len().min(NAME_CAPACITY);
    while !template.is_char_boundary(len) {
        len -= 1;
    }
    name[..len].copy_from_slice(&template.as_bytes()[..len]);
    // An empty path still marks the thread as rendering.
    let len = len.max(1);
    if template.is_empty() {
        name[0] = b'?';
    }
    let previous = RENDERING.with(|slot| slot.replace((name, len)));
    RenderingGuard {
        previous,
        _not_send: std::marker::PhantomData,
    }
}

/// Restores what the thread rendered before when dropped (nothing, or an
/// outer template).
pub struct RenderingGuard {
    previous: ([u8; NAME_CAPACITY], usize),
    /// The guard belongs to the thread whose slot it restores.
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Drop for RenderingGuard {
    fn drop(&mut self) {
        RENDERING.with(|slot| slot.set(self.previous));
    }
}

/// The system allocator; while a template renders, any allocation over
/// [`MAX_ALLOCATION`] ends the process with an error.
pub struct CappedAllocator;

impl CappedAllocator {
    fn check(size: usize) {
        if size > MAX_ALLOCATION
            && let Ok((name, len)) = RENDERING.try_with(Cell::get)
            && len > 0
        {
            refuse(&name[..len]);
        }
    }
}

unsafe impl GlobalAlloc for CappedAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::check(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::check(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::check(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Writes the error straight to file descriptor 2 and exits with code 1,
/// touching nothing of std that may be locked or borrowed by another
/// thread (the main thread holds the stderr and stdout locks for the whole
/// run) or that allocates.
fn refuse(template: &[u8]) -> ! {
    write_stderr(b"Error: ");
    write_stderr(template);
    write_stderr(
        b": the template needs more than 1 GiB of memory for a single value and was stopped; is a string doubled in a loop?\n",
    );
    exit_now(1)
}

#[cfg(unix)]
fn write_stderr(mut bytes: &[u8]) {
    unsafe extern "C" {
        fn write(fd: i32, buf: *const u8, count: usize) -> isize;
    }
    while !bytes.is_empty() {
        // SAFETY: fd 2 is the process's stderr; the buffer is valid for its length.
        let written = unsafe { write(2, bytes.as_ptr(), bytes.len()) };
        if written <= 0 {
            return;
        }
        bytes = &bytes[written as usize..];
    }
}

#[cfg(unix)]
fn exit_now(code: i32) -> ! {
    unsafe extern "C" {
        fn _exit(code: i32) -> !;
    }
    // SAFETY: `_exit` ends the process at once, running no handlers that could
    // wait for a lock another thread holds.
    unsafe { _exit(code) }
}

/// Elsewhere (not a platform kinja is built for today) std's stderr is the
/// only way, and it can wait on the lock the main thread holds.
#[cfg(not(unix))]
fn write_stderr(bytes: &[u8]) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(bytes);
}

#[cfg(not(unix))]
fn exit_now(code: i32) -> ! {
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> Vec<u8> {
        let (name, len) = RENDERING.with(Cell::get);
        name[..len].to_vec()
    }

    #[test]
    fn the_guard_names_the_template_and_restores_the_outer_one() {
        assert!(current().is_empty());
        {
            let _outer = rendering("charts/a/templates/x.yaml");
            {
                let _inner = rendering("tpl in x.yaml");
                assert_eq!(current(), b"tpl in x.yaml");
            }
            assert_eq!(current(), b"charts/a/templates/x.yaml");
        }
        assert!(current().is_empty());
    }

    #[test]
    fn a_long_name_is_cut_at_a_character_boundary() {
        let long = "é".repeat(400);
        let _guard = rendering(&long);
        let name = current();
        assert!(name.len() <= NAME_CAPACITY);
        assert!(std::str::from_utf8(&name).is_ok());
    }
}
