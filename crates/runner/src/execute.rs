//! Running a compiled executable in cairo-vm proof mode (layout `all_cairo_stwo`).

use std::collections::{BTreeMap, HashMap};

use cairo_vm::serde::deserialize_program::{ApTracking, FlowTrackingData, HintParams};
use cairo_vm::types::builtin_name::BuiltinName;
use cairo_vm::types::layout_name::LayoutName;
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairo_vm::vm::runners::cairo_runner::CairoRunner;
use cairo_vm::vm::trace::trace_entry::TraceEntry;
use cairo_vm::Felt252;

use crate::compile::{CompiledProgram, STWO_BUILTINS};
use crate::error::RunnerError;
use crate::hints::ExecutableHintProcessor;

/// A finished proof-mode run.
pub struct Execution {
    /// The runner, holding trace and memory for the prover.
    pub runner: CairoRunner,
    /// The output segment: the serialized return value of the executable.
    pub output: Vec<Felt252>,
    /// Cairo steps executed.
    pub steps: usize,
    /// Builtin instances used, by builtin name (only non-zero counts).
    pub builtins: BTreeMap<String, usize>,
}

impl std::fmt::Debug for Execution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Execution")
            .field("output", &self.output)
            .field("steps", &self.steps)
            .field("builtins", &self.builtins)
            .finish()
    }
}

impl Execution {
    /// The run's trace (pc, ap, fp per step), for the step profiles.
    fn trace(&self) -> Result<&[TraceEntry], RunnerError> {
        self.runner
            .get_relocatable_trace()
            .map_err(|e| RunnerError::Vm(format!("no trace: {e}")))
    }
}

fn builtin_by_name(name: &str) -> BuiltinName {
    BuiltinName::from_str(name).expect("STWO_BUILTINS holds cairo-vm builtin names")
}

/// Builds the cairo-vm program (all 11 Stwo builtins, hints keyed by their offset).
pub fn vm_program(compiled: &CompiledProgram) -> Result<Program, RunnerError> {
    let data: Vec<MaybeRelocatable> = compiled
        .bytecode
        .iter()
        .map(|v| MaybeRelocatable::Int(Felt252::from(v)))
        .collect();
    let mut hints: HashMap<usize, Vec<HintParams>> = HashMap::new();
    for (pc, _) in &compiled.hints {
        hints.insert(
            *pc,
            vec![HintParams {
                code: pc.to_string(),
                accessible_scopes: vec![],
                flow_tracking_data: FlowTrackingData {
                    ap_tracking: ApTracking::default(),
                    reference_ids: HashMap::new(),
                },
            }],
        );
    }
    Program::new_for_proof(
        STWO_BUILTINS.iter().map(|b| builtin_by_name(b)).collect(),
        data,
        0,
        compiled.end_pc,
        hints,
        Default::default(),
        Default::default(),
        vec![],
        None,
    )
    .map_err(|e| RunnerError::Vm(format!("building the VM program: {e}")))
}

/// Runs `compiled` on `args` (the felts the executable's parameters deserialize from).
pub fn execute(compiled: &CompiledProgram, args: &[Felt252]) -> Result<Execution, RunnerError> {
    let program = vm_program(compiled)?;
    let mut hints = ExecutableHintProcessor::new(&compiled.hints, args.to_vec());
    let vm_err = |what: &str, e: &dyn std::fmt::Display| RunnerError::Vm(format!("{what}: {e}"));
    // Trace padding is left to the prover (`disable_trace_padding`), as stwo-cairo expects.
    let mut runner = CairoRunner::new(&program, LayoutName::all_cairo_stwo, None, true, true, true)
        .map_err(|e| vm_err("creating the runner", &e))?;
    // ecdsa and keccak are not in the layout: their pointers are 0 on entry and must stay 0.
    let end = runner
        .initialize(true)
        .map_err(|e| vm_err("initializing", &e))?;
    if let Err(e) = runner.run_until_pc(end, &mut hints) {
        return Err(explain_failure(compiled, &hints, &runner, e));
    }
    // One more step so that `end` is the last executed instruction (proof mode).
    runner
        .run_for_steps(1, &mut hints)
        .map_err(|e| vm_err("final step", &e))?;
    complete_builtin_instances(&mut runner)?;
    runner
        .end_run(true, false, &mut hints, false)
        .map_err(|e| vm_err("ending the run", &e))?;
    runner
        .read_return_values(true)
        .map_err(|e| vm_err("reading builtin pointers", &e))?;
    runner
        .finalize_segments()
        .map_err(|e| vm_err("finalizing segments", &e))?;

    let output = read_output(&runner)?;
    let resources = runner
        .get_execution_resources()
        .map_err(|e| vm_err("reading resources", &e))?;
    let builtins = resources
        .builtin_instance_counter
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(b, n)| (b.to_str().to_string(), *n))
        .collect();
    Ok(Execution {
        steps: resources.n_steps,
        output,
        builtins,
        runner,
    })
}

