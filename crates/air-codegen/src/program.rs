//! A component's constraints as a *constraint program*: a flat list of `u32` words that the Cairo
//! verifier's interpreter (`cairn_stwo_verifier::constraints`) runs over the values at the
//! out-of-domain point.
//!
//! Emitting the constraints as data instead of Cairo functions keeps the verifier's compile
//! time and bytecode small: the Cairo compiler's cost grows with statements times live values
//! per function, and the Cairo AIR's constraints are tens of thousands of operations.
//!
//! Layout: word 0 is the number of input values; then operations, each an opcode and its
//! operands. Values are numbered in order: the inputs (the component's preprocessed values, its
//! parameters, then its mask values tree by tree, column by column, offset by offset), then one
//! value per operation except [`op::CONSTRAINT`]. Equal operations are emitted once.

use std::collections::HashMap;

use stwo::core::fields::m31::{BaseField, P};
use stwo::core::fields::qm31::SecureField;
use stwo_constraint_framework::expr::{BaseExpr, ExtExpr};

/// Opcodes; the Cairo interpreter uses the same numbers.
pub mod op {
    /// `a b`: a + b.
    pub const ADD: u32 = 0;
    /// `a b`: a - b.
    pub const SUB: u32 = 1;
    /// `a b`: a * b.
    pub const MUL: u32 = 2;
    /// `a`: -a.
    pub const NEG: u32 = 3;
    /// `a`: 1 / a (the verifier panics on zero, as stwo does).
    pub const INV: u32 = 4;
    /// `c`: the M31 constant c.
    pub const M31: u32 = 5;
    /// `c0 c1 c2 c3`: the QM31 constant with these coordinates.
    pub const QM31: u32 = 6;
    /// `a b c d`: a + b i + c u + d iu, a secure column from its four coordinates' values.
    pub const PARTIAL: u32 = 7;
    /// `a c`: a times the M31 constant c.
    pub const MUL_M31: u32 = 8;
    /// `a`: a constraint; acc = acc * random_coeff + denom_inverse * a. Makes no value.
    pub const CONSTRAINT: u32 = 9;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Node {
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Neg(u32),
    Inv(u32),
    M31(u32),
    Qm31([u32; 4]),
    Partial([u32; 4]),
    MulM31(u32, u32),
}

/// Builds one component's program.
pub(crate) struct Builder<'a> {
    words: Vec<u32>,
    n_values: u32,
    nodes: HashMap<Node, u32>,
    /// Input names (mask columns as the evaluator formats them, preprocessed ids, parameters)
    /// and their value numbers.
    inputs: HashMap<String, u32>,
    base_intermediates: &'a HashMap<String, BaseExpr>,
    ext_intermediates: &'a HashMap<String, ExtExpr>,
    /// Intermediates already emitted.
    done: HashMap<String, u32>,
}

impl<'a> Builder<'a> {
    /// `inputs` in value order.
    pub(crate) fn new(
        inputs: &[String],
        base_intermediates: &'a HashMap<String, BaseExpr>,
        ext_intermediates: &'a HashMap<String, ExtExpr>,
    ) -> Self {
        let n = inputs.len() as u32;
        Builder {
            words: vec![n],
            n_values: n,
            nodes: HashMap::new(),
            inputs: inputs
                .iter()
                .enumerate()
                .map(|(i, name)| (name.clone(), i as u32))
                .collect(),
            base_intermediates,
            ext_intermediates,
            done: HashMap::new(),
        }
    }

    pub(crate) fn finish(self) -> Vec<u32> {
        self.words
    }

    fn push(&mut self, node: Node) -> u32 {
        if let Some(&v) = self.nodes.get(&node) {
            return v;
        }
        let words: Vec<u32> = match node {
            Node::Add(a, b) => vec![op::ADD, a, b],
            Node::Sub(a, b) => vec![op::SUB, a, b],
            Node::Mul(a, b) => vec![op::MUL, a, b],
            Node::Neg(a) => vec![op::NEG, a],
            Node::Inv(a) => vec![op::INV, a],
            Node::M31(c) => vec![op::M31, c],
            Node::Qm31(c) => vec![op::QM31, c[0], c[1], c[2], c[3]],
            Node::Partial(v) => vec![op::PARTIAL, v[0], v[1], v[2], v[3]],
            Node::MulM31(a, c) => vec![op::MUL_M31, a, c],
        };
        self.words.extend(words);
        let v = self.n_values;
        self.n_values += 1;
        self.nodes.insert(node, v);
        v
    }

