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

    /// Consecutive lines of `function`'s log (a sink that writes to a file or terminal writes
    /// them at once).
    fn lines(&self, function: &str, lines: &[String]) {
        for line in lines {
            self.line(function, line);
        }
    }
}

/// The lines, each ended by a newline.
pub fn joined(lines: &[String], prefix: &str) -> String {
    let mut text = String::with_capacity(lines.iter().map(|l| l.len() + prefix.len() + 1).sum());
    for line in lines {
        text.push_str(prefix);
        text.push_str(line);
        text.push('\n');
    }
    text
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
        self.lines(function, &[line.to_owned()]);
    }

    fn lines(&self, function: &str, lines: &[String]) {
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
            if let Err(error) = file.write_all(joined(lines, "").as_bytes()) {
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

    fn lines(&self, function: &str, lines: &[String]) {
        for sink in &self.0 {
            sink.lines(function, lines);
        }
    }
}

/// The log of one execution environment: every line goes to the sink, and while an
/// invocation runs, into its collection too. Lines may be held back and written with the next
/// ones, so that a quick invocation costs one write per sink (START, output, END, REPORT).
pub(crate) struct EnvLog {
    function: String,
    sink: Arc<dyn LogSink>,
    state: Mutex<LogState>,
}

struct LogState {
    /// The running invocation's lines.
    current: Option<Vec<String>>,
    /// Lines not yet written to the sink.
    held: Vec<String>,
    /// Whether output is written as it comes (false in the first moment of an invocation).
    live: bool,
}

impl EnvLog {
    pub(crate) fn new(function: &str, sink: Arc<dyn LogSink>) -> Self {
        Self {
            function: function.to_owned(),
            sink,
            state: Mutex::new(LogState {
                current: None,
                held: Vec::new(),
                live: true,
            }),
        }
    }

    /// Writes `line` (after any held lines).
    pub(crate) fn emit(&self, line: &str) {
        self.write(vec![line.to_owned()], false);
    }

    /// Keeps `line` for the next write.
    pub(crate) fn hold(&self, line: &str) {
        self.write(vec![line.to_owned()], true);
    }

    /// The function's own output: written at once, or held in the first moment of an
    /// invocation (see [`Self::go_live`]).
    pub(crate) fn output(&self, lines: Vec<String>) {
        self.write_with(lines, |state| !state.live);
    }

    /// Writes the held lines and lets output through as it comes.
    pub(crate) fn go_live(&self) {
        self.write_with(Vec::new(), |state| {
            state.live = true;
            false
        });
    }

    /// Writes `lines` after any held ones, or holds them too.
    pub(crate) fn write(&self, lines: Vec<String>, hold: bool) {
        self.write_with(lines, |_| hold);
    }

    /// The sink is called under the lock, so lines from the output pumps and the invocation
    /// keep their order.
    fn write_with(&self, lines: Vec<String>, hold: impl FnOnce(&mut LogState) -> bool) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if let Some(current) = state.current.as_mut() {
            current.extend(lines.iter().cloned());
        }
        state.held.extend(lines);
        if !hold(&mut state) && !state.held.is_empty() {
            let batch = std::mem::take(&mut state.held);
            self.sink.lines(&self.function, &batch);
        }
    }

    /// Starts collecting the lines of an invocation; its output is held until
    /// [`Self::go_live`] or the invocation's last write.
    pub(crate) fn begin(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.current = Some(Vec::new());
            state.live = false;
        }
    }

    /// Stops collecting and returns the invocation's lines.
    pub(crate) fn finish(&self) -> Vec<String> {
        self.state
            .lock()
            .ok()
            .and_then(|mut state| {
                state.live = true;
                state.current.take()
            })
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

/// `VmHWM` of a process in MB, rounded up (what REPORT calls Max Memory Used), from its
/// `/proc/<pid>/status` (read from offset 0, so one open file serves every REPORT).
pub(crate) fn max_memory_mb(status: &File) -> u64 {
    use std::os::unix::fs::FileExt;
    let mut buf = [0u8; 8192];
    let Ok(n) = status.read_at(&mut buf, 0) else {
        return 0;
    };
    String::from_utf8_lossy(&buf[..n])
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

    /// Records each call to the sink as one batch.
    #[derive(Default)]
    struct Batches(Mutex<Vec<Vec<String>>>);

    impl LogSink for Batches {
        fn line(&self, _: &str, line: &str) {
            self.lines("", &[line.to_owned()]);
        }
        fn lines(&self, _: &str, lines: &[String]) {
            if let Ok(mut b) = self.0.lock() {
                b.push(lines.to_vec());
            }
        }
    }

    fn batches(sink: &Batches) -> Vec<Vec<String>> {
        sink.0.lock().map(|b| b.clone()).unwrap_or_default()
    }

    #[test]
    fn a_quick_invocation_is_written_at_once_in_order() {
        let sink = Arc::new(Batches::default());
        let log = EnvLog::new("f", sink.clone());
        log.begin();
        log.hold("START");
        log.output(vec!["printed".into()]);
        log.hold("END");
        assert!(batches(&sink).is_empty(), "nothing written before REPORT");
        log.emit("REPORT");
        assert_eq!(log.finish(), ["START", "printed", "END", "REPORT"]);
        assert_eq!(batches(&sink), [["START", "printed", "END", "REPORT"]]);
        // Between invocations output is written as it comes.
        log.output(vec!["later".into()]);
        assert_eq!(batches(&sink).len(), 2);
    }

    #[test]
    fn a_longer_invocation_goes_live() {
        let sink = Arc::new(Batches::default());
        let log = EnvLog::new("f", sink.clone());
        log.begin();
        log.hold("START");
        log.output(vec!["first".into()]);
        log.go_live();
        assert_eq!(batches(&sink), [["START", "first"]]);
        log.output(vec!["second".into()]);
        assert_eq!(batches(&sink).len(), 2);
        log.hold("END");
        log.emit("REPORT");
        assert_eq!(
            batches(&sink),
            vec![
                vec!["START", "first"],
                vec!["second"],
                vec!["END", "REPORT"]
            ]
        );
        assert_eq!(log.finish(), ["START", "first", "second", "END", "REPORT"]);
    }

    #[test]
    fn own_process_has_a_high_water_mark() {
        let status = File::open("/proc/self/status").expect("status");
        assert!(max_memory_mb(&status) > 0);
        // The same open file answers again, with the mark after 64 MB were touched.
        let grown = std::hint::black_box(vec![1u8; 64 * 1024 * 1024]);
        assert!(max_memory_mb(&status) >= 64, "{}", grown.len());
    }
}
