//! The hint processor for executables: cairo-vm's Cairo 1 processor for core hints, plus the
//! external hints the executable entry code uses (program arguments, panic-data markers).

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use cairo_lang_casm::hints::{CoreHint, CoreHintBase, ExternalHint, Hint};
use cairo_lang_casm::operand::{
    BinOpOperand, CellRef, DerefOrImmediate, Operation, Register, ResOperand,
};
use cairo_vm::hint_processor::cairo_1_hint_processor::hint_processor::Cairo1HintProcessor;
use cairo_vm::hint_processor::hint_processor_definition::{HintProcessorLogic, HintReference};
use cairo_vm::serde::deserialize_program::ApTracking;
use cairo_vm::types::exec_scope::ExecutionScopes;
use cairo_vm::types::relocatable::{MaybeRelocatable, Relocatable};
use cairo_vm::vm::errors::hint_errors::HintError;
use cairo_vm::vm::errors::vm_errors::VirtualMachineError;
use cairo_vm::vm::runners::cairo_runner::{ResourceTracker, RunResources};
use cairo_vm::vm::vm_core::VirtualMachine;
use cairo_vm::Felt252;

pub(crate) struct ExecutableHintProcessor {
    inner: Cairo1HintProcessor,
    args: Vec<Felt252>,
    /// `(start, end)` of the last array marked by the entry code: the panic data on a panic.
    pub(crate) marker: Option<(Relocatable, Relocatable)>,
}

impl ExecutableHintProcessor {
    pub(crate) fn new(hints: &[(usize, Vec<Hint>)], args: Vec<Felt252>) -> Self {
        Self {
            inner: Cairo1HintProcessor::new(hints, RunResources::default(), false),
            args,
            marker: None,
        }
    }
}

fn cell_addr(vm: &VirtualMachine, cell: &CellRef) -> Result<Relocatable, HintError> {
    let base = match cell.register {
        Register::AP => vm.get_ap(),
        Register::FP => vm.get_fp(),
    };
    (base + cell.offset as i32).map_err(HintError::from)
}

fn read_cell(vm: &VirtualMachine, cell: &CellRef) -> Result<MaybeRelocatable, HintError> {
    let addr = cell_addr(vm, cell)?;
    vm.get_maybe(&addr)
        .ok_or_else(|| HintError::CustomHint(format!("unknown memory at {addr}").into()))
}

fn read_operand(vm: &VirtualMachine, op: &ResOperand) -> Result<MaybeRelocatable, HintError> {
    match op {
        ResOperand::Deref(cell) => read_cell(vm, cell),
        ResOperand::Immediate(v) => Ok(MaybeRelocatable::Int(Felt252::from(&v.value))),
        ResOperand::DoubleDeref(cell, off) => {
            let ptr = read_cell(vm, cell)?
                .get_relocatable()
                .ok_or(HintError::WrongHintData)?;
            let addr = (ptr + *off as i32)?;
            vm.get_maybe(&addr).ok_or(HintError::WrongHintData)
        }
        ResOperand::BinOp(BinOpOperand { op, a, b }) => {
            let a = read_cell(vm, a)?;
            let b = match b {
                DerefOrImmediate::Deref(c) => read_cell(vm, c)?,
                DerefOrImmediate::Immediate(v) => MaybeRelocatable::Int(Felt252::from(&v.value)),
            };
            match op {
                Operation::Add => Ok(a.add(&b)?),
                Operation::Mul => match (a, b) {
                    (MaybeRelocatable::Int(x), MaybeRelocatable::Int(y)) => {
                        Ok(MaybeRelocatable::Int(x * y))
                    }
                    _ => Err(HintError::WrongHintData),
                },
            }
        }
    }
}

fn read_ptr(vm: &VirtualMachine, op: &ResOperand) -> Result<Relocatable, HintError> {
    read_operand(vm, op)?
        .get_relocatable()
        .ok_or(HintError::WrongHintData)
}

impl HintProcessorLogic for ExecutableHintProcessor {
    fn compile_hint(
        &self,
        hint_code: &str,
        ap_tracking: &ApTracking,
        reference_ids: &HashMap<String, usize>,
        references: &[HintReference],
        accessible_scopes: &[String],
        constants: Arc<HashMap<String, Felt252>>,
    ) -> Result<Box<dyn Any>, VirtualMachineError> {
        self.inner.compile_hint(
            hint_code,
            ap_tracking,
            reference_ids,
            references,
            accessible_scopes,
            constants,
        )
    }

    fn execute_hint(
        &mut self,
        vm: &mut VirtualMachine,
        exec_scopes: &mut ExecutionScopes,
        hint_data: &Box<dyn Any>,
    ) -> Result<(), HintError> {
        let hints: &Vec<Hint> = hint_data.downcast_ref().ok_or(HintError::WrongHintData)?;
        for hint in hints {
            match hint {
                Hint::External(ExternalHint::WriteRunParam { index, dst }) => {
                    let index = read_operand(vm, index)?;
                    if index != MaybeRelocatable::Int(Felt252::ZERO) {
                        return Err(HintError::CustomHint(
                            "executables take a single argument array".into(),
                        ));
                    }
                    let start = vm.add_memory_segment();
                    let values: Vec<MaybeRelocatable> = self
                        .args
                        .iter()
                        .map(|f| MaybeRelocatable::Int(*f))
                        .collect();
                    let end = vm.load_data(start, &values)?;
                    let dst = cell_addr(vm, dst)?;
                    vm.insert_value(dst, start)?;
                    vm.insert_value((dst + 1)?, end)?;
                }
                Hint::External(ExternalHint::AddMarker { start, end }) => {
                    self.marker = Some((read_ptr(vm, start)?, read_ptr(vm, end)?));
                }
                Hint::External(ExternalHint::AddRelocationRule { src, dst }) => {
                    let src = read_ptr(vm, src)?;
                    let dst = read_ptr(vm, dst)?;
                    vm.add_relocation_rule(src, dst.into())?;
                }
                Hint::External(ExternalHint::AddTrace { .. }) => {}
                // cairo-vm 3.2 reads both sides as integers; here they are pointers (e.g. from
                // `Span::multi_pop_front`), so compare them as addresses.
                Hint::Core(CoreHintBase::Core(CoreHint::TestLessThanOrEqualAddress {
                    lhs,
                    rhs,
                    dst,
                })) => {
                    let (l, r) = (read_ptr(vm, lhs)?, read_ptr(vm, rhs)?);
                    if l.segment_index != r.segment_index {
                        return Err(HintError::CustomHint(
                            format!("comparing addresses in different segments: {l} and {r}")
                                .into(),
                        ));
                    }
                    let dst = cell_addr(vm, dst)?;
                    vm.insert_value(dst, Felt252::from(u8::from(l.offset <= r.offset)))?;
                }
                other => self.inner.execute(vm, exec_scopes, other)?,
            }
        }
        Ok(())
    }
}

impl ResourceTracker for ExecutableHintProcessor {}
