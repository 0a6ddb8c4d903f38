//! Verifies a Cairn proof (stwo-cairo, Poseidon252 channel) on chain and registers its fact.
//!
//! One transaction cannot run the whole verification (~28M Cairo steps, a transaction stops at
//! 10M), so a submitter runs it in stages (`cairn_stwo_verifier::cairo_air::stages`), each a
//! transaction of its own within a session `(submitter, nonce)`:
//!
//! 1. The transcript: `begin` checks the statement and runs the transcript up to the program's
//!    cells, `absorb_program` takes in the cells a range at a time (the sponges' state carried
//!    from one to the next, the ranges' sections chained into one hash), and
//!    `finish_transcript` draws the rest; the session stores a Poseidon hash of each input that
//!    later stages read again (statement, config, commitments, claimed values, FRI's commit
//!    part) and of the drawn values (the transcript);
//! 2. `lookup_cells` (the lookup sum over the program, the same ranges again: their chain must
//!    match), `check_lookup`, `check_oods`, `quotients` (query ranges, in order), `check_tree`
//!    (x4, after the quotients) and `check_fri` (ranges of layers, in order, after the
//!    quotients). Each stage gets its inputs again as calldata and every one of them must hash
//!    to what is stored: a stage cannot be fed other data than the transcript saw. A quotient
//!    range carries its queries' values and returns their leaf hashes in each tree, chained per
//!    tree; the tree checks hold those leaves to the roots, so the quotients come from committed
//!    values. The quotients are chained into one hash that FRI's first range must match; each
//!    FRI range stores the hash of the values the next one starts from. Every transaction
//!    stays within Starknet's 5,000 calldata felts.
//! 3. When the last check passes, the fact (program hash, output hash) goes to the registry.
//!
//! A failed check reverts with the verifier's reason and changes nothing; a finished session
//! takes no more calls. The stages' code lives in classes declared beforehand
//! (`contracts/stages`), run by library call.

use starknet::{ClassHash, ContractAddress};

#[derive(Copy, Drop, Serde, starknet::Store, PartialEq, Debug)]
pub struct StageClasses {
    pub transcript: ClassHash,
    pub lookup: ClassHash,
    pub oods: ClassHash,
    pub tree: ClassHash,
    pub quotients: ClassHash,
    pub fri: ClassHash,
}

/// A verification in progress: hashes of what the transcript saw and what the checks have done.
#[derive(Copy, Drop, Serde, starknet::Store, PartialEq, Debug)]
pub struct Session {
    pub statement: felt252,
    pub config: felt252,
    pub commitments: felt252,
    /// The transcript's state over the program (`program::ProgramState`, hashed) and the
    /// sections of cells so far, chained: h = poseidon(h, section's hash).
    pub program_state: felt252,
    pub program_cells: felt252,
    /// Set by `finish_transcript`.
    pub sampled: felt252,
    pub fri: felt252,
    pub transcript: felt252,
    /// Poseidon hashes of the program's bytecode and of its output: the fact's parts.
    pub program_hash: felt252,
    pub output_hash: felt252,
    /// Distinct query positions, and the first one whose quotient is not computed yet.
    pub queries: u32,
    pub next_query: u32,
    /// The quotients so far, chained: h = poseidon(h, value's four coordinates).
    pub answers: felt252,
    /// The lookup sum over the program so far (`lookup::LookupState`, hashed; 0 before the
    /// first cells) and its sections of cells, chained as `program_cells`.
    pub lookup_state: felt252,
    pub lookup_cells: felt252,
    /// FRI's next layer to check, and the hash of the values it must hold (the section the
    /// range before returned).
    pub fri_layer: u32,
    pub fri_evals: felt252,
    /// The checks passed (`LOOKUP`, `OODS`, `TREE << t`, `FRI`) and `FINISHED`.
    pub passed: u32,
    /// The registered fact once finished.
    pub fact: felt252,
}

pub const LOOKUP: u32 = 1;
pub const OODS: u32 = 2;
pub const TREE: u32 = 4;
pub const FRI: u32 = 64;
pub const ALL_CHECKS: u32 = 127;
pub const FINISHED: u32 = 128;

