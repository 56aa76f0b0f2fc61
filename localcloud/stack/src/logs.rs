//! Function logs in the terminal, each line prefixed with the function's logical id
//! (`[ValidateOrderFunction] START RequestId: ...`); the files are `localcloud_lambda::FileSink`'s.

use crate::stack::LogTo;
use localcloud_lambda::LogSink;
use std::collections::HashMap;
use std::io::Write;

/// Prints every line with a `[LogicalId]` prefix.
pub struct TerminalSink {
    names: HashMap<String, String>,
    to: LogTo,
}

impl TerminalSink {
    /// `names`: function name -> logical id.
    pub fn new(names: HashMap<String, String>, to: LogTo) -> Self {
        Self { names, to }
    }
}

impl LogSink for TerminalSink {
    fn line(&self, function: &str, line: &str) {
        self.lines(function, &[line.to_owned()]);
    }

    fn lines(&self, function: &str, lines: &[String]) {
        let id = self.names.get(function).map_or(function, String::as_str);
        let text = localcloud_lambda::logs::joined(lines, &format!("[{id}] "));
        // A closed terminal must not stop the functions: write errors are dropped.
        let _ = match self.to {
            LogTo::Stdout => std::io::stdout().lock().write_all(text.as_bytes()),
            LogTo::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
        };
    }
}
