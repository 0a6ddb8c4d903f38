use std::fmt;

/// Why an op failed; the same reasons the Cairo library panics with (`'<op>', '<reason>'`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Overflow,
    DivisionByZero,
    LogNonPositive,
    SqrtNegative,
    Shape,
    Axis,
    Index,
    BadScale,
}

impl Reason {
    /// The Cairo short string for this reason.
    pub fn cairo(self) -> &'static str {
        match self {
            Reason::Overflow => "fixed-point overflow",
            Reason::DivisionByZero => "division by zero",
            Reason::LogNonPositive => "log of non-positive",
            Reason::SqrtNegative => "sqrt of negative",
            Reason::Shape => "shape mismatch",
            Reason::Axis => "axis out of range",
            Reason::Index => "index out of range",
            Reason::BadScale => "scale bits not in 1..32",
        }
    }
}

/// An op failure naming the op, as the Cairo panic does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub struct FixedError {
    pub op: &'static str,
    pub reason: Reason,
}

impl FixedError {
    pub fn new(op: &'static str, reason: Reason) -> FixedError {
        FixedError { op, reason }
    }
}

impl fmt::Display for FixedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.op, self.reason.cairo())
    }
}
