//! Test harness: runs one cairn_tensor op chosen by the request and returns its result, so the
//! Rust tests can compare every op with the reference (crates/fixed) value for value.
//!
//! Request: [op, scale bits, attrs (len-prefixed), tensors (len-prefixed, each Serde-encoded)].
//! Response: the result tensor, Serde-encoded.

use cairn_tensor::elementwise::{BinOp, UnOp, binary, clip, leaky_relu, unary};
use cairn_tensor::linalg::{Window, conv, gemm, matmul, matmul_nt};
use cairn_tensor::math::{log_softmax, softmax};
use cairn_tensor::pool::{average_pool, global_average_pool, max_pool};
use cairn_tensor::reduce::{Reduce, argmax, batch_norm, reduce};
use cairn_tensor::tree::{Aggregate, ensemble};
use cairn_tensor::shape::{concat, flatten, gather, pad, reshape, slice, squeeze, transpose, unsqueeze};
use cairn_tensor::{Q, Tensor, q};

fn flag(v: felt252) -> bool {
    v != 0
}

fn un(op: UnOp, t: Span<Tensor>, fq: Q) -> Tensor {
    unary(op, *t[0], fq)
}

fn bin(op: BinOp, t: Span<Tensor>, fq: Q) -> Tensor {
    binary(op, *t[0], *t[1], fq)
}