#[starknet::interface]
pub trait IVerifier<TState> {
    /// Sections: statement, config, commitments, the program's cell count.
    fn begin(ref self: TState, nonce: felt252, inputs: Span<Span<felt252>>);
    /// Sections: the program state so far, the next cells.
    fn absorb_program(ref self: TState, nonce: felt252, inputs: Span<Span<felt252>>);
    /// Sections: statement, config, commitments, claimed values, proof of work, FRI proof,
    /// the program state after the last cell.
    fn finish_transcript(ref self: TState, nonce: felt252, inputs: Span<Span<felt252>>);
    /// Sections: statement, transcript, the lookup state so far (empty at first), the next
    /// cells.
    fn lookup_cells(ref self: TState, nonce: felt252, inputs: Span<Span<felt252>>);
    /// Sections: statement, transcript, the lookup state after the last cell.
    fn check_lookup(ref self: TState, nonce: felt252, inputs: Span<Span<felt252>>);
    /// Sections: statement, transcript, claimed values.
    fn check_oods(ref self: TState, nonce: felt252, inputs: Span<Span<felt252>>);
    /// Sections: statement, transcript, config, commitments, tree index, the tree's leaf hashes
    /// at every query (as the quotient ranges returned them), decommitment.
    fn check_tree(ref self: TState, nonce: felt252, inputs: Span<Span<felt252>>);
    /// Sections: statement, transcript, config, commitments, claimed values, first, count, the
    /// four trees' values at queries `first .. first + count` (row by row).
    fn quotients(ref self: TState, nonce: felt252, inputs: Span<Span<felt252>>);
    /// Sections: statement, transcript, config, commitments, FRI proof without its layers'
    /// witnesses and decommitments (as `finish_transcript` read it), the range's first layer,
    /// its layers' witnesses and decommitments, the values at its first layer (all quotients
    /// for layer 0). Ranges in order; the one that checks the last layer passes FRI.
    fn check_fri(ref self: TState, nonce: felt252, inputs: Span<Span<felt252>>);
    fn session(self: @TState, submitter: ContractAddress, nonce: felt252) -> Session;
    fn registry(self: @TState) -> ContractAddress;
    fn stage_classes(self: @TState) -> StageClasses;
}

