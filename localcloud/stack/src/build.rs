//! Building what the functions run: the Rust binaries with `cargo build` in the workspace's one
//! profile (native architecture, into the workspace `target/`), the Java function's local jar with Maven, and
//! finding a JDK 21 or newer to run it.

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The folder cargo builds into: `$CARGO_TARGET_DIR`, else `<root>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        _ => root.join("target"),
    }
}

fn spinner(message: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The cargo profile the function binaries are built with for local runs: the workspace's
/// `dev` profile, the one `cargo run -p localcloud`, `cargo test` and scripts/bench.sh use, so
/// all of them share one set of compiled dependencies. (`sam build` builds `--release`.)
pub const PROFILE_DIR: &str = "debug";

/// `cargo build -p <crate>...` in the workspace's one profile, showing progress: the crate
/// being compiled, units done of the total, and the elapsed time. Returns how long it took.
pub fn cargo_build(root: &Path, crates: &[String]) -> Result<Duration> {
    let started = Instant::now();
    if crates.is_empty() {
        return Ok(started.elapsed());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let title = format!("cargo build -p {}", crates.join(" -p "));
    let total = unit_estimate(&cargo, root, crates);
    let mut cmd = Command::new(&cargo);
    cmd.args([
        "build",
        "--color",
        "never",
        "--message-format",
        "json-render-diagnostics",
    ])
    .current_dir(root)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    for c in crates {
        cmd.args(["-p", c]);
    }
    let bar = match total {
        Some(n) => {
            let bar = ProgressBar::new(n);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {elapsed:>4} building the functions [{bar:30}] {pos}/{len} {msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        }
        None => spinner(title.clone()),
    };
    let mut child = cmd.spawn().with_context(|| format!("running {cargo}"))?;
    // stderr: cargo's own lines ("Compiling x", errors); kept for the failure message and
    // shown as the bar's message.
    let stderr = child.stderr.take();
    let bar_for_err = bar.clone();
    let tail = std::thread::spawn(move || {
        let mut tail: Vec<String> = Vec::new();
        if let Some(stderr) = stderr {
            for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
                if let Some(rest) = line.trim().strip_prefix("Compiling ") {
                    bar_for_err.set_message(rest.to_owned());
                }
                tail.push(line);
                if tail.len() > 40 {
                    tail.remove(0);
                }
            }
        }
        tail
    });
    // stdout: one JSON message per finished unit (fresh ones too), which is the count.
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            if line.contains("\"reason\":\"compiler-artifact\"")
                || line.contains("\"reason\":\"build-script-executed\"")
            {
                bar.inc(1);
                if bar.length().is_some_and(|len| bar.position() > len) {
                    bar.set_length(bar.position());
                }
            }
        }
    }
    let status = child.wait().context("waiting for cargo")?;
    let tail = tail.join().unwrap_or_default();
    bar.finish_and_clear();
    if !status.success() {
        bail!("`{title}` failed:\n{}", tail.join("\n"));
    }
    Ok(started.elapsed())
}

/// About how many units cargo builds for `crates`: every package they reach through normal and
/// build dependencies, plus a compile and a run for each build script. A progress total only;
/// `None` when `cargo metadata` fails.
fn unit_estimate(cargo: &str, root: &Path, crates: &[String]) -> Option<u64> {
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--filter-platform",
        ])
        .arg(host_triple(cargo)?)
        .current_dir(root)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let packages = meta["packages"].as_array()?;
    let by_name = |name: &str| {
        packages
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["id"].as_str())
    };
    let nodes = meta["resolve"]["nodes"].as_array()?;
    let node = |id: &str| nodes.iter().find(|n| n["id"] == id);
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<String> = crates
        .iter()
        .filter_map(|c| by_name(c))
        .map(str::to_owned)
        .collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        for dep in node(&id)?["deps"].as_array()? {
            let runtime = dep["dep_kinds"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k["kind"] != "dev"));
            if runtime {
                if let Some(d) = dep["pkg"].as_str() {
                    stack.push(d.to_owned());
                }
            }
        }
    }
    let units = packages
        .iter()
        .filter(|p| p["id"].as_str().is_some_and(|id| seen.contains(id)))
        .map(|p| {
            let build_script = p["targets"].as_array().is_some_and(|ts| {
                ts.iter().any(|t| {
                    t["kind"]
                        .as_array()
                        .is_some_and(|k| k.iter().any(|k| k == "custom-build"))
                })
            });
            if build_script {
                3
            } else {
                1
            }
        })
        .sum::<u64>();
    Some(units + crates.len() as u64)
}

/// `rustc -vV`'s host line, for `cargo metadata --filter-platform`.
fn host_triple(cargo: &str) -> Option<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| {
        Path::new(cargo)
            .parent()
            .map(|d| d.join("rustc"))
            .filter(|p| p.is_file())
            .map_or_else(|| "rustc".to_owned(), |p| p.to_string_lossy().into_owned())
    });
    let out = Command::new(rustc).arg("-vV").output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
}

/// A JDK with `bin/java` and a `release` file saying 21 or newer: `$JAVA_HOME` first, then
/// `/usr/lib/jvm/*` (newest name last wins ties), as `scripts/test.sh` picks one.
pub fn find_jdk() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(home) = std::env::var_os("JAVA_HOME").filter(|h| !h.is_empty()) {
        candidates.push(PathBuf::from(home));
    }
    if let Ok(entries) = std::fs::read_dir("/usr/lib/jvm") {
        let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        dirs.sort();
        candidates.extend(dirs);
    }
    candidates
        .into_iter()
        .find(|dir| dir.join("bin/java").is_file() && jdk_major(dir).is_some_and(|m| m >= 21))
}

fn jdk_major(dir: &Path) -> Option<u32> {
    let release = std::fs::read_to_string(dir.join("release")).ok()?;
    let version = release
        .lines()
        .find_map(|l| l.strip_prefix("JAVA_VERSION="))?
        .trim_matches('"');
    version.split(['.', '-', '+']).next()?.parse().ok()
}

/// The local jar of a Java function (`target/<artifactId>-local.jar` under its `CodeUri`).
pub fn local_jar(code_uri: &Path) -> Option<PathBuf> {
    let dir = code_uri.join("target");
    let entries = std::fs::read_dir(&dir).ok()?;
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with("-local.jar"))
}

/// `mvn -B -q package -DskipTests` of a Java function with the repository's Maven cache.
pub fn maven_package(root: &Path, code_uri: &Path, jdk: &Path) -> Result<()> {
    let pom = code_uri.join("pom.xml");
    let bar = spinner(format!("mvn package -f {}", pom.display()));
    let out = Command::new("mvn")
        .arg("-B")
        .arg("-q")
        .arg(format!(
            "-Dmaven.repo.local={}",
            root.join(".m2/repository").display()
        ))
        .arg("-f")
        .arg(&pom)
        .args(["package", "-DskipTests"])
        .env("JAVA_HOME", jdk)
        .current_dir(root)
        .output()
        .context("running mvn (is Maven installed?)")?;
    bar.finish_and_clear();
    if !out.status.success() {
        bail!(
            "mvn package -f {} failed:\n{}{}",
            pom.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_major_version_of_a_jdk() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("release"), "JAVA_VERSION=\"21.0.4\"\n").expect("write");
        assert_eq!(jdk_major(dir.path()), Some(21));
        std::fs::write(dir.path().join("release"), "JAVA_VERSION=\"17\"\n").expect("write");
        assert_eq!(jdk_major(dir.path()), Some(17));
    }
}
