//! The module's global allocator: dlmalloc, growing the WebAssembly memory
//! geometrically.
//!
//! The standard library's wasm32 allocator grows the memory by exactly the
//! pages each request lacks. Decoding a 10 MB input into Lua then grows it
//! hundreds of times, and V8 answers every growth of a module's memory with
//! a full JavaScript garbage collection (it counts the memory as external
//! allocation): measured, 200 mark-compact collections and more time than
//! the decoding itself. Growing by at least a quarter of the current size
//! (and at least 1 MiB) makes that a handful of growths.

/// WebAssembly page size.
const PAGE: usize = 64 * 1024;
/// The smallest growth, in pages (1 MiB).
const MIN_GROWTH_PAGES: usize = 16;

/// Pages to add when `pages_now` exist and `requested` bytes are needed.
fn growth_pages(pages_now: usize, requested: usize) -> usize {
    requested
        .div_ceil(PAGE)
        .max(pages_now / 4)
        .max(MIN_GROWTH_PAGES)
}

#[cfg(target_arch = "wasm32")]
mod global {
    use core::alloc::{GlobalAlloc, Layout};
    use core::arch::wasm32;
    use core::cell::UnsafeCell;
    use core::ptr;

    use dlmalloc::{Allocator, Dlmalloc};

    use super::{PAGE, growth_pages};

    /// Hands dlmalloc fresh pages from `memory.grow`, more than it asked for.
    struct GeometricGrowth;

    // SAFETY: memory handed out by `memory.grow` is fresh, zeroed and never
    // handed out twice; the module is single-threaded.
    unsafe impl Allocator for GeometricGrowth {
        fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
            let pages_now = wasm32::memory_size(0);
            let mut pages = growth_pages(pages_now, size);
            let mut previous = wasm32::memory_grow(0, pages);
            if previous == usize::MAX {
                // Near the 4 GiB limit: ask only for what is needed.
                pages = size.div_ceil(PAGE);
                previous = wasm32::memory_grow(0, pages);
                if previous == usize::MAX {
                    return (ptr::null_mut(), 0, 0);
                }
            }
            let base = previous * PAGE;
            let mut bytes = pages * PAGE;
            if base.wrapping_add(bytes) == 0 {
                // The last page of the address space: a Rust pointer must not
                // wrap to 0, so leave its last bytes out.
                bytes -= 16;
            }
            (base as *mut u8, bytes, 0)
        }

        fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
            ptr::null_mut()
        }

        fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
            false
        }

        fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
            false
        }

        fn can_release_part(&self, _flags: u32) -> bool {
            false
        }

        fn allocates_zeros(&self) -> bool {
            true
        }

        fn page_size(&self) -> usize {
            PAGE
        }
    }

    /// dlmalloc behind the [`GlobalAlloc`] interface.
    pub struct GlobalAllocator(UnsafeCell<Dlmalloc<GeometricGrowth>>);

    // SAFETY: wasm32-unknown-unknown without the atomics feature has one
    // thread, so the cell is never accessed concurrently.
    unsafe impl Sync for GlobalAllocator {}

    impl GlobalAllocator {
        const fn new() -> Self {
            GlobalAllocator(UnsafeCell::new(Dlmalloc::new_with_allocator(
                GeometricGrowth,
            )))
        }

        #[allow(clippy::mut_from_ref)]
        unsafe fn heap(&self) -> &mut Dlmalloc<GeometricGrowth> {
            // SAFETY: single-threaded, and no allocator call re-enters.
            unsafe { &mut *self.0.get() }
        }
    }

    // SAFETY: forwards to dlmalloc, which upholds the `GlobalAlloc` contract.
    unsafe impl GlobalAlloc for GlobalAllocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { self.heap().malloc(layout.size(), layout.align()) }
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            unsafe { self.heap().calloc(layout.size(), layout.align()) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { self.heap().free(ptr, layout.size(), layout.align()) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            unsafe {
                self.heap()
                    .realloc(ptr, layout.size(), layout.align(), new_size)
            }
        }
    }

    #[global_allocator]
    static ALLOCATOR: GlobalAllocator = GlobalAllocator::new();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_is_at_least_a_quarter_and_a_mebibyte() {
        assert_eq!(growth_pages(0, 1), MIN_GROWTH_PAGES);
        assert_eq!(growth_pages(400, 1), 100);
        assert_eq!(growth_pages(400, 200 * PAGE + 1), 201);
    }
}
