//! Bad input: the one error type of the crate.
//!
//! A denial is never an error (it is a [`crate::Decision`] with `allowed: false`); an [`Error`] means
//! the question itself could not be read: malformed JSON, a wrong type, an unknown environment, an
//! invalid policy, or input past the documented [`crate::Limits`].

/// The stable code of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The request is malformed: wrong type, unknown environment, duplicate id, bad JSON.
    InvalidInput,
    /// The policy is malformed: unknown environment, action or field, a broken chain.
    InvalidPolicy,
    /// The input is deeper, larger or longer than the documented limits.
    LimitExceeded,
}

impl ErrorCode {
    /// The code as written in JSON and in JS errors, e.g. `INVALID_INPUT`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::InvalidPolicy => "INVALID_POLICY",
            ErrorCode::LimitExceeded => "LIMIT_EXCEEDED",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bad input, with a stable [`ErrorCode`], a sentence for people and the JSON Pointer of the culprit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message} (at \"{path}\")")]
pub struct Error {
    /// Stable code: `INVALID_INPUT`, `INVALID_POLICY` or `LIMIT_EXCEEDED`.
    pub code: ErrorCode,
    /// What is wrong and what to do, in one sentence.
    pub message: String,
    /// JSON Pointer (RFC 6901) into the argument; `""` is the argument itself.
    pub path: String,
}

impl Error {
    /// An `INVALID_INPUT` error at `path`.
    pub fn invalid_input(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error { code: ErrorCode::InvalidInput, message: message.into(), path: path.into() }
    }

    /// A `LIMIT_EXCEEDED` error at `path`.
    pub fn limit_exceeded(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error { code: ErrorCode::LimitExceeded, message: message.into(), path: path.into() }
    }

    /// The same error re-coded, e.g. a malformed policy read with the input reader.
    pub(crate) fn with_code(mut self, code: ErrorCode) -> Self {
        if self.code == ErrorCode::InvalidInput {
            self.code = code;
        }
        self
    }
}

/// Shorthand for results whose error is bad input.
pub type Result<T, E = Error> = std::result::Result<T, E>;
