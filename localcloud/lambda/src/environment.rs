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
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
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
    pub pid: Option<u32>,
    pub log: Arc<EnvLog>,
    cold: AtomicBool,
    /// The last high-water mark read while the process lived (a killed one has no /proc).
    memory_mb: AtomicU64,
    invoke_tx: mpsc::Sender<Invocation>,
    exit_rx: watch::Receiver<Option<String>>,
    kill_tx: Mutex<Option<oneshot::Sender<()>>>,
    flushers: Vec<mpsc::UnboundedSender<oneshot::Sender<()>>>,
    tasks: Vec<JoinHandle<()>>,
}

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

/// Reads lines (lossy UTF-8) into the log. A flush request is acknowledged only when no
/// complete line is ready to read, so lines written before the runtime's HTTP call are logged
/// before the invocation's END line.
async fn pump_lines(
    reader: impl AsyncRead + Unpin,
    log: Arc<EnvLog>,
    mut flush_rx: mpsc::UnboundedReceiver<oneshot::Sender<()>>,
) {
    let mut reader = BufReader::new(reader);
    let mut buf = Vec::new();
    loop {
        tokio::select! {
            biased;
            read = reader.read_until(b'\n', &mut buf) => {
                match read {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let line = String::from_utf8_lossy(&buf);
                        log.emit(line.trim_end_matches(['\n', '\r']));
                        buf.clear();
                    }
                }
            }
            Some(ack) = flush_rx.recv() => {
                let _ = ack.send(());
            }
        }
    }
    if !buf.is_empty() {
        log.emit(&String::from_utf8_lossy(&buf));
    }
    while let Some(ack) = flush_rx.recv().await {
        let _ = ack.send(());
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
        let mut flushers = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            let (tx, rx) = mpsc::unbounded_channel();
            flushers.push(tx);
            tasks.push(tokio::spawn(pump_lines(stdout, log.clone(), rx)));
        }
        if let Some(stderr) = child.stderr.take() {
            let (tx, rx) = mpsc::unbounded_channel();
            flushers.push(tx);
            tasks.push(tokio::spawn(pump_lines(stderr, log.clone(), rx)));
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
            pid,
            log,
            cold: AtomicBool::new(!provisioned),
            memory_mb: AtomicU64::new(0),
            invoke_tx,
            exit_rx: exit_rx.clone(),
            kill_tx: Mutex::new(Some(kill_tx)),
            flushers,
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
                environment.flush().await;
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

    /// Waits until every line the process wrote so far has reached the log.
    pub(crate) async fn flush(&self) {
        for flusher in &self.flushers {
            let (ack, done) = oneshot::channel();
            if flusher.send(ack).is_ok() {
                let _ = done.await;
            }
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
            self.flush().await;
        }
    }

    /// Memory high-water mark of the process, for REPORT.
    pub(crate) fn max_memory_mb(&self) -> u64 {
        match logs::max_memory_mb(self.pid) {
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
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "Root=1-{:08x}-{};Parent={};Sampled=0",
        chrono::Utc::now().timestamp(),
        &id[..24],
        &uuid::Uuid::new_v4().simple().to_string()[..16]
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
