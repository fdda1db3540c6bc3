//! A cap on any single allocation, so a runaway template ends in a clear
//! error instead of the kernel's OOM killer.
//!
//! Fuel stops a template that runs too long, and the render caps what a
//! template writes, but a value built inside a template never reaches
//! either: `{% set ns.s = ns.s ~ ns.s %}` forty times asks for a terabyte
//! in a few dozen steps. minijinja has no memory limit and Rust aborts on a
//! failed allocation, so the binary installs [`CappedAllocator`]: an
//! allocation larger than [`MAX_ALLOCATION`] (far above anything kinja
//! needs: inputs are read up to 256 MiB) prints one error line, naming
//! the template being rendered on that thread, and exits with code 1.
//! Nothing has been printed on stdout by then: output is written only once
//! a render is complete.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;

/// The largest single allocation the binary makes: 1 GiB.
pub const MAX_ALLOCATION: usize = 1 << 30;

thread_local! {
    /// The template this thread renders, as (pointer, length) of its path:
    /// read by the allocator, which must not allocate itself.
    static RENDERING: Cell<(*const u8, usize)> = const { Cell::new((std::ptr::null(), 0)) };
}

/// Names `template` as the one this thread renders until the guard is dropped.
pub fn rendering(template: &str) -> RenderingGuard<'_> {
    RENDERING.with(|slot| slot.set((template.as_ptr(), template.len())));
    RenderingGuard(std::marker::PhantomData)
}

/// Clears the thread's template name when dropped; it borrows the name,
/// so the name outlives every read of it.
pub struct RenderingGuard<'a>(std::marker::PhantomData<&'a str>);

impl Drop for RenderingGuard<'_> {
    fn drop(&mut self) {
        RENDERING.with(|slot| slot.set((std::ptr::null(), 0)));
    }
}

/// The system allocator, refusing any allocation over [`MAX_ALLOCATION`].
pub struct CappedAllocator;

unsafe impl GlobalAlloc for CappedAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > MAX_ALLOCATION {
            refuse();
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() > MAX_ALLOCATION {
            refuse();
        }
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > MAX_ALLOCATION {
            refuse();
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Prints the error without allocating (stderr is unbuffered) and exits 1.
fn refuse() -> ! {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(b"Error: ");
    let (ptr, len) = RENDERING
        .try_with(Cell::get)
        .unwrap_or((std::ptr::null(), 0));
    if !ptr.is_null() {
        // Set by `rendering` from a live &str that its guard still borrows.
        let name = unsafe { std::slice::from_raw_parts(ptr, len) };
        let _ = stderr.write_all(name);
        let _ = stderr.write_all(b": the template");
    } else {
        let _ = stderr.write_all(b"kinja");
    }
    let _ = stderr.write_all(
        b" needs more than 1 GiB of memory for a single value and was stopped; is a string doubled in a loop?\n",
    );
    std::process::exit(1)
}
