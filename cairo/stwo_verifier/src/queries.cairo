//! Query positions drawn from the channel (stwo 2.3.0 `core::queries`).

use crate::bits::pow2_u64;
use crate::channel::{Channel, ChannelTrait};

/// `n_queries` positions below 2^log_domain_size: the low bits of successive `draw_u32s` words,
/// in draw order (duplicates kept).
pub fn draw_queries(ref channel: Channel, log_domain_size: u32, n_queries: u32) -> Array<u32> {
    assert(log_domain_size <= 31, 'queries: domain too large');
    let size: u64 = pow2_u64(log_domain_size);
    let mut out = array![];
    while out.len() < n_queries {
        for word in channel.draw_u32s() {
            if out.len() < n_queries {
                let w: u64 = word.into();
                out.append((w % size).try_into().unwrap());
            }
        }
    }
    out
}

/// The positions sorted ascending without duplicates (stwo's `Queries::new`).
pub fn sorted_unique(raw: Span<u32>) -> Array<u32> {
    // Insertion into a sorted array: query counts are small (tens); a value equal to the one
    // before it (runs: a component's columns share a log size) is skipped at once.
    let mut sorted: Array<u32> = array![];
    let mut last: Option<u32> = Option::None;
    for x in raw {
        let x = *x;
        if last == Option::Some(x) {
            continue;
        }
        last = Option::Some(x);
        let mut next: Array<u32> = array![];
        let mut placed = false;
        for y in sorted.span() {
            let y = *y;
            if !placed && x <= y {
                if x != y {
                    next.append(x);
                }
                placed = true;
            }
            next.append(y);
        }
        if !placed {
            next.append(x);
        }
        sorted = next;
    }
    sorted
}

/// Positions of the domain folded `n_folds` times: shifted right, consecutive duplicates merged.
pub fn fold(positions: Span<u32>, n_folds: u32) -> Array<u32> {
    let div: u64 = pow2_u64(n_folds);
    let mut out: Array<u32> = array![];
    let mut last: Option<u32> = Option::None;
    for p in positions {
        let q: u32 = ((*p).into() / div).try_into().unwrap();
        if last != Option::Some(q) {
            out.append(q);
            last = Option::Some(q);
        }
    }
    out
}