fn run(code: felt252, fq: Q, mut attrs: Span<felt252>, t: Span<Tensor>) -> Tensor {
    if code == 0 {
        // Baseline for step counts: decoding the request costs the same, the op costs nothing.
        return Tensor { shape: array![0].span(), data: array![].span() };
    } else if code == 1 {
        return bin(BinOp::Add, t, fq);
    } else if code == 2 {
        return bin(BinOp::Sub, t, fq);
    } else if code == 3 {
        return bin(BinOp::Mul, t, fq);
    } else if code == 4 {
        return bin(BinOp::Div, t, fq);
    } else if code == 5 {
        return bin(BinOp::Max, t, fq);
    } else if code == 6 {
        return bin(BinOp::Min, t, fq);
    } else if code == 7 {
        return bin(BinOp::Greater, t, fq);
    } else if code == 8 {
        return bin(BinOp::GreaterOrEqual, t, fq);
    } else if code == 9 {
        return bin(BinOp::Less, t, fq);
    } else if code == 71 {
        return bin(BinOp::LessOrEqual, t, fq);
    } else if code == 72 {
        return bin(BinOp::Equal, t, fq);
    } else if code == 25 {
        return un(UnOp::ToFixed, t, fq);
    } else if code == 10 {
        return un(UnOp::Neg, t, fq);
    } else if code == 11 {
        return un(UnOp::Abs, t, fq);
    } else if code == 12 {
        return un(UnOp::Relu, t, fq);
    } else if code == 13 {
        return un(UnOp::Exp, t, fq);
    } else if code == 14 {
        return un(UnOp::Log, t, fq);
    } else if code == 15 {
        return un(UnOp::Sqrt, t, fq);
    } else if code == 16 {
        return un(UnOp::Sigmoid, t, fq);
    } else if code == 17 {
        return un(UnOp::Tanh, t, fq);
    } else if code == 18 {
        return un(UnOp::Softplus, t, fq);
    } else if code == 19 {
        return un(UnOp::Erf, t, fq);
    } else if code == 20 {
        return un(UnOp::Gelu, t, fq);
    } else if code == 21 {
        return leaky_relu(*t[0], *attrs[0], fq);
    } else if code == 22 {
        return clip(*t[0], *attrs[0], *attrs[1]);
    } else if code == 23 {
        return softmax(*t[0], *attrs[0], fq);
    } else if code == 24 {
        return log_softmax(*t[0], *attrs[0], fq);
    } else if code == 30 {
        return matmul(*t[0], *t[1], fq);
    } else if code == 31 {
        let c = if t.len() == 3 {
            Some(*t[2])
        } else {
            None
        };
        return gemm(*t[0], *t[1], c, *attrs[0], *attrs[1], flag(*attrs[2]), flag(*attrs[3]), fq);
    } else if code == 32 {
        let group: usize = (*attrs.pop_front().unwrap()).try_into().unwrap();
        let win: Window = Serde::deserialize(ref attrs).unwrap();
        let bias = if t.len() == 3 {
            Some(*t[2])
        } else {
            None
        };
        return conv(*t[0], *t[1], bias, win, group, fq);
    } else if code == 33 {
        return matmul_nt(*t[0], *t[1], fq);
    } else if code == 40 {
        let win: Window = Serde::deserialize(ref attrs).unwrap();
        return max_pool(*t[0], win);
    } else if code == 41 {
        let include = flag(*attrs.pop_front().unwrap());
        let win: Window = Serde::deserialize(ref attrs).unwrap();
        return average_pool(*t[0], win, include);
    } else if code == 42 {
        return global_average_pool(*t[0]);
    } else if code == 50 || code == 51 || code == 52 {
        let keep = flag(*attrs.pop_front().unwrap());
        let kind = if code == 50 {
            Reduce::Sum
        } else if code == 51 {
            Reduce::Mean
        } else {
            Reduce::Max
        };
        return reduce(*t[0], attrs, keep, kind);
    } else if code == 53 {
        return argmax(*t[0], *attrs[0], flag(*attrs[1]), flag(*attrs[2]));
    } else if code == 54 {
        return batch_norm(*t[0], *t[1], *t[2], *t[3], *t[4], *attrs[0], fq);
    } else if code == 60 {
        return reshape(*t[0], attrs);
    } else if code == 61 {
        return flatten(*t[0], *attrs[0]);
    } else if code == 62 {
        return squeeze(*t[0], attrs);
    } else if code == 63 {
        return unsqueeze(*t[0], attrs);
    } else if code == 64 {
        return transpose(*t[0], attrs);
    } else if code == 65 {
        return concat(t, *attrs[0]);
    } else if code == 66 {
        let starts: Span<felt252> = Serde::deserialize(ref attrs).unwrap();
        let ends: Span<felt252> = Serde::deserialize(ref attrs).unwrap();
        let axes: Span<felt252> = Serde::deserialize(ref attrs).unwrap();
        let steps: Span<felt252> = Serde::deserialize(ref attrs).unwrap();
        return slice(*t[0], starts, ends, axes, steps);
    } else if code == 67 {
        let ax = *attrs.pop_front().unwrap();
        let indices: Span<felt252> = Serde::deserialize(ref attrs).unwrap();
        let ishape: Span<usize> = Serde::deserialize(ref attrs).unwrap();
        return gather(*t[0], indices, ishape, ax);
    } else if code == 68 {
        let value = *attrs.pop_front().unwrap();
        let pads: Span<usize> = Serde::deserialize(ref attrs).unwrap();
        return pad(*t[0], pads, value);
    } else if code == 70 {
        let agg = *attrs[0];
        let aggregate = if agg == 0 {
            Aggregate::Sum
        } else if agg == 1 {
            Aggregate::Average
        } else if agg == 2 {
            Aggregate::Min
        } else {
            Aggregate::Max
        };
        return ensemble(*t[0], *t[1], *t[2], *t[3], aggregate);
    }
    core::panics::panic(array!['harness', 'unknown op'])
}

#[executable]
fn main(request: Array<felt252>) -> Tensor {
    let mut r = request.span();
    let code = *r.pop_front().unwrap();
    let bits: u32 = (*r.pop_front().unwrap()).try_into().unwrap();
    let attrs: Span<felt252> = Serde::deserialize(ref r).unwrap();
    let tensors: Span<Tensor> = Serde::deserialize(ref r).unwrap();
    run(code, q(bits), attrs, tensors)
}
