//! What the end-to-end test files share: where things are, and a `localcloud up` child that is
//! started until its Ready line and stopped (Ctrl-C) when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// The target folder cargo uses for this test: `<target>/debug/deps/<test binary>`.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    exe.ancestors().nth(3).expect("target dir").to_path_buf()
}

/// The `localcloud` binary under test, building into the shared target folder.
pub fn localcloud() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_localcloud"));
    cmd.env("CARGO_TARGET_DIR", target_dir());
    cmd
}

#[path = "../../../test-support/aws_cli.rs"]
mod aws_cli_path;
pub use aws_cli_path::aws_cli;

/// The AWS CLI against `endpoint` with dummy credentials and JSON output.
pub fn aws_command(endpoint: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(aws_cli());
    cmd.args(args)
        .args(["--endpoint-url", endpoint, "--output", "json"])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_remove("AWS_PROFILE");
    cmd
}

/// A running `localcloud up`: its banner (the lines up to `Ready in`), the rest of its
/// standard output, and its endpoint.
pub struct Running {
    pub child: Child,
    pub banner: Vec<String>,
    pub lines: mpsc::Receiver<String>,
    pub endpoint: String,
}

impl Running {
    /// Spawns `cmd` (an `up` command; its stdout is piped here) and waits up to `wait` for the
    /// Ready line.
    pub fn start(mut cmd: Command, wait: Duration) -> Running {
        let mut child = cmd
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn localcloud up");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let mut banner = Vec::new();
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    let ready = line.starts_with("Ready in ");
                    banner.push(line);
                    if ready {
                        break;
                    }
                }
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("no Ready line ({e}); output so far:\n{}", banner.join("\n"));
                }
            }
        }
        let endpoint = banner
            .iter()
            .find_map(|l| l.strip_prefix("Endpoint: "))
            .and_then(|l| l.split_whitespace().next())
            .expect("Endpoint line")
            .to_owned();
        assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
        Running {
            child,
            banner,
            lines: rx,
            endpoint,
        }
    }

    /// The endpoint's port.
    pub fn port(&self) -> &str {
        self.endpoint.rsplit(':').next().expect("port")
    }
}

/// Waits up to `within` for `child` to exit; `None` if it still runs then.
pub fn wait_exit(child: &mut Child, within: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + within;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => return None,
            Err(e) => panic!("waiting for pid {}: {e}", child.id()),
        }
    }
}

/// How long `up` may take to stop after Ctrl-C.
pub const STOP_DEADLINE: Duration = Duration::from_secs(30);

/// A failing assertion must not leave `localcloud up` (and its environments) running: Ctrl-C,
/// then SIGKILL if it has not stopped within `STOP_DEADLINE`.
impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status();
            if wait_exit(&mut self.child, STOP_DEADLINE).is_none() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }
}
