//! The verifier's side of an AIR, for Cairo. A component's constraints are taken symbolically
//! from its stwo-constraint-framework evaluation (`ExprEvaluator`) and compiled into a
//! [`program`] that the Cairo verifier's interpreter evaluates at the out-of-domain point from
//! the sampled mask values, exactly as stwo's `PointEvaluator` does; [`air_module`] ties
//! components to the commitment trees as an implementation of `cairn_stwo_verifier::stark::Air`.
//!
//! Generating instead of hand-writing keeps the Cairo verifier on the prover's exact version of
//! every constraint.

pub mod cairo_claim;
pub mod program;

use program::Builder;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use stwo::core::fields::m31::BaseField;
use stwo::core::fields::qm31::SecureField;
use stwo_constraint_framework::expr::{BaseExpr, ExprEvaluator, ExtExpr};
use stwo_constraint_framework::{FrameworkEval, InfoEvaluator};

#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    #[error("component `{component}`: {what}")]
    Component { component: String, what: String },
    #[error("AIR: {0}")]
    Air(String),
}

fn component_error(component: &str, what: impl Into<String>) -> CodegenError {
    CodegenError::Component {
        component: component.to_string(),
        what: what.into(),
    }
}

/// One component's constraints as a program, with what the glue code needs to feed them.
#[derive(Clone, Debug)]
pub struct Component {
    /// A Cairo identifier; the program's constant is `PROGRAM_<NAME>`.
    pub name: String,
    pub log_size: u32,
    pub max_constraint_log_degree_bound: u32,
    /// Per tree (tree 0, the preprocessed one, is empty here), per column: the row offsets the
    /// constraints read.
    pub mask_offsets: Vec<Vec<Vec<isize>>>,
    /// Preprocessed column ids, in the order the program takes their values.
    pub preprocessed: Vec<String>,
    /// The remaining parameters (lookup elements `<relation>_z` / `<relation>_alpha<i>`,
    /// `claimed_sum`, `column_size`), in the order the program takes their values.
    pub params: Vec<String>,
    pub n_constraints: usize,
    /// The constraints as a program for the Cairo verifier's interpreter (see [`program`]).
    pub program: Vec<u32>,
}

/// A mask value the constraints read, as `ExprEvaluator` names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct MaskItem {
    interaction: usize,
    /// The evaluator's running column counter (over all trees).
    global: usize,
    offset: isize,
    name: String,
}

/// Parses `trace_{interaction}_column_{idx}_offset_{offset | neg_offset}`.
fn parse_column(name: &str) -> Option<MaskItem> {
    let rest = name.strip_prefix("trace_")?;
    let (interaction, rest) = rest.split_once("_column_")?;
    let (idx, offset) = rest.split_once("_offset_")?;
    let offset = match offset.strip_prefix("neg_") {
        Some(abs) => -abs.parse::<isize>().ok()?,
        None => offset.parse().ok()?,
    };
    Some(MaskItem {
        interaction: interaction.parse().ok()?,
        global: idx.parse().ok()?,
        offset,
        name: name.to_string(),
    })
}

/// Everything an expression refers to: mask items and named parameters.
#[derive(Default)]
struct Refs {
    columns: BTreeSet<MaskItem>,
    params: BTreeSet<String>,
}

impl Refs {
    fn base(&mut self, e: &BaseExpr) {
        match e {
            BaseExpr::Col(_) => {
                let name = e.format_expr();
                match parse_column(&name) {
                    Some(item) => {
                        self.columns.insert(item);
                    }
                    None => panic!("unexpected column name {name}"),
                }
            }
            BaseExpr::Const(_) => {}
            BaseExpr::Param(p) => {
                self.params.insert(p.clone());
            }
            BaseExpr::Add(a, b) | BaseExpr::Sub(a, b) | BaseExpr::Mul(a, b) => {
                self.base(a);
                self.base(b);
            }
            BaseExpr::Neg(a) | BaseExpr::Inv(a) => self.base(a),
        }
    }

