//! One execution environment: a child process running the function's command against its own
//! Runtime API listener. It serves one invocation at a time, is reused while it lives, and is
//! killed on timeout, reaping or shutdown. Its stdout and stderr become log lines.

use crate::config::{FunctionConfig, ServiceSettings, LATEST};
use crate::logs::{self, EnvLog};
use crate::runtime_api::{self, InitSignal, Invocation, RuntimeResult};
use axum::body::Bytes;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::unix::pipe;
use tokio::process::Command;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// Why an environment could not start.
#[derive(Debug)]
pub(crate) enum InitFailure {
    /// The command could not be started at all.
    Spawn(String),
    /// The process exited before asking for work: "exit status 1", "signal: killed".
    Exited(String),
    /// The runtime posted `/init/error`.
    Reported { error_type: String, body: Bytes },
    /// No `/next` within the init timeout.
    TimedOut(Duration),
}

/// How an invocation in this environment ended.
#[derive(Debug)]
pub(crate) enum RunOutcome {
    Response(Bytes),
    FunctionError {
        error_type: String,
        body: Bytes,
    },
    /// Killed after the function's timeout; carries the elapsed time.
    TimedOut(Duration),
    /// The process exited during the invocation.
    Crashed(String),
}

/// A live execution environment.
pub(crate) struct Environment {
    pub version: String,
    pub provisioned: bool,
    pub init_duration: Duration,
    pub log: Arc<EnvLog>,
    cold: AtomicBool,
    /// The last high-water mark read while the process lived (a killed one has no /proc).
    memory_mb: AtomicU64,
    /// When `memory_mb` was last read from `/proc`.
    memory_read: Mutex<Option<Instant>>,
    invoke_tx: mpsc::Sender<Invocation>,
    exit_rx: watch::Receiver<Option<String>>,
    kill_tx: Mutex<Option<oneshot::Sender<()>>>,
    outputs: Vec<Arc<OutputPipe>>,
    /// `/proc/<pid>/status`, kept open: re-read from offset 0 for each REPORT line.
    status: Option<std::fs::File>,
    tasks: Vec<JoinHandle<()>>,
}

/// How old a Max Memory Used reading may be.
pub(crate) const MEMORY_SAMPLE_INTERVAL: Duration = Duration::from_millis(100);

/// AWS (Go) words exits as `exit status 3` or `signal: killed`.
fn describe_exit(status: std::io::Result<ExitStatus>) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status {
        Ok(status) => match (status.code(), status.signal()) {
            (Some(code), _) => format!("exit status {code}"),
            (None, Some(9)) => "signal: killed".to_owned(),
            (None, Some(15)) => "signal: terminated".to_owned(),
            (None, Some(6)) => "signal: aborted".to_owned(),
            (None, Some(11)) => "signal: segmentation fault".to_owned(),
            (None, Some(signal)) => format!("signal: {signal}"),
            (None, None) => "exit status unknown".to_owned(),
        },
        Err(error) => format!("wait failed: {error}"),
    }
}

/// One of the process's output pipes, read by its pump task as output arrives and drained by
/// the invocation when the function has answered (what it printed before answering is in the
/// pipe by then), without a round trip through the pump task.
struct OutputPipe {
    rx: pipe::Receiver,
    /// The start of a line not yet ended by a newline.
    partial: Mutex<Vec<u8>>,
}

