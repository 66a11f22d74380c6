//! A memory budget for work that a repository's own text steers: rendering a team's templates.
//!
//! minijinja's fuel bounds a template's steps and most of what it allocates, but not all: a
//! list nested in itself nine times, or repeated lazily (`[x] * 100000000`), is small until it is
//! turned into a string (`x ~ ""`, `x | join`), and that one step can ask for gigabytes. No
//! check inside the template engine sees it coming, so the allocator does: the binary installs
//! [`Budgeted`] as its global allocator, and what a template's rendering holds beyond its budget
//! stops okr with exit 2 and a message naming the template, before the machine runs out.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::io::Write;
use std::sync::atomic::{AtomicIsize, Ordering};

/// An allocator that charges what rendering holds against [`scope`]'s budget.
pub struct Budgeted<A>(pub A);

/// Bytes held by every rendering in progress, on all threads.
static HELD: AtomicIsize = AtomicIsize::new(0);
/// The budget of all renderings together.
static LIMIT: AtomicIsize = AtomicIsize::new(isize::MAX);

thread_local! {
    /// The template this thread renders, if it renders one.
    static RENDERING: Cell<Option<&'static str>> = const { Cell::new(None) };
    /// Bytes this thread's rendering holds, handed back to [`HELD`] when it ends.
    static NET: Cell<isize> = const { Cell::new(0) };
}

/// Sets the budget of all renderings together, in bytes.
pub fn set_limit(bytes: usize) {
    LIMIT.store(
        isize::try_from(bytes).unwrap_or(isize::MAX),
        Ordering::Relaxed,
    );
}

/// Runs `work` (the rendering of `template`) under the budget. What it still holds when it
/// returns (the document it made) is no longer charged.
pub fn scope<R>(template: &'static str, work: impl FnOnce() -> R) -> R {
    let outer = RENDERING.with(|r| r.replace(Some(template)));
    let outer_net = NET.with(|n| n.replace(0));
    let result = work();
    RENDERING.with(|r| r.set(outer));
    let net = NET.with(|n| n.replace(outer_net));
    HELD.fetch_sub(net, Ordering::Relaxed);
    result
}

fn charge(bytes: isize) {
    // `try_with`: a thread being torn down has no thread-locals left, and renders nothing.
    let Ok(Some(template)) = RENDERING.try_with(Cell::get) else {
        return;
    };
    let _ = NET.try_with(|n| n.set(n.get() + bytes));
    let held = HELD.fetch_add(bytes, Ordering::Relaxed) + bytes;
    if bytes > 0 && held > LIMIT.load(Ordering::Relaxed) {
        over(template);
    }
}

/// Stops okr: an allocation cannot fail gracefully, and unwinding out of an allocator is
/// undefined behaviour. Nothing is written before every document has rendered, so there is
/// nothing to undo.
#[cold]
fn over(template: &str) -> ! {
    // Whatever is allocated from here on is not charged.
    let _ = RENDERING.try_with(|r| r.set(None));
    let limit = LIMIT.load(Ordering::Relaxed) as usize >> 20;
    let mut err = std::io::stderr().lock();
    let mut number = [0u8; 20];
    let digits = {
        let mut at = number.len();
        let mut n = limit;
        loop {
            at -= 1;
            number[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        &number[at..]
    };
    // Stderr is not buffered: these writes do not allocate.
    let _ = err.write_all(b"error: template `");
    let _ = err.write_all(template.as_bytes());
    let _ = err.write_all(b"` holds more than ");
    let _ = err.write_all(digits);
    let _ = err.write_all(
        b" MiB while rendering; it builds values without bound (a list nested in itself, a repeated string)\n",
    );
    std::process::exit(2)
}

fn signed(bytes: usize) -> isize {
    isize::try_from(bytes).unwrap_or(isize::MAX)
}

// SAFETY: every call is passed on to the inner allocator unchanged; the budget only counts.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Budgeted<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        charge(signed(layout.size()));
        // SAFETY: the caller's contract is passed on.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        charge(signed(layout.size()));
        // SAFETY: the caller's contract is passed on.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        charge(-signed(layout.size()));
        // SAFETY: the caller's contract is passed on.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        charge(signed(new_size) - signed(layout.size()));
        // SAFETY: the caller's contract is passed on.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}