    fn ext(&mut self, e: &ExtExpr) {
        match e {
            ExtExpr::SecureCol(parts) => parts.iter().for_each(|p| self.base(p)),
            ExtExpr::Const(_) => {}
            ExtExpr::Param(p) => {
                self.params.insert(p.clone());
            }
            ExtExpr::Add(a, b) | ExtExpr::Sub(a, b) | ExtExpr::Mul(a, b) => {
                self.ext(a);
                self.ext(b);
            }
            ExtExpr::Neg(a) => self.ext(a),
        }
    }
}

/// Two claim values, below P and unlikely as constants of a constraint.
const CLAIM_PROBE: (u32, u32) = (1_000_003, 2_000_029);

/// Merges the same expression built with the two probe claim values: equal parts stay, a
/// constant that is the probe value in each becomes the parameter, anything else is an error.
struct Merge<'a> {
    param: &'a str,
    /// The parameter's two probe values: a constant that is `k` times the first in one
    /// expression and `k` times the second in the other is `k * param`.
    probe: (u32, u32),
}

impl Merge<'_> {
    fn base(&self, a: &BaseExpr, b: &BaseExpr) -> Result<BaseExpr, String> {
        use BaseExpr as E;
        let bx = |x: BaseExpr| Box::new(x);
        Ok(match (a, b) {
            _ if a == b => a.clone(),
            (E::Const(x), E::Const(y))
                if x.0 % self.probe.0 == 0
                    && (x.0 / self.probe.0) as u64 * self.probe.1 as u64 == y.0 as u64 =>
            {
                let k = x.0 / self.probe.0;
                let param = E::Param(self.param.into());
                if k == 1 {
                    param
                } else {
                    E::Mul(bx(E::Const(BaseField::from(k))), bx(param))
                }
            }
            // A column of the preprocessed trace sized like the component: the first's.
            (E::Param(x), E::Param(y)) if x.starts_with("seq_") && y.starts_with("seq_") => {
                a.clone()
            }
            (E::Const(x), E::Const(y)) => {
                return Err(format!(
                    "a constant depends on the claim ({} / {})",
                    x.0, y.0
                ))
            }
            (E::Add(a1, a2), E::Add(b1, b2)) => {
                E::Add(bx(self.base(a1, b1)?), bx(self.base(a2, b2)?))
            }
            (E::Sub(a1, a2), E::Sub(b1, b2)) => {
                E::Sub(bx(self.base(a1, b1)?), bx(self.base(a2, b2)?))
            }
            (E::Mul(a1, a2), E::Mul(b1, b2)) => {
                E::Mul(bx(self.base(a1, b1)?), bx(self.base(a2, b2)?))
            }
            (E::Neg(a1), E::Neg(b1)) => E::Neg(bx(self.base(a1, b1)?)),
            (E::Inv(a1), E::Inv(b1)) => E::Inv(bx(self.base(a1, b1)?)),
            _ => return Err("the claim value changes an expression's shape".into()),
        })
    }

    fn ext(&self, a: &ExtExpr, b: &ExtExpr) -> Result<ExtExpr, String> {
        use ExtExpr as E;
        let bx = |x: ExtExpr| Box::new(x);
        Ok(match (a, b) {
            _ if a == b => a.clone(),
            (E::SecureCol(xs), E::SecureCol(ys)) => E::SecureCol([
                Box::new(self.base(&xs[0], &ys[0])?),
                Box::new(self.base(&xs[1], &ys[1])?),
                Box::new(self.base(&xs[2], &ys[2])?),
                Box::new(self.base(&xs[3], &ys[3])?),
            ]),
            (E::Add(a1, a2), E::Add(b1, b2)) => {
                E::Add(bx(self.ext(a1, b1)?), bx(self.ext(a2, b2)?))
            }
            (E::Sub(a1, a2), E::Sub(b1, b2)) => {
                E::Sub(bx(self.ext(a1, b1)?), bx(self.ext(a2, b2)?))
            }
            (E::Mul(a1, a2), E::Mul(b1, b2)) => {
                E::Mul(bx(self.ext(a1, b1)?), bx(self.ext(a2, b2)?))
            }
            (E::Neg(a1), E::Neg(b1)) => E::Neg(bx(self.ext(a1, b1)?)),
            _ => return Err("the claim value changes an expression's shape".into()),
        })
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Cairo rejects (at run time) constant arrays longer than this.
pub const MAX_CAIRO_CONST_LEN: usize = 32_767;

impl Component {
    /// The program's Cairo constants: `(name, words)`, the program cut at operation boundaries
    /// into pieces whose packing a Cairo constant holds.
    fn cairo_pieces(&self) -> Vec<(String, &[u32])> {
        let max_words = (MAX_CAIRO_CONST_LEN - 1) * verifier::M31S_PER_FELT;
        let pieces = program::split(&self.program, max_words);
        let base = format!("PROGRAM_{}", self.name.to_uppercase());
        if pieces.len() == 1 {
            return vec![(base, pieces[0])];
        }
        pieces
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("{base}_{i}"), p))
            .collect()
    }

    /// The program as packed Cairo constants (`pub const PROGRAM_<NAME>: [felt252; N] = [...];`,
    /// in pieces if long; see [`program::pack`]).
    pub fn cairo_consts(&self) -> String {
        let mut s = String::new();
        for (name, words) in self.cairo_pieces() {
            let felts = program::pack(words);
            let _ = writeln!(
                s,
                "pub const {name}: [felt252; {}] = [{}];",
                felts.len(),
                felts.join(", ")
            );
        }
        s
    }

    /// A Cairo expression for the program, a `Span<Span<u32>>` unpacking the constants of
    /// [`Component::cairo_consts`] (the module imports `constraints::unpack_words`).
    pub fn cairo_program(&self) -> String {
        let spans: Vec<String> = self
            .cairo_pieces()
            .into_iter()
            .map(|(name, _)| format!("unpack_words({name}.span())"))
            .collect();
        format!("array![{}].span()", spans.join(", "))
    }

    /// Evaluates `eval` symbolically and compiles its constraints into a program.
    pub fn new<E: FrameworkEval>(name: &str, eval: &E) -> Result<Self, CodegenError> {
        Self::build(name, eval, eval.evaluate(ExprEvaluator::new()))
    }

    /// For a component whose constraints contain a value of its claim (a builtin's segment
    /// start): `eval_for(v)` builds it with claim value `v`, and that value becomes the
    /// parameter `param`. The symbolic evaluator sees such a value as a plain constant, so the
    /// component is evaluated with two values and the constants that move are the parameter.
    pub fn with_claim_parameter<E: FrameworkEval>(
        name: &str,
        param: &str,
        eval_for: impl Fn(u32) -> E,
    ) -> Result<Self, CodegenError> {
        let merge = Merge {
            param,
            probe: CLAIM_PROBE,
        };
        Self::merged(
            name,
            merge,
            eval_for(CLAIM_PROBE.0),
            eval_for(CLAIM_PROBE.1),
        )
    }

    /// For a component whose constraints contain multiples of its column size (memory_address_to_id's
    /// address ranges): generated at `log_size` and `log_size + 1`, the moving constants become
    /// multiples of the parameter `column_size`. The preprocessed columns read are the ones of
    /// `log_size`.
    pub fn with_column_size_parameter<E: FrameworkEval>(
        name: &str,
        log_size: u32,
        eval_for: impl Fn(u32) -> E,
    ) -> Result<Self, CodegenError> {
        let merge = Merge {
            param: "column_size",
            probe: (1 << log_size, 1 << (log_size + 1)),
        };
        Self::merged(name, merge, eval_for(log_size), eval_for(log_size + 1))
    }

    fn merged<E: FrameworkEval>(
        name: &str,
        merge: Merge,
        a: E,
        b: E,
    ) -> Result<Self, CodegenError> {
        let mut expr = a.evaluate(ExprEvaluator::new());
        let other = b.evaluate(ExprEvaluator::new());
        let fail = |what: String| component_error(name, what);
        if expr.constraints.len() != other.constraints.len() {
            return Err(fail("the claim value changes the constraints".into()));
        }
        for (c, o) in expr.constraints.iter_mut().zip(&other.constraints) {
            *c = merge.ext(c, o).map_err(fail)?;
        }
        for (n, e) in expr.intermediates.iter_mut() {
            let o = other
                .intermediates
                .get(n)
                .ok_or_else(|| fail(format!("{n} differs")))?;
            *e = merge.base(e, o).map_err(fail)?;
        }
        for (n, e) in expr.ext_intermediates.iter_mut() {
            let o = other
                .ext_intermediates
                .get(n)
                .ok_or_else(|| fail(format!("{n} differs")))?;
            *e = merge.ext(e, o).map_err(fail)?;
        }
        Self::build(name, &a, expr)
    }

    fn build<E: FrameworkEval>(
        name: &str,
        eval: &E,
        expr: ExprEvaluator,
    ) -> Result<Self, CodegenError> {
        if !is_identifier(name) {
            return Err(component_error(
                name,
                "name is not a lowercase Cairo identifier",
            ));
        }
        let log_size = eval.log_size();
        let info = eval.evaluate(InfoEvaluator::new(log_size, vec![], SecureField::from(0)));
        if expr.constraints.len() != info.n_constraints {
            return Err(component_error(
                name,
                "symbolic and counted constraints differ",
            ));
        }

        // Everything the constraints and intermediates refer to.
        let mut refs = Refs::default();
        expr.constraints.iter().for_each(|c| refs.ext(c));
        expr.intermediates.values().for_each(|e| refs.base(e));
        expr.ext_intermediates.values().for_each(|e| refs.ext(e));

        // The evaluator numbers columns across all trees in reading order; a tree's columns
        // are that order restricted to the tree. Every column must be read by some constraint,
        // or the numbering cannot be recovered.
        let mask_offsets: Vec<Vec<Vec<isize>>> = info.mask_offsets.0.clone();
        let mut locations: HashMap<String, (usize, usize, usize)> = HashMap::new();
        for (tree, columns) in mask_offsets.iter().enumerate().skip(1) {
            let globals: BTreeSet<usize> = refs
                .columns
                .iter()
                .filter(|c| c.interaction == tree)
                .map(|c| c.global)
                .collect();
            if globals.len() != columns.len() {
                return Err(component_error(
                    name,
                    format!(
                        "tree {tree} has {} columns but constraints read {}: a column no \
                         constraint uses cannot be located",
                        columns.len(),
                        globals.len()
                    ),
                ));
            }
            let local: HashMap<usize, usize> =
                globals.iter().enumerate().map(|(l, &g)| (g, l)).collect();
            for item in refs.columns.iter().filter(|c| c.interaction == tree) {
                let column = local[&item.global];
                let position = columns[column]
                    .iter()
                    .position(|&o| o == item.offset)
                    .ok_or_else(|| {
                        component_error(
                            name,
                            format!("{} reads an offset not in its mask", item.name),
                        )
                    })?;
                locations.insert(item.name.clone(), (tree, column, position));
            }
        }
        if refs
            .columns
            .iter()
            .any(|c| c.interaction == 0 || c.interaction >= mask_offsets.len())
        {
            return Err(component_error(name, "a column of an unknown tree"));
        }

        // Inputs in value order: preprocessed values, parameters, mask values.
        let mut preprocessed: Vec<String> = vec![];
        for id in info.preprocessed_columns.iter().map(|c| c.id.clone()) {
            if !preprocessed.contains(&id) {
                preprocessed.push(id);
            }
        }
        let is_intermediate = |p: &String| {
            expr.intermediates.contains_key(p) || expr.ext_intermediates.contains_key(p)
        };
        let params: Vec<String> = refs
            .params
            .iter()
            .filter(|p| !preprocessed.contains(*p) && !is_intermediate(p))
            .cloned()
            .collect();
        let mut inputs: Vec<String> = preprocessed.iter().chain(&params).cloned().collect();
        let mut at: HashMap<(usize, usize, usize), &String> = HashMap::new();
        for (name, location) in &locations {
            at.insert(*location, name);
        }
        for (tree, columns) in mask_offsets.iter().enumerate().skip(1) {
            for (column, offsets) in columns.iter().enumerate() {
                for position in 0..offsets.len() {
                    // A value no constraint reads still takes its place in the layout.
                    inputs.push(match at.get(&(tree, column, position)) {
                        Some(name) => (*name).clone(),
                        None => format!("unread_{tree}_{column}_{position}"),
                    });
                }
            }
        }

        let base_intermediates: HashMap<String, BaseExpr> = expr
            .intermediates
            .iter()
            .map(|(n, e)| (n.clone(), e.simplify()))
            .collect();
        let ext_intermediates: HashMap<String, ExtExpr> = expr
            .ext_intermediates
            .iter()
            .map(|(n, e)| (n.clone(), e.simplify()))
            .collect();
        let mut builder = Builder::new(&inputs, &base_intermediates, &ext_intermediates);
        for c in &expr.constraints {
            builder
                .constraint(&c.simplify())
                .map_err(|e| component_error(name, e))?;
        }
        let program = builder.finish();

        Ok(Component {
            name: name.to_string(),
            log_size,
            max_constraint_log_degree_bound: eval.max_constraint_log_degree_bound(),
            mask_offsets,
            preprocessed,
            params,
            n_constraints: info.n_constraints,
            program,
        })
    }
}

