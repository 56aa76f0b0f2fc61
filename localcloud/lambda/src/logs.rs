//! Function logs as Lambda writes them to CloudWatch: `START RequestId: ... Version: ...`, the
//! function's own stdout/stderr lines, `END RequestId: ...` and the `REPORT` line. Lines go to
//! a [`LogSink`] (the CLI prints them with a prefix and keeps files); the lines of the running
//! invocation are also collected for `X-Amz-Log-Type: Tail`.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// The bytes of log an Invoke with `LogType: Tail` returns (the end of the invocation's log).
pub const TAIL_BYTES: usize = 4096;

/// One log line of one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// The function name.
    pub function: String,
    /// The line, without its newline.
    pub line: String,
}

/// Receives every log line of every function, in order per environment.
pub trait LogSink: Send + Sync {
    /// One line of `function`'s log.
    fn line(&self, function: &str, line: &str);
}

/// Sends lines to a channel (the CLI's terminal printer, tests).
pub struct ChannelSink(pub mpsc::UnboundedSender<LogRecord>);

impl LogSink for ChannelSink {
    fn line(&self, function: &str, line: &str) {
        // A closed receiver means nobody is watching any more: dropping the line is right.
        let _ = self.0.send(LogRecord {
            function: function.to_owned(),
            line: line.to_owned(),
        });
    }
}

/// Appends each function's lines to `<dir>/<function>.log` (what CloudWatch keeps on AWS).
pub struct FileSink {
    dir: PathBuf,
    files: Mutex<HashMap<String, File>>,
}

impl FileSink {
    /// Writes under `dir`, creating it.
    pub fn new(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(Self {
            dir,
            files: Mutex::new(HashMap::new()),
        })
    }
}

impl LogSink for FileSink {
    fn line(&self, function: &str, line: &str) {
        let Ok(mut files) = self.files.lock() else {
            return;
        };
        if !files.contains_key(function) {
            let path = self.dir.join(format!("{function}.log"));
            match OpenOptions::new().create(true).append(true).open(&path) {
                Ok(file) => {
                    files.insert(function.to_owned(), file);
                }
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "cannot open function log");
                    return;
                }
            }
        }
        if let Some(file) = files.get_mut(function) {
            if let Err(error) = writeln!(file, "{line}") {
                tracing::warn!(function, %error, "cannot write function log");
            }
        }
    }
}

/// Sends lines to several sinks (terminal and files).
pub struct FanoutSink(pub Vec<Arc<dyn LogSink>>);

impl LogSink for FanoutSink {
    fn line(&self, function: &str, line: &str) {
        for sink in &self.0 {
            sink.line(function, line);
        }
    }
}

/// The log of one execution environment: every line goes to the sink, and while an
/// invocation runs, into its collection too.
pub(crate) struct EnvLog {
    function: String,
    sink: Arc<dyn LogSink>,
    current: Mutex<Option<Vec<String>>>,
}

impl EnvLog {
    pub(crate) fn new(function: &str, sink: Arc<dyn LogSink>) -> Self {
        Self {
            function: function.to_owned(),
            sink,
            current: Mutex::new(None),
        }
    }

    pub(crate) fn emit(&self, line: &str) {
        self.sink.line(&self.function, line);
        if let Ok(mut current) = self.current.lock() {
            if let Some(lines) = current.as_mut() {
                lines.push(line.to_owned());
            }
        }
    }

    /// Starts collecting the lines of an invocation.
    pub(crate) fn begin(&self) {
        if let Ok(mut current) = self.current.lock() {
            *current = Some(Vec::new());
        }
    }

    /// Stops collecting and returns the invocation's lines.
    pub(crate) fn finish(&self) -> Vec<String> {
        self.current
            .lock()
            .ok()
            .and_then(|mut current| current.take())
            .unwrap_or_default()
    }
}

/// The figures of a REPORT line.
pub(crate) struct Report<'a> {
    pub request_id: &'a str,
    pub duration: Duration,
    pub memory_mb: u32,
    pub max_memory_mb: u64,
    pub init: Option<Duration>,
    /// `timeout` or `error`, as the newer REPORT lines add.
    pub status: Option<&'a str>,
    pub error_type: Option<&'a str>,
}

impl Report<'_> {
    /// `REPORT RequestId: ...\tDuration: 1.23 ms\tBilled Duration: 2 ms\t...` with AWS's tabs.
    /// On provided runtimes the billed duration includes the init duration, rounded up to 1 ms.
    pub(crate) fn line(&self) -> String {
        let millis = |d: Duration| d.as_secs_f64() * 1000.0;
        let billed = (millis(self.duration) + self.init.map_or(0.0, millis)).ceil();
        let mut line = format!(
            "REPORT RequestId: {}\tDuration: {:.2} ms\tBilled Duration: {billed:.0} ms\t\
             Memory Size: {} MB\tMax Memory Used: {} MB\t",
            self.request_id,
            millis(self.duration),
            self.memory_mb,
            self.max_memory_mb
        );
        if let Some(init) = self.init {
            line.push_str(&format!("Init Duration: {:.2} ms\t", millis(init)));
        }
        if let Some(status) = self.status {
            line.push_str(&format!("Status: {status}\t"));
        }
        if let Some(error_type) = self.error_type {
            line.push_str(&format!("Error Type: {error_type}\t"));
        }
        line
    }
}

/// The last [`TAIL_BYTES`] of the lines, cut on a character boundary.
pub(crate) fn tail(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    if text.len() <= TAIL_BYTES {
        return text;
    }
    let mut start = text.len() - TAIL_BYTES;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text.split_off(start)
}

/// `VmHWM` of a process in MB, rounded up: what REPORT calls Max Memory Used.
pub(crate) fn max_memory_mb(pid: Option<u32>) -> u64 {
    let Some(pid) = pid else { return 0 };
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kb| kb.div_ceil(1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_line_has_aws_fields_and_tabs() {
        let report = Report {
            request_id: "r1",
            duration: Duration::from_micros(1_234_560),
            memory_mb: 128,
            max_memory_mb: 12,
            init: Some(Duration::from_micros(15_500)),
            status: None,
            error_type: None,
        };
        assert_eq!(
            report.line(),
            "REPORT RequestId: r1\tDuration: 1234.56 ms\tBilled Duration: 1251 ms\t\
             Memory Size: 128 MB\tMax Memory Used: 12 MB\tInit Duration: 15.50 ms\t"
        );
    }

    #[test]
    fn tail_keeps_the_last_4_kb_on_a_char_boundary() {
        let lines = vec!["é".repeat(3000), "end".to_owned()];
        let tail = tail(&lines);
        assert!(tail.len() <= TAIL_BYTES && tail.len() >= TAIL_BYTES - 1);
        assert!(tail.ends_with("end\n"));
    }

    #[test]
    fn file_sink_appends_one_file_per_function() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sink = FileSink::new(dir.path().join("logs")).expect("sink");
        sink.line("a", "START RequestId: 1 Version: $LATEST");
        sink.line("b", "other");
        sink.line("a", "END RequestId: 1");
        let a = std::fs::read_to_string(dir.path().join("logs/a.log")).expect("a.log");
        assert_eq!(a, "START RequestId: 1 Version: $LATEST\nEND RequestId: 1\n");
        let b = std::fs::read_to_string(dir.path().join("logs/b.log")).expect("b.log");
        assert_eq!(b, "other\n");
    }

    #[test]
    fn own_process_has_a_high_water_mark() {
        assert!(max_memory_mb(Some(std::process::id())) > 0);
    }
}