    /// Adds and multiplies take their operands in a fixed order, so `a + b` and `b + a` are
    /// one value.
    fn commutative(&mut self, make: fn(u32, u32) -> Node, a: u32, b: u32) -> u32 {
        self.push(make(a.min(b), a.max(b)))
    }

    pub(crate) fn constraint(&mut self, e: &ExtExpr) -> Result<(), String> {
        let v = self.ext(e)?;
        self.words.extend([op::CONSTRAINT, v]);
        Ok(())
    }

    fn name(&mut self, p: &str) -> Result<u32, String> {
        if let Some(&v) = self.inputs.get(p).or_else(|| self.done.get(p)) {
            return Ok(v);
        }
        let v = if let Some(e) = self.base_intermediates.get(p) {
            self.base(e)?
        } else if let Some(e) = self.ext_intermediates.get(p) {
            self.ext(e)?
        } else {
            return Err(format!("`{p}` is neither an input nor an intermediate"));
        };
        self.done.insert(p.to_string(), v);
        Ok(v)
    }

    /// The value of an M31 constant.
    fn m31_constant(e: &BaseExpr) -> Option<u32> {
        match e {
            BaseExpr::Const(c) => Some(c.0),
            _ => None,
        }
    }

    /// The value of a secure expression that is an M31 constant.
    fn ext_m31_constant(e: &ExtExpr) -> Option<u32> {
        match e {
            ExtExpr::Const(c) => match Self::secure_constant(*c) {
                Node::M31(c) => Some(c),
                _ => None,
            },
            ExtExpr::SecureCol(parts) => Self::base_only(parts).and_then(Self::m31_constant),
            _ => None,
        }
    }

    /// The first coordinate of a secure column whose other three are zero.
    fn base_only(parts: &[Box<BaseExpr>; 4]) -> Option<&BaseExpr> {
        let zero = BaseExpr::Const(BaseField::from(0));
        (parts[1..].iter().all(|p| **p == zero)).then_some(&*parts[0])
    }

    /// `a * b`: by `MUL_M31` when one side is an M31 constant (then only the other side is
    /// compiled), else a product of two values.
    fn mul<E>(
        &mut self,
        (a, b): (&E, &E),
        constant: fn(&E) -> Option<u32>,
        compile: fn(&mut Self, &E) -> Result<u32, String>,
    ) -> Result<u32, String> {
        Ok(match (constant(a), constant(b)) {
            (Some(c), _) => {
                let b = compile(self, b)?;
                self.push(Node::MulM31(b, c))
            }
            (_, Some(c)) => {
                let a = compile(self, a)?;
                self.push(Node::MulM31(a, c))
            }
            _ => {
                let (a, b) = (compile(self, a)?, compile(self, b)?);
                self.commutative(Node::Mul, a, b)
            }
        })
    }

    fn base(&mut self, e: &BaseExpr) -> Result<u32, String> {
        Ok(match e {
            BaseExpr::Col(_) => {
                let name = e.format_expr();
                *self
                    .inputs
                    .get(&name)
                    .ok_or_else(|| format!("column {name} is not an input"))?
            }
            BaseExpr::Const(c) => self.push(Node::M31(c.0)),
            BaseExpr::Param(p) => self.name(p)?,
            BaseExpr::Add(a, b) => {
                let (a, b) = (self.base(a)?, self.base(b)?);
                self.commutative(Node::Add, a, b)
            }
            BaseExpr::Sub(a, b) => {
                let (a, b) = (self.base(a)?, self.base(b)?);
                self.push(Node::Sub(a, b))
            }
            BaseExpr::Mul(a, b) => self.mul((&**a, &**b), Self::m31_constant, Self::base)?,
            BaseExpr::Neg(a) => {
                let a = self.base(a)?;
                self.push(Node::Neg(a))
            }
            BaseExpr::Inv(a) => {
                let a = self.base(a)?;
                self.push(Node::Inv(a))
            }
        })
    }

