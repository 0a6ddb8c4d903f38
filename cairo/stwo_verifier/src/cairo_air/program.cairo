//! The program's part of the transcript, a range of cells at a time: a model's bytecode (tens of
//! thousands of cells) fits neither one transaction's 10M steps nor its 5,000 calldata felts.
//! Over the program the transcript computes three Poseidon sponges — the claim's word stream
//! into the channel (the cells' ids), the Merkle leaf of the cells' value words, and the hash
//! that names the program on chain — so their states carry from one range to the next
//! ([`ProgramState`]); the lookup sum's program part carries as a fraction
//! (`lookup::LookupState`).

use core::poseidon::hades_permutation;
use crate::channel::pack_m31s;
use crate::fields::{M31, m31};
use crate::merkle::pack_block;
use super::claim::{ERR_WORD, cell_value, felt_words, read_section, verify_program};

/// `poseidon_hash_span` part way through: items go in pairs, an odd one waits for the next.
#[derive(Drop, Copy, Serde, Debug, PartialEq)]
pub struct Sponge {
    pub s0: felt252,
    pub s1: felt252,
    pub s2: felt252,
    pub pending: Option<felt252>,
}

#[generate_trait]
pub impl SpongeImpl of SpongeTrait {
    fn new() -> Sponge {
        Sponge { s0: 0, s1: 0, s2: 0, pending: Option::None }
    }

    fn absorb(ref self: Sponge, x: felt252) {
        match self.pending {
            Option::Some(p) => {
                let (s0, s1, s2) = hades_permutation(self.s0 + p, self.s1 + x, self.s2);
                self = Sponge { s0, s1, s2, pending: Option::None };
            },
            Option::None => { self.pending = Option::Some(x); },
        }
    }

    /// `poseidon_hash_span` of everything absorbed: a 1 pads the last pair.
    fn finish(self: Sponge) -> felt252 {
        let (h, _, _) = match self.pending {
            Option::Some(p) => hades_permutation(self.s0 + p, self.s1 + 1, self.s2),
            Option::None => hades_permutation(self.s0 + 1, self.s1, self.s2),
        };
        h
    }
}

/// How eight words become one felt.
#[derive(Drop, Copy, Serde, Debug, PartialEq)]
pub enum Packing {
    /// `Channel::mix_felts` of words four per secure-field element: a leading 1; a short last
    /// felt is padded with zero words to four or eight.
    Channel,
    /// A Merkle leaf (`merkle::pack_block`): a short last block carries its length.
    Leaf,
}

/// A sponge over M31 words packed eight per felt; fewer than eight wait in `words`.
#[derive(Drop, Serde, Debug, PartialEq)]
pub struct WordSponge {
    pub packing: Packing,
    pub sponge: Sponge,
    pub words: Array<M31>,
}

#[generate_trait]
pub impl WordSpongeImpl of WordSpongeTrait {
    fn new(packing: Packing, sponge: Sponge) -> WordSponge {
        WordSponge { packing, sponge, words: array![] }
    }

    fn absorb_words(ref self: WordSponge, words: Span<M31>) {
        let mut all = array![];
        all.append_span(self.words.span());
        all.append_span(words);
        self.words = array![];
        let mut rest = all.span();
        while rest.len() >= 8 {
            self.sponge.absorb(pack(rest.slice(0, 8), self.packing));
            rest = rest.slice(8, rest.len() - 8);
        }
        self.words.append_span(rest);
    }

    fn finish(self: WordSponge) -> felt252 {
        let mut sponge = self.sponge;
        let n = self.words.len();
        if n > 0 {
            let words = match self.packing {
                Packing::Channel => {
                    let mut padded = self.words;
                    let width = if n <= 4 {
                        4
                    } else {
                        8
                    };
                    for _ in n..width {
                        padded.append(m31(0));
                    }
                    padded
                },
                Packing::Leaf => self.words,
            };
            sponge.absorb(pack(words.span(), self.packing));
        }
        sponge.finish()
    }
}

fn pack(words: Span<M31>, packing: Packing) -> felt252 {
    match packing {
        Packing::Channel => pack_m31s(1, words),
        Packing::Leaf => pack_block(words),
    }
}

/// The transcript's sponges part way through the program: cells `0 .. next` of `cells` are in.
#[derive(Drop, Serde, Debug, PartialEq)]
pub struct ProgramState {
    pub next: u32,
    pub cells: u32,
    /// The claim's words into the channel (`claim::claim_words`): the cells' ids.
    pub ids: WordSponge,
    /// The cells' value words, one Merkle leaf.
    pub leaf: WordSponge,
    /// The cells' values: the program's name on chain (`claim::section_hash`).
    pub hash: Sponge,
}

pub const ERR_CELLS: felt252 = 'program: cell count';

/// The state before the first of `cells` cells, the claim's earlier words in `ids`.
pub fn start(cells: u32, ids: WordSponge) -> ProgramState {
    ProgramState {
        next: 0,
        cells,
        ids,
        leaf: WordSpongeTrait::new(Packing::Leaf, SpongeTrait::new()),
        hash: SpongeTrait::new(),
    }
}

/// Takes in the next cells. The first range holds the entry code (`claim::verify_program`).
pub fn absorb_cells(
    ref state: ProgramState, cells: Span<(u32, [u32; 8])>,
) -> Result<(), felt252> {
    let mut values = array![];
    for (_, value) in cells {
        values.append(cell_value(*value));
    }
    absorb(ref state, cells, values.span())
}

/// `absorb_cells` of a compact section (`claim::read_section`), whose values are felts already.
pub fn absorb_compact(ref state: ProgramState, section: Span<felt252>) -> Option<Result<(), felt252>> {
    let mut reader = section;
    let cells = read_section(ref reader)?;
    if !reader.is_empty() {
        return Option::None;
    }
    // After the length: id, value, id, value...
    let mut values = array![];
    let mut rest = section.slice(1, section.len() - 1);
    while let Option::Some(pair) = rest.multi_pop_front::<2>() {
        let [_, value] = (*pair).unbox();
        values.append(value);
    }
    Option::Some(absorb(ref state, cells.span(), values.span()))
}

/// Takes in `cells`, whose values as felts are `values`.
fn absorb(
    ref state: ProgramState, cells: Span<(u32, [u32; 8])>, values: Span<felt252>,
) -> Result<(), felt252> {
    if cells.len() > state.cells - state.next {
        return Result::Err(ERR_CELLS);
    }
    if state.next == 0 {
        verify_program(cells)?;
    }
    let mut ids = array![];
    let mut words = array![];
    for (id, value) in cells {
        if *id >= crate::fields::P {
            return Result::Err(ERR_WORD);
        }
        ids.append(m31(*id));
        felt_words(value, ref words);
    }
    for value in values {
        state.hash.absorb(*value);
    }
    state.ids.absorb_words(ids.span());
    state.leaf.absorb_words(words.span());
    state.next += cells.len();
    Result::Ok(())
}

/// Once every cell is in: the channel's digest after the claim's words, the program's Merkle
/// leaf and its hash.
pub fn finish(state: ProgramState) -> Result<(felt252, felt252, felt252), felt252> {
    if state.next != state.cells {
        return Result::Err(ERR_CELLS);
    }
    Result::Ok((state.ids.finish(), state.leaf.finish(), state.hash.finish()))
}