impl OutputPipe {
    /// Reads what the pipe holds now into log lines (held for the invocation's next write when
    /// `hold`); true at end of file.
    fn drain(&self, log: &EnvLog, hold: bool) -> bool {
        let Ok(mut partial) = self.partial.lock() else {
            return true;
        };
        let mut buf = [0u8; 16 * 1024];
        let mut lines = Vec::new();
        let eof = loop {
            match self.rx.try_read(&mut buf) {
                Ok(0) => break true,
                Ok(n) => {
                    let chunk = &buf[..n];
                    let mut rest = chunk;
                    while let Some(i) = rest.iter().position(|b| *b == b'\n') {
                        partial.extend_from_slice(&rest[..i]);
                        let line = String::from_utf8_lossy(&partial);
                        lines.push(line.trim_end_matches('\r').to_owned());
                        partial.clear();
                        rest = &rest[i + 1..];
                    }
                    partial.extend_from_slice(rest);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break false,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break true,
            }
        };
        if eof && !partial.is_empty() {
            lines.push(String::from_utf8_lossy(&partial).into_owned());
            partial.clear();
        }
        if !lines.is_empty() {
            // Written under the pipe's lock, so that a concurrent drain cannot overtake it.
            if hold {
                log.write(lines, true);
            } else {
                log.output(lines);
            }
        }
        eof
    }
}

/// Writes the pipe's lines as they come, until the process closes it.
async fn pump_lines(pipe: Arc<OutputPipe>, log: Arc<EnvLog>) {
    loop {
        if pipe.rx.readable().await.is_err() || pipe.drain(&log, false) {
            return;
        }
    }
}

fn output_pipe(fd: std::io::Result<std::os::fd::OwnedFd>) -> Option<Arc<OutputPipe>> {
    match fd.and_then(pipe::Receiver::from_owned_fd) {
        Ok(rx) => Some(Arc::new(OutputPipe {
            rx,
            partial: Mutex::new(Vec::new()),
        })),
        Err(error) => {
            tracing::warn!(%error, "cannot read a function's output pipe; its lines are lost");
            None
        }
    }
}

impl Environment {
    /// Starts the process and waits until it asks for its first invocation.
    pub(crate) async fn start(
        function: &FunctionConfig,
        version: &str,
        settings: &ServiceSettings,
        provisioned: bool,
    ) -> Result<Environment, InitFailure> {
        let started = Instant::now();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| InitFailure::Spawn(format!("cannot bind the Runtime API: {e}")))?;
        let api = listener
            .local_addr()
            .map_err(|e| InitFailure::Spawn(format!("cannot bind the Runtime API: {e}")))?;
        let (invoke_tx, invoke_rx) = mpsc::channel(1);
        let (init_tx, init_rx) = oneshot::channel();
        let app = runtime_api::router(invoke_rx, init_tx);
        let server = tokio::spawn(async move {
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                let _ = tcp.set_nodelay(true);
            });
            if let Err(error) = axum::serve(listener, app).await {
                tracing::warn!(%error, "runtime API server stopped");
            }
        });
        let mut tasks = vec![server];

        let mut command = build_command(function, version, settings, provisioned, &api.to_string())
            .map_err(InitFailure::Spawn)?;
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(error) => {
                abort_all(&tasks);
                return Err(InitFailure::Spawn(format!(
                    "fork/exec {}: {error}",
                    function.command.first().map_or("", String::as_str)
                )));
            }
        };
        let pid = child.id();
        let log = Arc::new(EnvLog::new(&function.name, settings.sink.clone()));
        let outputs: Vec<Arc<OutputPipe>> = [
            child.stdout.take().map(|o| o.into_owned_fd()),
            child.stderr.take().map(|o| o.into_owned_fd()),
        ]
        .into_iter()
        .flatten()
        .filter_map(output_pipe)
        .collect();
        for output in &outputs {
            tasks.push(tokio::spawn(pump_lines(output.clone(), log.clone())));
        }
        let (exit_tx, mut exit_rx) = watch::channel(None);
        let (kill_tx, kill_rx) = oneshot::channel::<()>();
        tasks.push(tokio::spawn(async move {
            let status = tokio::select! {
                status = child.wait() => status,
                _ = kill_rx => {
                    // Killing fails only if the process already exited; wait reports either way.
                    let _ = child.start_kill();
                    child.wait().await
                }
            };
            let _ = exit_tx.send(Some(describe_exit(status)));
        }));

        let environment = Environment {
            version: version.to_owned(),
            provisioned,
            init_duration: Duration::ZERO,
            log,
            cold: AtomicBool::new(!provisioned),
            memory_mb: AtomicU64::new(0),
            memory_read: Mutex::new(None),
            invoke_tx,
            exit_rx: exit_rx.clone(),
            kill_tx: Mutex::new(Some(kill_tx)),
            outputs,
            status: pid.and_then(|pid| std::fs::File::open(format!("/proc/{pid}/status")).ok()),
            tasks,
        };
        let exited = async {
            let _ = exit_rx.wait_for(Option::is_some).await;
        };
        let signal = tokio::select! {
            signal = init_rx => Some(signal.ok()),
            _ = exited => Some(None),
            _ = tokio::time::sleep(settings.init_timeout) => None,
        };
        let Some(signal) = signal else {
            environment.kill().await;
            return Err(InitFailure::TimedOut(started.elapsed()));
        };
        match signal {
            Some(InitSignal::Ready) => {
                let mut environment = environment;
                environment.init_duration = started.elapsed();
                Ok(environment)
            }
            Some(InitSignal::Failed { error_type, body }) => {
                environment.kill().await;
                Err(InitFailure::Reported { error_type, body })
            }
            None => {
                environment.flush(false);
                Err(InitFailure::Exited(environment.exit_description().await))
            }
        }
    }

    /// True on the first invocation of an on-demand environment (REPORT shows Init Duration).
    pub(crate) fn take_cold(&self) -> bool {
        self.cold.swap(false, Ordering::SeqCst)
    }

    /// Whether the process still runs.
    pub(crate) fn alive(&self) -> bool {
        self.exit_rx.borrow().is_none()
    }

    /// Runs one invocation, killing the environment when `timeout` passes first.
    pub(crate) async fn run(
        &self,
        request_id: &str,
        function_arn: String,
        payload: Bytes,
        timeout: Duration,
    ) -> RunOutcome {
        let started = Instant::now();
        let deadline_ms = chrono::Utc::now().timestamp_millis()
            + i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX / 2);
        let (reply, answer) = oneshot::channel();
        let invocation = Invocation {
            request_id: request_id.to_owned(),
            payload,
            deadline_ms,
            function_arn,
            trace_id: trace_id(),
            reply,
        };
        if self.invoke_tx.send(invocation).await.is_err() {
            return RunOutcome::Crashed(self.exit_description().await);
        }
        let mut exit_rx = self.exit_rx.clone();
        let exited = async {
            let _ = exit_rx.wait_for(Option::is_some).await;
        };
        let answer = tokio::select! {
            answer = answer => Some(answer.ok()),
            _ = exited => Some(None),
            _ = tokio::time::sleep(timeout) => None,
        };
        match answer {
            Some(Some(RuntimeResult::Response(body))) => RunOutcome::Response(body),
            Some(Some(RuntimeResult::Error { error_type, body })) => {
                RunOutcome::FunctionError { error_type, body }
            }
            Some(None) => RunOutcome::Crashed(self.exit_description().await),
            None => {
                let elapsed = started.elapsed();
                self.max_memory_mb();
                self.kill().await;
                RunOutcome::TimedOut(elapsed)
            }
        }
    }

    /// Reads what the process has printed so far into the log; `hold` keeps the lines for the
    /// invocation's last write (its END and REPORT lines).
    pub(crate) fn flush(&self, hold: bool) {
        for output in &self.outputs {
            output.drain(&self.log, hold);
        }
    }

    /// `exit status N` once the process has exited (waits for the exit to be observed).
    async fn exit_description(&self) -> String {
        let mut exit_rx = self.exit_rx.clone();
        let description = match exit_rx.wait_for(Option::is_some).await {
            Ok(status) => status.clone().unwrap_or_default(),
            Err(_) => "exit status unknown".to_owned(),
        };
        description
    }

    /// Kills the process and waits until it is gone.
    pub(crate) async fn kill(&self) {
        if let Some(kill) = self.kill_tx.lock().ok().and_then(|mut k| k.take()) {
            let _ = kill.send(());
        }
        let mut exit_rx = self.exit_rx.clone();
        let exited = exit_rx.wait_for(Option::is_some).await.is_ok();
        drop(exit_rx);
        if exited {
            self.flush(false);
        }
    }

    /// Memory high-water mark of the process, for REPORT: `VmHWM`, read again when the last
    /// reading is older than [`MEMORY_SAMPLE_INTERVAL`] (reading `/proc/<pid>/status` costs
    /// several microseconds, a good part of a warm invoke), so a peak reached by one of several
    /// invocations within that interval shows on a later REPORT line.
    pub(crate) fn max_memory_mb(&self) -> u64 {
        let due = self.memory_read.lock().map_or(true, |mut last| {
            let due = last.is_none_or(|t| t.elapsed() >= MEMORY_SAMPLE_INTERVAL);
            if due {
                *last = Some(Instant::now());
            }
            due
        });
        if !due {
            return self.memory_mb.load(Ordering::Relaxed);
        }
        match self.status.as_ref().map_or(0, logs::max_memory_mb) {
            0 => self.memory_mb.load(Ordering::Relaxed),
            mb => {
                self.memory_mb.store(mb, Ordering::Relaxed);
                mb
            }
        }
    }
}