/// Fills the output cells that the program never read with deduced outputs (e.g.
/// `poseidon_hash_span` reads only `s0` of its last permutation): the Stwo adapter needs whole
/// instances and no holes in builtin segments.
fn complete_builtin_instances(runner: &mut CairoRunner) -> Result<(), RunnerError> {
    let sizes = runner.vm.segments.compute_effective_sizes().clone();
    let vm = &mut runner.vm;
    for builtin in &vm.builtin_runners {
        // The builtins whose output cells the VM deduces from their inputs.
        if !matches!(
            builtin.name(),
            BuiltinName::poseidon
                | BuiltinName::pedersen
                | BuiltinName::bitwise
                | BuiltinName::ec_op
                | BuiltinName::keccak
        ) {
            continue;
        }
        let cells = builtin.cells_per_instance() as usize;
        let base = builtin.base();
        let used = sizes.get(base).copied().unwrap_or(0);
        let whole = used.div_ceil(cells) * cells;
        for offset in 0..whole {
            let addr = Relocatable::from((base as isize, offset));
            if vm.get_maybe(&addr).is_some() {
                continue;
            }
            let deduced = builtin
                .deduce_memory_cell(addr, &vm.segments.memory)
                .map_err(|e| RunnerError::Vm(format!("completing {}: {e}", builtin.name())))?;
            if let Some(value) = deduced {
                vm.segments
                    .memory
                    .insert(addr, value)
                    .map_err(|e| RunnerError::Vm(format!("completing {}: {e}", builtin.name())))?;
            }
        }
    }
    Ok(())
}

fn read_output(runner: &CairoRunner) -> Result<Vec<Felt252>, RunnerError> {
    let segment = runner
        .get_builtin_segments()
        .into_iter()
        .find(|(_, name)| *name == BuiltinName::output)
        .map(|(index, _)| index)
        .ok_or_else(|| RunnerError::Vm("no output segment".into()))?;
    let size = runner
        .vm
        .segments
        .get_segment_used_size(segment)
        .ok_or_else(|| RunnerError::Vm("output segment size unknown".into()))?;
    read_felts(runner, Relocatable::from((segment as isize, 0)), size)
        .map_err(|e| RunnerError::Vm(format!("reading output: {e}")))
}

/// `len` integer cells of VM memory from `start`.
fn read_felts(
    runner: &CairoRunner,
    start: Relocatable,
    len: usize,
) -> Result<Vec<Felt252>, cairo_vm::vm::errors::memory_errors::MemoryError> {
    runner
        .vm
        .get_integer_range(start, len)
        .map(|v| v.into_iter().map(|c| *c).collect())
}

/// Turns a failed run into an error: a panic (message + Cairo location) or a VM error.
fn explain_failure(
    compiled: &CompiledProgram,
    hints: &ExecutableHintProcessor,
    runner: &CairoRunner,
    error: cairo_vm::vm::errors::vm_errors::VirtualMachineError,
) -> RunnerError {
    // The entry code marks the panic data just before asserting "no panic"; a failure after
    // the mark is that assertion, i.e. the program panicked. A failing hint is not a panic
    // (e.g. dictionary bookkeeping at the end of a run), whatever the mark says.
    if matches!(
        error,
        cairo_vm::vm::errors::vm_errors::VirtualMachineError::Hint(_)
    ) {
        return RunnerError::Vm(error.to_string());
    }
    let Some((start, end)) = hints.marker else {
        return RunnerError::Vm(error.to_string());
    };
    let len = (end - start).unwrap_or(0);
    let data = read_felts(runner, start, len).unwrap_or_default();
    RunnerError::Panic {
        message: crate::panic::describe_panic(&data),
        data: data.iter().map(|f| format!("{f:#x}")).collect(),
        location: panic_location(compiled, runner),
    }
}

/// The first place in the package where a panic was raised, found by walking the trace.
fn panic_location(compiled: &CompiledProgram, runner: &CairoRunner) -> Option<String> {
    let trace = runner.get_relocatable_trace().ok()?;
    let site_at = |pc: usize| {
        compiled
            .panic_sites
            .iter()
            .find(|s| s.start <= pc && pc < s.end)
    };
    let mut first_any = None;
    for entry in trace {
        if entry.pc.segment_index != 0 {
            continue;
        }
        if let Some(site) = site_at(entry.pc.offset) {
            if site.in_package {
                return Some(site.location.clone());
            }
            first_any.get_or_insert_with(|| site.location.clone());
        }
    }
    first_any
}