/// A Cairo module implementing `cairn_stwo_verifier::stark::Air` for `components` (in proving
/// order) over a preprocessed tree with `preprocessed_columns` (ids, in tree order). The struct
/// `struct_name` holds each component's parameter values.
pub fn air_module(
    struct_name: &str,
    preprocessed_columns: &[String],
    components: &[Component],
) -> Result<String, CodegenError> {
    if components.is_empty() {
        return Err(CodegenError::Air("no components".into()));
    }
    let n_trees = components
        .iter()
        .map(|c| c.mask_offsets.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let bound = components
        .iter()
        .map(|c| c.max_constraint_log_degree_bound)
        .max()
        .unwrap_or(0);
    let pp_index = |id: &String| {
        preprocessed_columns
            .iter()
            .position(|c| c == id)
            .ok_or_else(|| {
                CodegenError::Air(format!("preprocessed column `{id}` is not in the tree"))
            })
    };

    let mut m = String::new();
    m.push_str(
        "// Generated by cairn-air-codegen: do not edit.\n\
         use cairn_stwo_verifier::circle::CirclePoint;\n\
         use cairn_stwo_verifier::constraints::{evaluate_constraints, program_inputs, unpack_words};\n\
         use cairn_stwo_verifier::fields::{QM31, QM31Trait};\n\
         use cairn_stwo_verifier::stark::{Air, canonic_coset_vanishing, mask_point};\n\n",
    );
    for c in components {
        m.push_str(&c.cairo_consts());
        m.push('\n');
    }
    writeln!(
        m,
        "#[derive(Drop)]\npub struct {struct_name} {{\n    \
         /// Per component (proving order), its parameter values.\n    \
         pub params: Span<Span<QM31>>,\n}}\n"
    )
    .unwrap();
    writeln!(m, "pub impl {struct_name}Air of Air<{struct_name}> {{").unwrap();
    writeln!(
        m,
        "    fn composition_log_degree_bound(self: @{struct_name}) -> u32 {{\n        {bound}\n    }}\n"
    )
    .unwrap();

    // Mask points: preprocessed columns at the point if read; then each tree's columns in
    // component order, at their offsets.
    writeln!(
        m,
        "    fn mask_points(\n        self: @{struct_name}, point: CirclePoint<QM31>, max_log_degree_bound: u32,\n    \
         ) -> Array<Array<Span<CirclePoint<QM31>>>> {{\n        let mut trees = array![];"
    )
    .unwrap();
    let mut read: BTreeSet<usize> = BTreeSet::new();
    for c in components {
        for id in &c.preprocessed {
            read.insert(pp_index(id)?);
        }
    }
    m.push_str("        let mut tree = array![];\n");
    for i in 0..preprocessed_columns.len() {
        if read.contains(&i) {
            m.push_str("        tree.append(array![point].span());\n");
        } else {
            m.push_str("        tree.append(array![].span());\n");
        }
    }
    m.push_str("        trees.append(tree);\n");
    for t in 1..n_trees {
        m.push_str("        let mut tree = array![];\n");
        for c in components {
            for offsets in c.mask_offsets.get(t).into_iter().flatten() {
                let points: Vec<String> = offsets
                    .iter()
                    .map(|o| format!("mask_point(point, max_log_degree_bound, {o})"))
                    .collect();
                writeln!(
                    m,
                    "        tree.append(array![{}].span());",
                    points.join(", ")
                )
                .unwrap();
            }
        }
        m.push_str("        trees.append(tree);\n");
    }
    m.push_str("        trees\n    }\n\n");

    writeln!(
        m,
        "    fn eval_composition_at_point(\n        self: @{struct_name},\n        \
         point: CirclePoint<QM31>,\n        mask_values: Span<Array<Array<QM31>>>,\n        \
         random_coeff: QM31,\n        max_log_degree_bound: u32,\n    ) -> QM31 {{\n        \
         let denom_inverse = canonic_coset_vanishing(max_log_degree_bound, point).inverse();\n        \
         let mut acc = QM31Trait::zero();"
    )
    .unwrap();
    let mut starts = vec![0usize; n_trees];
    for (k, c) in components.iter().enumerate() {
        let pp: Vec<String> = c
            .preprocessed
            .iter()
            .map(|id| pp_index(id).map(|i| format!("*mask_values.at(0).at({i}).at(0)")))
            .collect::<Result<_, _>>()?;
        let starts_list: Vec<String> = starts.iter().map(|s| s.to_string()).collect();
        let n_columns: Vec<String> = (0..n_trees)
            .map(|t| {
                let n = if t == 0 {
                    0
                } else {
                    c.mask_offsets.get(t).map_or(0, |t| t.len())
                };
                n.to_string()
            })
            .collect();
        writeln!(
            m,
            "        evaluate_constraints(\n            {},\n            program_inputs(\n                \
             array![{}].span(),\n                *(*self.params).at({k}),\n                mask_values,\n                \
             array![{}].span(),\n                array![{}].span(),\n            ),\n            \
             denom_inverse,\n            random_coeff,\n            ref acc,\n        );",
            c.cairo_program(),
            pp.join(", "),
            starts_list.join(", "),
            n_columns.join(", "),
        )
        .unwrap();
        for (t, columns) in c.mask_offsets.iter().enumerate().skip(1) {
            starts[t] += columns.len();
        }
    }
    m.push_str("        acc\n    }\n}\n");
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_parse() {
        let c = parse_column("trace_2_column_13_offset_neg_1").unwrap();
        assert_eq!((c.interaction, c.global, c.offset), (2, 13, -1));
        let c = parse_column("trace_1_column_0_offset_3").unwrap();
        assert_eq!((c.interaction, c.global, c.offset), (1, 0, 3));
        assert!(parse_column("intermediate3").is_none());
        assert!(parse_column("trace_1_column_x_offset_0").is_none());
    }

    #[test]
    fn names_must_be_cairo_identifiers() {
        assert!(is_identifier("demo_4"));
        assert!(!is_identifier("4demo"));
        assert!(!is_identifier("Demo"));
        assert!(!is_identifier("a-b"));
    }
}