impl Drop for Environment {
    fn drop(&mut self) {
        if let Some(kill) = self.kill_tx.lock().ok().and_then(|mut k| k.take()) {
            let _ = kill.send(());
        }
        // The process's exit ends the line pumps and the waiter (which reaps it); only the
        // Runtime API listener would outlive the environment.
        if let Some(server) = self.tasks.first() {
            server.abort();
        }
    }
}

fn abort_all(tasks: &[JoinHandle<()>]) {
    for task in tasks {
        task.abort();
    }
}

/// An X-Ray trace header: `Root=1-<8 hex time>-<24 hex>;Parent=<16 hex>;Sampled=0`.
fn trace_id() -> String {
    format!(
        "Root=1-{:08x}-{:024x};Parent={:016x};Sampled=0",
        chrono::Utc::now().timestamp(),
        fastrand::u128(..) >> 32,
        fastrand::u64(..)
    )
}

/// The process with the environment the Lambda service gives it (and nothing from ours but
/// `PATH`, so the local result does not depend on the caller's shell).
fn build_command(
    function: &FunctionConfig,
    version: &str,
    settings: &ServiceSettings,
    provisioned: bool,
    runtime_api: &str,
) -> Result<Command, String> {
    let (program, args) = function
        .command
        .split_first()
        .filter(|(program, _)| !program.is_empty())
        .ok_or_else(|| format!("function {} has no command to run", function.name))?;
    let task_root = function.task_root.clone().unwrap_or_else(|| {
        std::path::Path::new(program)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(
                || std::path::PathBuf::from("."),
                std::path::Path::to_path_buf,
            )
    });
    let stream = format!(
        "{}/[{}]{}",
        chrono::Utc::now().format("%Y/%m/%d"),
        if version.is_empty() { LATEST } else { version },
        uuid::Uuid::new_v4().simple()
    );
    let mut command = Command::new(program);
    command
        .args(args)
        .env_clear()
        .current_dir(&task_root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    let task_root = task_root.to_string_lossy().into_owned();
    let vars = [
        ("AWS_LAMBDA_FUNCTION_NAME", function.name.clone()),
        (
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            function.memory_mb.to_string(),
        ),
        ("AWS_LAMBDA_FUNCTION_VERSION", version.to_owned()),
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_owned()),
        (
            "AWS_LAMBDA_LOG_GROUP_NAME",
            format!("/aws/lambda/{}", function.name),
        ),
        ("AWS_LAMBDA_LOG_STREAM_NAME", stream),
        (
            "AWS_LAMBDA_INITIALIZATION_TYPE",
            if provisioned {
                "provisioned-concurrency"
            } else {
                "on-demand"
            }
            .to_owned(),
        ),
        (
            "AWS_EXECUTION_ENV",
            format!("AWS_Lambda_{}", function.runtime.replace('.', "_")),
        ),
        ("_HANDLER", function.handler.clone()),
        ("AWS_REGION", settings.region.clone()),
        ("AWS_DEFAULT_REGION", settings.region.clone()),
        ("AWS_ACCESS_KEY_ID", "ASIALOCALCLOUDDUMMY00".to_owned()),
        (
            "AWS_SECRET_ACCESS_KEY",
            "localcloud-dummy-secret".to_owned(),
        ),
        ("AWS_SESSION_TOKEN", "localcloud-dummy-session".to_owned()),
        ("LAMBDA_TASK_ROOT", task_root.clone()),
        ("LAMBDA_RUNTIME_DIR", task_root),
        ("TZ", ":UTC".to_owned()),
        ("LANG", "en_US.UTF-8".to_owned()),
    ];
    command.envs(vars);
    if let Some(endpoint) = &settings.endpoint_url {
        command.env("AWS_ENDPOINT_URL", endpoint);
    }
    command.envs(&function.environment);
    Ok(command)
}