#[starknet::contract]
pub mod Verifier {
    use cairn_registry::{IRegistryDispatcher, IRegistryDispatcherTrait};
    use cairn_stages::{IStageDispatcherTrait, IStageLibraryDispatcher};
    use cairn_stwo_verifier::bits::pow2;
    use cairn_stwo_verifier::cairo_air::stages::Transcript;
    use core::poseidon::poseidon_hash_span;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePathEntry,
        StoragePointerReadAccess, StoragePointerWriteAccess,
    };
    use starknet::syscalls::deploy_syscall;
    use starknet::{
        ClassHash, ContractAddress, SyscallResultTrait, get_caller_address, get_contract_address,
    };
    use super::{ALL_CHECKS, FINISHED, FRI, LOOKUP, OODS, Session, StageClasses, TREE};

    #[storage]
    struct Storage {
        registry: ContractAddress,
        stages: StageClasses,
        /// By `poseidon(submitter, nonce)`.
        sessions: Map<felt252, Session>,
        /// Each tree's leaf hashes from the quotient ranges so far, chained
        /// (h = poseidon(h, leaf)), by `poseidon(session, tree)`.
        leaves: Map<felt252, felt252>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        ProgramCells: ProgramCells,
        TranscriptDrawn: TranscriptDrawn,
        LookupCells: LookupCells,
        FriLayersChecked: FriLayersChecked,
        StagePassed: StagePassed,
        QuotientsComputed: QuotientsComputed,
        ProofVerified: ProofVerified,
    }

    /// The transcript's state over the program after `begin` or a range of cells: the next
    /// range's first section, which the submitter gathers.
    #[derive(Drop, starknet::Event)]
    pub struct ProgramCells {
        #[key]
        pub submitter: ContractAddress,
        #[key]
        pub nonce: felt252,
        pub state: Span<felt252>,
    }

    /// The lookup sum's state after a range of cells.
    #[derive(Drop, starknet::Event)]
    pub struct LookupCells {
        #[key]
        pub submitter: ContractAddress,
        #[key]
        pub nonce: felt252,
        pub state: Span<felt252>,
    }

    /// FRI's layers checked up to `next_layer`: the values it must hold (an `Array<QM31>`
    /// serialized, in parts of at most `EVENT_PART` felts, `part` 0, 1, ...), the next range's
    /// last section.
    #[derive(Drop, starknet::Event)]
    pub struct FriLayersChecked {
        #[key]
        pub submitter: ContractAddress,
        #[key]
        pub nonce: felt252,
        pub next_layer: u32,
        pub part: u32,
        pub evals: Span<felt252>,
    }

    /// Felts of values per `FriLayersChecked` event (an event's data is at most 300 felts).
    const EVENT_PART: u32 = 280;

    #[derive(Drop, starknet::Event)]
    pub struct TranscriptDrawn {
        #[key]
        pub submitter: ContractAddress,
        #[key]
        pub nonce: felt252,
        pub program_hash: felt252,
        pub output_hash: felt252,
        /// The drawn values (`stages::Transcript` serialized): every check's second section.
        pub transcript: Span<felt252>,
    }

    #[derive(Drop, starknet::Event)]
    pub struct StagePassed {
        #[key]
        pub submitter: ContractAddress,
        #[key]
        pub nonce: felt252,
        /// 'lookup', 'oods', 'tree', 'quotients' or 'fri'.
        pub stage: felt252,
    }

    /// The quotients at queries `first ..` and those queries' leaf hashes in each tree: the
    /// FRI and tree checks' inputs, which the submitter gathers.
    #[derive(Drop, starknet::Event)]
    pub struct QuotientsComputed {
        #[key]
        pub submitter: ContractAddress,
        #[key]
        pub nonce: felt252,
        pub first: u32,
        /// The quotients stage's output: an `Array<QM31>`, then four `Array<felt252>`.
        pub output: Span<felt252>,
    }

    #[derive(Drop, starknet::Event)]
    pub struct ProofVerified {
        #[key]
        pub fact: felt252,
        #[key]
        pub submitter: ContractAddress,
        pub nonce: felt252,
        pub program_hash: felt252,
        pub output_hash: felt252,
    }

    /// Deploys the fact registry with this contract as its only verifier.
    #[constructor]
    fn constructor(ref self: ContractState, registry_class: ClassHash, stages: StageClasses) {
        let (registry, _) = deploy_syscall(
            registry_class, 0, [get_contract_address().into()].span(), false,
        )
            .unwrap_syscall();
        self.registry.write(registry);
        self.stages.write(stages);
    }

    #[abi(embed_v0)]
    impl VerifierImpl of super::IVerifier<ContractState> {
        fn begin(ref self: ContractState, nonce: felt252, inputs: Span<Span<felt252>>) {
            let key = session_key(nonce);
            assert(self.sessions.entry(key).statement.read() == 0, 'verifier: session exists');
            assert(inputs.len() == 4, 'verifier: sections');
            let state = run(self.stages.transcript.read(), BEGIN, inputs);
            self
                .sessions
                .write(
                    key,
                    Session {
                        statement: poseidon_hash_span(*inputs[0]),
                        config: poseidon_hash_span(*inputs[1]),
                        commitments: poseidon_hash_span(*inputs[2]),
                        program_state: poseidon_hash_span(state),
                        program_cells: 0,
                        sampled: 0,
                        fri: 0,
                        transcript: 0,
                        program_hash: 0,
                        output_hash: 0,
                        queries: 0,
                        next_query: 0,
                        answers: 0,
                        lookup_state: 0,
                        lookup_cells: 0,
                        fri_layer: 0,
                        fri_evals: 0,
                        passed: 0,
                        fact: 0,
                    },
                );
            self.emit(ProgramCells { submitter: get_caller_address(), nonce, state });
        }

        fn absorb_program(ref self: ContractState, nonce: felt252, inputs: Span<Span<felt252>>) {
            let (key, mut session) = self.started(nonce, inputs, 2);
            same(*inputs[0], session.program_state);
            let state = run(self.stages.transcript.read(), PROGRAM, inputs);
            session.program_state = poseidon_hash_span(state);
            session.program_cells = chain_section(session.program_cells, *inputs[1]);
            self.sessions.write(key, session);
            self.emit(ProgramCells { submitter: get_caller_address(), nonce, state });
        }

        fn finish_transcript(
            ref self: ContractState, nonce: felt252, inputs: Span<Span<felt252>>,
        ) {
            let (key, mut session) = self.started(nonce, inputs, 7);
            same(*inputs[0], session.statement);
            same(*inputs[1], session.config);
            same(*inputs[2], session.commitments);
            same(*inputs[6], session.program_state);
            let output = run(self.stages.transcript.read(), TRANSCRIPT, inputs);
            let mut reader = output;
            let transcript: Transcript = Serde::deserialize(ref reader)
                .expect('verifier: transcript output');
            let drawn = output.slice(0, output.len() - reader.len());
            let (program_hash, output_hash) = match reader.multi_pop_front::<2>() {
                Option::Some(pair) => { let [p, o] = (*pair).unbox(); (p, o) },
                Option::None => core::panic_with_felt252('verifier: transcript output'),
            };
            session.sampled = poseidon_hash_span(*inputs[3]);
            session.fri = poseidon_hash_span(*inputs[5]);
            session.transcript = poseidon_hash_span(drawn);
            session.program_hash = program_hash;
            session.output_hash = output_hash;
            session.queries = transcript.positions.len();
            self.sessions.write(key, session);
            self
                .emit(
                    TranscriptDrawn {
                        submitter: get_caller_address(),
                        nonce,
                        program_hash,
                        output_hash,
                        transcript: drawn,
                    },
                );
        }

        fn lookup_cells(ref self: ContractState, nonce: felt252, inputs: Span<Span<felt252>>) {
            let (key, mut session) = self.open(nonce, inputs, 4);
            if session.lookup_state == 0 {
                assert((*inputs[2]).is_empty(), 'verifier: section mismatch');
            } else {
                same(*inputs[2], session.lookup_state);
            }
            let state = run(self.stages.lookup.read(), LOOKUP_CELLS, inputs);
            session.lookup_state = poseidon_hash_span(state);
            session.lookup_cells = chain_section(session.lookup_cells, *inputs[3]);
            self.sessions.write(key, session);
            self.emit(LookupCells { submitter: get_caller_address(), nonce, state });
        }

        fn check_lookup(ref self: ContractState, nonce: felt252, inputs: Span<Span<felt252>>) {
            let (key, session) = self.open(nonce, inputs, 3);
            assert(session.lookup_state != 0, 'verifier: lookup cells missing');
            same(*inputs[2], session.lookup_state);
            // The same cells as the transcript's, in the same ranges.
            assert(session.lookup_cells == session.program_cells, 'verifier: program mismatch');
            run(self.stages.lookup.read(), LOOKUP_CHECK, inputs);
            self.pass(key, session, LOOKUP, nonce, 'lookup');
        }

        fn check_oods(ref self: ContractState, nonce: felt252, inputs: Span<Span<felt252>>) {
            let (key, session) = self.open(nonce, inputs, 3);
            same(*inputs[2], session.sampled);
            run(self.stages.oods.read(), CHECK, inputs);
            self.pass(key, session, OODS, nonce, 'oods');
        }

        fn check_tree(ref self: ContractState, nonce: felt252, inputs: Span<Span<felt252>>) {
            let (key, session) = self.open(nonce, inputs, 7);
            same_scheme(inputs, @session);
            let tree = small(*inputs[4]);
            assert(tree < 4, 'verifier: tree index');
            assert(session.next_query == session.queries, 'verifier: quotients missing');
            // The leaf hashes the quotient ranges computed from the values they read.
            let mut leaves = *inputs[5];
            let count = leaves.pop_front().expect('verifier: leaves');
            assert(small_felt(*count) == session.queries, 'verifier: leaves');
            let stored = self.leaves.read(tree_key(key, tree));
            assert(chain_felts(0, leaves) == stored, 'verifier: leaves mismatch');
            run(self.stages.tree.read(), CHECK, inputs);
            self.pass(key, session, TREE * pow2(tree).try_into().unwrap(), nonce, 'tree');
        }

        fn quotients(ref self: ContractState, nonce: felt252, inputs: Span<Span<felt252>>) {
            let (key, mut session) = self.open(nonce, inputs, 11);
            same_scheme(inputs, @session);
            same(*inputs[4], session.sampled);
            let (first, count) = (small(*inputs[5]), small(*inputs[6]));
            assert(first == session.next_query, 'verifier: query range');
            assert(count > 0 && first + count <= session.queries, 'verifier: query range');
            let output = run(self.stages.quotients.read(), CHECK, inputs);
            // The quotients, then each tree's leaf hashes at the range's queries.
            let mut reader = output;
            let length = *reader.pop_front().expect('verifier: quotients output');
            assert(small_felt(length) == count, 'verifier: quotients output');
            let values = take(ref reader, 4 * count);
            session.answers = chain_answers(session.answers, values);
            for tree in 0..4_u32 {
                let length = *reader.pop_front().expect('verifier: quotients output');
                assert(small_felt(length) == count, 'verifier: quotients output');
                let leaves = take(ref reader, count);
                let k = tree_key(key, tree);
                self.leaves.write(k, chain_felts(self.leaves.read(k), leaves));
            }
            assert(reader.is_empty(), 'verifier: quotients output');
            session.next_query = first + count;
            self.emit(QuotientsComputed { submitter: get_caller_address(), nonce, first, output });
            self.pass(key, session, 0, nonce, 'quotients');
        }

        fn check_fri(ref self: ContractState, nonce: felt252, inputs: Span<Span<felt252>>) {
            let (key, mut session) = self.open(nonce, inputs, 8);
            same_scheme(inputs, @session);
            same(*inputs[4], session.fri);
            let first = small(*inputs[5]);
            assert(first == session.fri_layer, 'verifier: fri layer range');
            if first == 0 {
                assert(session.next_query == session.queries, 'verifier: quotients missing');
                let mut answers = *inputs[7];
                let count = answers.pop_front().expect('verifier: quotients');
                assert(small_felt(*count) == session.queries, 'verifier: quotients');
                assert(
                    chain_answers(0, answers) == session.answers, 'verifier: quotients mismatch',
                );
            } else {
                same(*inputs[7], session.fri_evals);
            }
            let mut output = run(self.stages.fri.read(), CHECK, inputs);
            let finished = *output.pop_front().expect('verifier: fri output');
            if finished == 1 {
                self.pass(key, session, FRI, nonce, 'fri');
            } else {
                let layers = *(*inputs[6]).at(0);
                session.fri_layer = first + small_felt(layers);
                session.fri_evals = poseidon_hash_span(output);
                // An event holds at most 300 felts of data: the values go in parts.
                let mut rest = output;
                let mut part: u32 = 0;
                while part == 0 || !rest.is_empty() {
                    let n = core::cmp::min(rest.len(), EVENT_PART);
                    self
                        .emit(
                            FriLayersChecked {
                                submitter: get_caller_address(),
                                nonce,
                                next_layer: session.fri_layer,
                                part,
                                evals: rest.slice(0, n),
                            },
                        );
                    rest = rest.slice(n, rest.len() - n);
                    part += 1;
                }
                self.pass(key, session, 0, nonce, 'fri layers');
            }
        }

        fn session(self: @ContractState, submitter: ContractAddress, nonce: felt252) -> Session {
            self.sessions.read(poseidon_hash_span([submitter.into(), nonce].span()))
        }

        fn registry(self: @ContractState) -> ContractAddress {
            self.registry.read()
        }

        fn stage_classes(self: @ContractState) -> StageClasses {
            self.stages.read()
        }
    }

    #[generate_trait]
    impl Sessions of SessionsTrait {
        /// The caller's session `nonce` while its transcript is being drawn, after checking the
        /// section count.
        fn started(
            self: @ContractState, nonce: felt252, inputs: Span<Span<felt252>>, sections: u32,
        ) -> (felt252, Session) {
            let key = session_key(nonce);
            let session = self.sessions.read(key);
            assert(session.statement != 0, 'verifier: no such session');
            assert(session.transcript == 0, 'verifier: transcript drawn');
            assert(inputs.len() == sections, 'verifier: sections');
            (key, session)
        }

        /// The caller's open session `nonce` once its transcript is drawn, after checking the
        /// sections every check shares (statement, transcript) and their count.
        fn open(
            self: @ContractState, nonce: felt252, inputs: Span<Span<felt252>>, sections: u32,
        ) -> (felt252, Session) {
            let key = session_key(nonce);
            let session = self.sessions.read(key);
            assert(session.statement != 0, 'verifier: no such session');
            assert(session.passed & FINISHED == 0, 'verifier: session finished');
            assert(session.transcript != 0, 'verifier: no transcript yet');
            assert(inputs.len() == sections, 'verifier: sections');
            same(*inputs[0], session.statement);
            same(*inputs[1], session.transcript);
            (key, session)
        }

        /// Records check `bit` (0: none) and, once every check passed, registers the fact.
        fn pass(
            ref self: ContractState,
            key: felt252,
            mut session: Session,
            bit: u32,
            nonce: felt252,
            stage: felt252,
        ) {
            session.passed = session.passed | bit;
            let submitter = get_caller_address();
            self.emit(StagePassed { submitter, nonce, stage });
            if session.passed == ALL_CHECKS {
                let registry = IRegistryDispatcher { contract_address: self.registry.read() };
                let fact = registry.register_fact(session.program_hash, session.output_hash);
                session.passed = session.passed | FINISHED;
                session.fact = fact;
                self
                    .emit(
                        ProofVerified {
                            fact,
                            submitter,
                            nonce,
                            program_hash: session.program_hash,
                            output_hash: session.output_hash,
                        },
                    );
            }
            self.sessions.write(key, session);
        }
    }

    fn session_key(nonce: felt252) -> felt252 {
        poseidon_hash_span([get_caller_address().into(), nonce].span())
    }

    fn tree_key(session: felt252, tree: u32) -> felt252 {
        poseidon_hash_span([session, tree.into()].span())
    }

    /// `h` with one more section chained on.
    fn chain_section(h: felt252, section: Span<felt252>) -> felt252 {
        poseidon_hash_span([h, poseidon_hash_span(section)].span())
    }

    /// A section must hash to what an earlier stage stored.
    fn same(section: Span<felt252>, stored: felt252) {
        assert(poseidon_hash_span(section) == stored, 'verifier: section mismatch');
    }

    fn same_scheme(inputs: Span<Span<felt252>>, session: @Session) {
        same(*inputs[2], *session.config);
        same(*inputs[3], *session.commitments);
    }

    /// A one-felt section holding a u32.
    fn small(section: Span<felt252>) -> u32 {
        assert(section.len() == 1, 'verifier: sections');
        small_felt(*section[0])
    }

    fn small_felt(value: felt252) -> u32 {
        value.try_into().expect('verifier: not a u32')
    }

    /// Chains felts onto `h`, one at a time.
    fn chain_felts(mut h: felt252, values: Span<felt252>) -> felt252 {
        for v in values {
            h = poseidon_hash_span([h, *v].span());
        }
        h
    }

    /// The next `n` felts of `reader`.
    fn take(ref reader: Span<felt252>, n: u32) -> Span<felt252> {
        assert(reader.len() >= n, 'verifier: quotients output');
        let taken = reader.slice(0, n);
        reader = reader.slice(n, reader.len() - n);
        taken
    }

    /// Chains QM31 values (four felts each) onto `h`.
    fn chain_answers(mut h: felt252, mut values: Span<felt252>) -> felt252 {
        while let Option::Some(value) = values.multi_pop_front::<4>() {
            let [a, b, c, d] = (*value).unbox();
            h = poseidon_hash_span([h, a, b, c, d].span());
        }
        assert(values.is_empty(), 'verifier: quotients output');
        h
    }

    /// Steps of the stage classes (`cairn_stages`): the transcript class's, the lookup
    /// class's, and the only step of the others.
    const BEGIN: u32 = 0;
    const PROGRAM: u32 = 1;
    const TRANSCRIPT: u32 = 2;
    const LOOKUP_CELLS: u32 = 0;
    const LOOKUP_CHECK: u32 = 1;
    const CHECK: u32 = 0;

    /// Runs a stage class's step; its output, or a revert with the stage's reason.
    fn run(class: ClassHash, step: u32, inputs: Span<Span<felt252>>) -> Span<felt252> {
        let reply = IStageLibraryDispatcher { class_hash: class }.run(step, inputs);
        let mut reply = reply.span();
        let head = *reply.pop_front().expect('verifier: empty stage reply');
        if head != 'ok' {
            core::panic_with_felt252(head);
        }
        reply
    }
}
