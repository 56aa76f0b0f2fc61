//! Building what the functions run: the Rust binaries with `cargo build --release` (native
//! architecture, into the workspace `target/`), the Java function's local jar with Maven, and
//! finding a JDK 21 or newer to run it.

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

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

/// `cargo build --release -p <crate>...`, showing the crate being compiled.
pub fn cargo_build(root: &Path, crates: &[String]) -> Result<()> {
    if crates.is_empty() {
        return Ok(());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(&cargo);
    cmd.args(["build", "--release", "--color", "never"])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for c in crates {
        cmd.args(["-p", c]);
    }
    let title = format!("cargo build --release -p {}", crates.join(" -p "));
    let bar = spinner(title.clone());
    let mut child = cmd.spawn().with_context(|| format!("running {cargo}"))?;
    let mut tail: Vec<String> = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
            let t = line.trim();
            if let Some(rest) = t.strip_prefix("Compiling ") {
                bar.set_message(format!("{title}: compiling {rest}"));
            }
            tail.push(line);
            if tail.len() > 40 {
                tail.remove(0);
            }
        }
    }
    let status = child.wait().context("waiting for cargo")?;
    bar.finish_and_clear();
    if !status.success() {
        bail!("`{title}` failed:\n{}", tail.join("\n"));
    }
    eprintln!("built {} function binaries ({title})", crates.len());
    Ok(())
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
