//! Errors, each pointing at the template and the line and column that caused it.

/// What went wrong while parsing or rendering a template.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VtlError {
    /// The template does not parse.
    #[error("{template}:{line}:{column}: parse error: {message}")]
    Parse {
        /// The template's name.
        template: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The template uses a directive the engine does not support (API Gateway does not either).
    #[error("{template}:{line}:{column}: unsupported directive #{directive}")]
    Unsupported {
        /// The template's name.
        template: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The directive's name.
        directive: String,
    },
    /// A method threw, an operation was invalid, or a limit was exceeded while rendering.
    #[error("{template}:{line}:{column}: {message}")]
    Render {
        /// The template's name.
        template: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What happened.
        message: String,
    },
}

/// Maps char offsets to 1-based line and column.
#[derive(Debug, Clone)]
pub struct Positions {
    line_starts: Vec<usize>,
}

impl Positions {
    /// Indexes the line starts of `src` (as chars).
    pub fn new(src: &[char]) -> Positions {
        let mut line_starts = vec![0];
        for (i, c) in src.iter().enumerate() {
            if *c == '\n' {
                line_starts.push(i + 1);
            }
        }
        Positions { line_starts }
    }

    /// The 1-based line and column of char offset `pos`.
    pub fn locate(&self, pos: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        (line + 1, pos.saturating_sub(start) + 1)
    }
}
