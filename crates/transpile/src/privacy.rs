//! What a transpiled program makes public: visibility of input, weights and output, the Poseidon
//! commitments that stand in for hashed values, and the layout of the program's public output.
//!
//! The executable returns `Array<felt252>` made of tagged sections, in this order:
//!
//! | visibility | section |
//! |---|---|
//! | input `public` | `'input'`, then the inputs as `Array<Tensor>` (Serde) |
//! | input `hashed` | `'input_hash'`, `poseidon(input values)` |
//! | weights `hashed` | `'weights_hash'`, `poseidon(weight values)` |
//! | output `public` | `'output'`, then the outputs as `Array<Tensor>` (Serde) |
//! | output `hashed` | `'output_hash'`, `poseidon(Serde of the outputs as Array<Tensor>)` |
//!
//! Private input and public weights add no section (public weights are constants of the program,
//! so the program hash commits to them). Poseidon is `poseidon_hash_span` of the Cairo corelib
//! (the builtin), i.e. Starknet's array hash; values are raw fixed-point integers as felts.

use fixed::Tensor;
use serde::{Deserialize, Serialize};
use starknet_types_core::felt::Felt;
use starknet_types_core::hash::{Poseidon, StarkHash};

use crate::error::{Result, TranspileError};

/// Who sees the model input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum InputVisibility {
    /// The input values are part of the proven public output.
    Public,
    /// Only `poseidon(input)` is public.
    Hashed,
    /// Neither the values nor a commitment are public.
    #[default]
    Private,
}

/// Who sees the weights.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum WeightsVisibility {
    /// Weights are constants in the program: the program hash commits to them.
    #[default]
    Public,
    /// Weights are private arguments; only `poseidon(weights)` is public.
    Hashed,
}

/// Who sees the output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum OutputVisibility {
    /// The output tensors are the public output.
    #[default]
    Public,
    /// Only `poseidon(outputs)` is public.
    Hashed,
}

/// The visibility of each part of a model run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visibility {
    pub input: InputVisibility,
    pub weights: WeightsVisibility,
    pub output: OutputVisibility,
}

/// Section tags (Cairo short strings).
pub const TAG_INPUT: &str = "input";
pub const TAG_INPUT_HASH: &str = "input_hash";
pub const TAG_WEIGHTS_HASH: &str = "weights_hash";
pub const TAG_OUTPUT: &str = "output";
pub const TAG_OUTPUT_HASH: &str = "output_hash";

/// A Cairo short string as a felt.
pub fn short_string(s: &str) -> Felt {
    Felt::from_bytes_be_slice(s.as_bytes())
}

/// `poseidon_hash_span` of fixed-point values (negative values as `p - |x|`).
pub fn commitment(values: &[i64]) -> Felt {
    let felts: Vec<Felt> = values.iter().map(|&v| Felt::from(v)).collect();
    Poseidon::hash_array(&felts)
}

/// The commitment to a model input: all input tensors' values, in order.
pub fn input_commitment(inputs: &[Tensor]) -> Felt {
    let values: Vec<i64> = inputs.iter().flat_map(|t| t.data.iter().copied()).collect();
    commitment(&values)
}

/// The commitment to weights given as one flat list (the order of `Plan::weights`).
pub fn weights_commitment(flat_weights: &[i64]) -> Felt {
    commitment(flat_weights)
}

/// The commitment to model outputs: the hash of their Serde serialization (shapes included).
pub fn output_commitment(outputs: &[Tensor]) -> Felt {
    commitment(&serialize_tensors(outputs))
}

/// Serde layout of `Array<Tensor>`: the count, then per tensor its rank, dims, length, values.
pub fn serialize_tensors(tensors: &[Tensor]) -> Vec<i64> {
    let mut out = vec![tensors.len() as i64];
    for t in tensors {
        out.push(t.shape.len() as i64);
        out.extend(t.shape.iter().map(|&d| d as i64));
        out.push(t.data.len() as i64);
        out.extend(&t.data);
    }
    out
}

/// The public output of a transpiled model's run, section by section.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Claim {
    pub input: Option<Vec<Tensor>>,
    pub input_commitment: Option<Felt>,
    pub weights_commitment: Option<Felt>,
    pub output: Option<Vec<Tensor>>,
    pub output_commitment: Option<Felt>,
}

fn malformed(why: impl std::fmt::Display) -> TranspileError {
    TranspileError::Other(format!("malformed program output: {why}"))
}

struct Reader<'a> {
    felts: &'a [Felt],
    at: usize,
}

impl Reader<'_> {
    fn felt(&mut self) -> Result<Felt> {
        let f = self
            .felts
            .get(self.at)
            .copied()
            .ok_or_else(|| malformed("it ends early"))?;
        self.at += 1;
        Ok(f)
    }

    fn int(&mut self) -> Result<i64> {
        let f = self.felt()?;
        felt_to_i64(&f).ok_or_else(|| malformed(format!("{f:#x} is not a fixed-point value")))
    }

    fn tag(&mut self, tag: &str) -> Result<()> {
        let f = self.felt()?;
        if f != short_string(tag) {
            return Err(malformed(format!(
                "expected section '{tag}', found {f:#x} (does cairn.json's visibility match the program?)"
            )));
        }
        Ok(())
    }

    fn tensors(&mut self) -> Result<Vec<Tensor>> {
        let count = self.int()?;
        let mut out = Vec::new();
        for _ in 0..count {
            let rank = self.int()?;
            let shape = (0..rank)
                .map(|_| self.int().map(|d| d as usize))
                .collect::<Result<Vec<_>>>()?;
            let len = self.int()?;
            let data = (0..len).map(|_| self.int()).collect::<Result<Vec<_>>>()?;
            out.push(
                Tensor::new(shape, data)
                    .map_err(|_| malformed("a tensor's length does not fit its shape"))?,
            );
        }
        Ok(out)
    }
}

