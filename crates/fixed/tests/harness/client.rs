//! Client of the Cairo test harness (`tests/harness`): encodes a request for one op, runs it in
//! the Cairo VM and decodes the result tensor. Shared by the bit-exact tests and the step benchmark.

use std::path::Path;
use std::sync::OnceLock;

use fixed::{Tensor, Window};
use runner::{CompiledProgram, Felt252, RunnerError};

/// The compiled harness (compiled once per process).
pub fn program() -> &'static CompiledProgram {
    static PROGRAM: OnceLock<CompiledProgram> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixed/tests/harness");
        runner::compile_package(&dir).expect("harness compiles")
    })
}

fn felt(v: i64) -> Felt252 {
    Felt252::from(v)
}

fn to_i64(f: &Felt252) -> i64 {
    runner::felt_to_i64(f).unwrap_or_else(|| panic!("output felt {f:#x} is not a stored value"))
}

fn encode_tensor(out: &mut Vec<Felt252>, t: &Tensor) {
    out.push(felt(t.shape.len() as i64));
    out.extend(t.shape.iter().map(|&d| felt(d as i64)));
    out.push(felt(t.data.len() as i64));
    out.extend(t.data.iter().map(|&v| felt(v)));
}

/// Runs op `code` in the VM: the result tensor and the step count, or the panic message.
pub fn cairo(
    code: i64,
    bits: u32,
    attrs: &[i64],
    tensors: &[&Tensor],
) -> Result<(Tensor, usize), String> {
    let mut req = vec![felt(code), felt(bits as i64), felt(attrs.len() as i64)];
    req.extend(attrs.iter().map(|&a| felt(a)));
    req.push(felt(tensors.len() as i64));
    for t in tensors {
        encode_tensor(&mut req, t);
    }
    let mut args = vec![felt(req.len() as i64)];
    args.extend(req);
    match runner::execute(program(), &args) {
        Ok(run) => {
            let o: Vec<i64> = run.output.iter().map(to_i64).collect();
            let rank = o[0] as usize;
            let shape = o[1..=rank].iter().map(|&d| d as usize).collect();
            let n = o[rank + 1] as usize;
            assert_eq!(o.len(), rank + 2 + n, "output length");
            Ok((
                Tensor {
                    shape,
                    data: o[rank + 2..].to_vec(),
                },
                run.steps,
            ))
        }
        Err(RunnerError::Panic { message, .. }) => Err(message),
        Err(e) => panic!("VM failure: {e}"),
    }
}

/// A window as the harness reads it: kernel, strides, pads, dilations, each length-prefixed.
pub fn window_attrs(w: &Window) -> Vec<i64> {
    let mut out = Vec::new();
    for list in [&w.kernel, &w.strides, &w.pads, &w.dilations] {
        out.push(list.len() as i64);
        out.extend(list.iter().map(|&v| v as i64));
    }
    out
}