/// Cairo steps by source line of the package's `src/lib.cairo`, for a function whose statements
/// sit on `lines`: steps in that function's frame on one of `lines` are charged to it, and steps
/// spent elsewhere in between (calls it makes, code without a line) to the next of its lines
/// executed (a call's result is handled on the call's own line). Steps before the first of
/// `lines` and after the last are charged to line 0.
pub fn line_profile(
    compiled: &CompiledProgram,
    execution: &Execution,
    lines: &std::collections::BTreeSet<u32>,
) -> Result<BTreeMap<u32, usize>, RunnerError> {
    let trace = execution.trace()?;
    let mut spans: Vec<(usize, usize, u32)> = compiled
        .source_lines
        .iter()
        .filter_map(|s| {
            s.lines
                .iter()
                .rev()
                .find(|l| lines.contains(l))
                .map(|&l| (s.start, s.end, l))
        })
        .collect();
    spans.sort();
    let line_at = |pc: usize| {
        let i = spans.partition_point(|s| s.0 <= pc);
        (i > 0 && pc < spans[i - 1].1).then(|| spans[i - 1].2)
    };
    let mut profile = BTreeMap::new();
    // The profiled function's frame: that of the first step on one of `lines`; the function
    // starts at the first step run in that frame.
    let Some(frame) = trace
        .iter()
        .find(|e| e.pc.segment_index == 0 && line_at(e.pc.offset).is_some())
        .map(|e| e.fp)
    else {
        profile.insert(0, trace.len());
        return Ok(profile);
    };
    let (mut pending, mut started) = (0usize, false);
    for entry in trace {
        started |= entry.fp == frame;
        let line = (entry.pc.segment_index == 0 && entry.fp == frame)
            .then(|| line_at(entry.pc.offset))
            .flatten();
        match line {
            Some(line) => {
                *profile.entry(line).or_insert(0) += pending + 1;
                pending = 0;
            }
            None if !started => *profile.entry(0).or_insert(0) += 1,
            None => pending += 1,
        }
    }
    *profile.entry(0).or_insert(0) += pending;
    Ok(profile)
}

/// Cairo steps of one function in a run (see [`function_profile`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSteps {
    pub name: String,
    /// Steps in the function's own code, including what the compiler inlined into it.
    pub own: usize,
    /// Steps from entering the function until it returned, callees included; a recursive
    /// function (Cairo's loops) counts from its outermost call.
    pub total: usize,
    /// Times it was called (each loop iteration is a call).
    pub calls: usize,
}

/// Cairo steps by function, most `total` first. Frames are told apart by `fp`: in Cairo `ap`
/// only grows, so a callee's frame always lies above its caller's.
pub fn function_profile(
    compiled: &CompiledProgram,
    execution: &Execution,
) -> Result<Vec<FunctionSteps>, RunnerError> {
    let trace = execution.trace()?;
    let spans = &compiled.functions;
    // Index `spans.len()` stands for code outside every function (our prologue, entry code).
    let function_at = |pc: &Relocatable| {
        let i = spans.partition_point(|s| s.start <= pc.offset);
        match i.checked_sub(1) {
            Some(j) if pc.segment_index == 0 && pc.offset < spans[j].end => j,
            _ => spans.len(),
        }
    };
    let n = spans.len() + 1;
    let (mut own, mut total, mut calls) = (vec![0; n], vec![0; n], vec![0; n]);
    let (mut active, mut since) = (vec![0usize; n], vec![0usize; n]);
    let mut stack: Vec<(usize, usize)> = Vec::new();
    // A function's total grows when its outermost activation returns.
    fn leave(f: usize, step: usize, active: &mut [usize], since: &[usize], total: &mut [usize]) {
        active[f] -= 1;
        if active[f] == 0 {
            total[f] += step - since[f];
        }
    }
    for (step, entry) in trace.iter().enumerate() {
        let f = function_at(&entry.pc);
        own[f] += 1;
        while stack.last().is_some_and(|&(fp, _)| fp > entry.fp) {
            let (_, g) = stack.pop().unwrap();
            leave(g, step, &mut active, &since, &mut total);
        }
        if stack.last().is_none_or(|&(fp, _)| fp < entry.fp) {
            stack.push((entry.fp, f));
            calls[f] += 1;
            if active[f] == 0 {
                since[f] = step;
            }
            active[f] += 1;
        }
    }
    while let Some((_, g)) = stack.pop() {
        leave(g, trace.len(), &mut active, &since, &mut total);
    }
    let mut out: Vec<FunctionSteps> = (0..n)
        .filter(|&f| own[f] > 0 || total[f] > 0)
        .map(|f| FunctionSteps {
            name: spans
                .get(f)
                .map_or_else(|| "<entry code>".to_string(), |s| s.name.clone()),
            own: own[f],
            total: total[f],
            calls: calls[f],
        })
        .collect();
    out.sort_by(|a, b| b.total.cmp(&a.total).then(b.own.cmp(&a.own)));
    Ok(out)
}