/// A felt as a signed integer: `x` for small `x`, `-(p - x)` for values near `p`.
pub fn felt_to_i64(f: &Felt) -> Option<i64> {
    if let Ok(v) = i64::try_from(*f) {
        return Some(v);
    }
    i64::try_from(-*f).ok().map(|v| -v)
}

impl Claim {
    /// Parses a program's public output (`Array<felt252>`: its length, then the sections).
    pub fn decode(vis: &Visibility, felts: &[Felt]) -> Result<Claim> {
        let mut r = Reader { felts, at: 0 };
        let len = r.int()?;
        if len < 0 || len as usize != felts.len() - 1 {
            return Err(malformed(format!(
                "the array holds {len} values but {} follow",
                felts.len() - 1
            )));
        }
        let mut claim = Claim::default();
        match vis.input {
            InputVisibility::Public => {
                r.tag(TAG_INPUT)?;
                claim.input = Some(r.tensors()?);
            }
            InputVisibility::Hashed => {
                r.tag(TAG_INPUT_HASH)?;
                claim.input_commitment = Some(r.felt()?);
            }
            InputVisibility::Private => {}
        }
        if vis.weights == WeightsVisibility::Hashed {
            r.tag(TAG_WEIGHTS_HASH)?;
            claim.weights_commitment = Some(r.felt()?);
        }
        match vis.output {
            OutputVisibility::Public => {
                r.tag(TAG_OUTPUT)?;
                claim.output = Some(r.tensors()?);
            }
            OutputVisibility::Hashed => {
                r.tag(TAG_OUTPUT_HASH)?;
                claim.output_commitment = Some(r.felt()?);
            }
        }
        if r.at != felts.len() {
            return Err(malformed("values follow the last section"));
        }
        Ok(claim)
    }

    /// The claim as the program would output it (for tests and for `--expect-output`).
    pub fn encode(&self) -> Vec<Felt> {
        let ints = |v: Vec<i64>| v.into_iter().map(Felt::from).collect::<Vec<_>>();
        let mut out = Vec::new();
        if let Some(t) = &self.input {
            out.push(short_string(TAG_INPUT));
            out.extend(ints(serialize_tensors(t)));
        }
        if let Some(h) = self.input_commitment {
            out.extend([short_string(TAG_INPUT_HASH), h]);
        }
        if let Some(h) = self.weights_commitment {
            out.extend([short_string(TAG_WEIGHTS_HASH), h]);
        }
        if let Some(t) = &self.output {
            out.push(short_string(TAG_OUTPUT));
            out.extend(ints(serialize_tensors(t)));
        }
        if let Some(h) = self.output_commitment {
            out.extend([short_string(TAG_OUTPUT_HASH), h]);
        }
        out.insert(0, Felt::from(out.len()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_round_trip_for_every_visibility() {
        let t = |v: Vec<i64>| Tensor::new(vec![1, v.len()], v).unwrap();
        for input in [
            InputVisibility::Public,
            InputVisibility::Hashed,
            InputVisibility::Private,
        ] {
            for weights in [WeightsVisibility::Public, WeightsVisibility::Hashed] {
                for output in [OutputVisibility::Public, OutputVisibility::Hashed] {
                    let vis = Visibility {
                        input,
                        weights,
                        output,
                    };
                    let claim = Claim {
                        input: (input == InputVisibility::Public).then(|| vec![t(vec![1, -2])]),
                        input_commitment: (input == InputVisibility::Hashed)
                            .then(|| input_commitment(&[t(vec![1, -2])])),
                        weights_commitment: (weights == WeightsVisibility::Hashed)
                            .then(|| weights_commitment(&[5, 6, -7])),
                        output: (output == OutputVisibility::Public).then(|| vec![t(vec![-9])]),
                        output_commitment: (output == OutputVisibility::Hashed)
                            .then(|| output_commitment(&[t(vec![-9])])),
                    };
                    let felts = claim.encode();
                    assert_eq!(Claim::decode(&vis, &felts).unwrap(), claim, "{vis:?}");
                    // Another visibility reads the same felts as malformed, never as a claim.
                    let other = Visibility {
                        output: match output {
                            OutputVisibility::Public => OutputVisibility::Hashed,
                            OutputVisibility::Hashed => OutputVisibility::Public,
                        },
                        ..vis
                    };
                    assert!(Claim::decode(&other, &felts).is_err(), "{vis:?}");
                }
            }
        }
    }

    #[test]
    fn commitments_depend_on_every_value() {
        assert_ne!(commitment(&[1, 2, 3]), commitment(&[1, 2, 4]));
        assert_ne!(commitment(&[1, 2]), commitment(&[1, 2, 0]));
        assert_ne!(commitment(&[-1]), commitment(&[1]));
    }
}