    fn secure_constant(c: SecureField) -> Node {
        let [a, b, c, d] = c.to_m31_array();
        if b.0 == 0 && c.0 == 0 && d.0 == 0 {
            Node::M31(a.0)
        } else {
            Node::Qm31([a.0, b.0, c.0, d.0])
        }
    }

    fn ext(&mut self, e: &ExtExpr) -> Result<u32, String> {
        Ok(match e {
            ExtExpr::SecureCol(parts) => match Self::base_only(parts) {
                Some(a) => self.base(a)?,
                None => {
                    let [a, b, c, d] = parts;
                    let parts = [self.base(a)?, self.base(b)?, self.base(c)?, self.base(d)?];
                    self.push(Node::Partial(parts))
                }
            },
            ExtExpr::Const(c) => self.push(Self::secure_constant(*c)),
            ExtExpr::Param(p) => self.name(p)?,
            ExtExpr::Add(a, b) => {
                let (a, b) = (self.ext(a)?, self.ext(b)?);
                self.commutative(Node::Add, a, b)
            }
            ExtExpr::Sub(a, b) => {
                let (a, b) = (self.ext(a)?, self.ext(b)?);
                self.push(Node::Sub(a, b))
            }
            ExtExpr::Mul(a, b) => self.mul((&**a, &**b), Self::ext_m31_constant, Self::ext)?,
            ExtExpr::Neg(a) => {
                let a = self.ext(a)?;
                self.push(Node::Neg(a))
            }
        })
    }
}

/// Word offsets where the operations of `program` start, and its length.
fn op_starts(program: &[u32]) -> Result<Vec<usize>, String> {
    let mut starts = vec![];
    let mut i = 1;
    while i < program.len() {
        let operands = match program[i] {
            op::NEG | op::INV | op::M31 | op::CONSTRAINT => 1,
            op::ADD | op::SUB | op::MUL | op::MUL_M31 => 2,
            op::QM31 | op::PARTIAL => 4,
            other => return Err(format!("word {i}: unknown opcode {other}")),
        };
        starts.push(i);
        i += 1 + operands;
    }
    if i != program.len() {
        return Err("the last operation is cut short".into());
    }
    Ok(starts)
}

/// The number of operations of each opcode in `program` (index = opcode).
pub fn op_counts(program: &[u32]) -> Result<[usize; 10], String> {
    let mut counts = [0; 10];
    for i in op_starts(program)? {
        counts[program[i] as usize] += 1;
    }
    Ok(counts)
}

/// `program` (a valid one) cut into pieces of at most `max` words, each ending at an
/// operation's end; the interpreter runs them in order.
pub fn split(program: &[u32], max: usize) -> Vec<&[u32]> {
    let starts = op_starts(program).expect("a generated program");
    let mut pieces = vec![];
    let mut begin = 0;
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(program.len());
        if end - begin > max {
            pieces.push(&program[begin..start]);
            begin = start;
        }
    }
    pieces.push(&program[begin..]);
    pieces
}

/// `words` as the felt252s the Cairo `constraints::unpack_words` reads: a packed column
/// (`verifier::packed_column`, the layout `packed::read_column` reads: the word count, then the
/// words seven to a felt), as hex literals. A Cairo constant costs one bytecode felt per
/// element, so packing shrinks the verifier's classes about sevenfold where programs live.
/// Panics on a word that is not below the M31 modulus (opcodes, value numbers and M31
/// coordinates all are).
pub fn pack(words: &[u32]) -> Vec<String> {
    let values: Vec<BaseField> = words
        .iter()
        .map(|&w| {
            assert!(w < P, "word {w} is not below 2^31 - 1");
            BaseField::from_u32_unchecked(w)
        })
        .collect();
    verifier::packed_column(&values)
        .iter()
        .map(|f| format!("{f:#x}"))
        .collect()
}
