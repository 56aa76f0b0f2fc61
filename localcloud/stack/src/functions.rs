//! The template's functions as `localcloud_lambda::FunctionConfig`s: what runs (the cargo-built
//! binary of `Metadata.BuildProperties.Binary`, or the Java local jar under the runtime
//! interface client), with the template's resolved settings.

use crate::build;
use localcloud_lambda::FunctionConfig;
use localcloud_template::resource::function::Function;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The main class of the AWS Lambda Java runtime interface client.
pub const JAVA_RIC_MAIN: &str = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

/// How a function's code runs locally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// A native binary built from a workspace crate.
    Rust {
        /// The cargo package (and binary) name.
        crate_name: String,
    },
    /// A Maven project run through the runtime interface client.
    Java {
        /// The project folder (`CodeUri`).
        project: PathBuf,
    },
}

/// What the template says about running a function, or why it cannot run here.
pub fn code_of(f: &Function) -> Result<Code, String> {
    if f.runtime.starts_with("java") {
        return Ok(Code::Java {
            project: f.code_uri.clone(),
        });
    }
    if f.runtime.starts_with("provided") {
        return match f.build.as_ref().and_then(|b| b.binary()) {
            Some(b) => Ok(Code::Rust {
                crate_name: b.to_owned(),
            }),
            None => Err(format!(
                "runtime {} without Metadata.BuildProperties.Binary: no binary to build",
                f.runtime
            )),
        };
    }
    Err(format!(
        "runtime {} is not supported locally (provided.* and java* are)",
        f.runtime
    ))
}

/// The configuration of one function whose command is known.
pub fn config(f: &Function, command: Vec<String>, task_root: Option<PathBuf>) -> FunctionConfig {
    let mut c = FunctionConfig::new(f.function_name.clone(), command);
    c.runtime = f.runtime.clone();
    c.handler = f.handler.clone().unwrap_or_else(|| "bootstrap".to_owned());
    c.task_root = task_root;
    c.memory_mb = f.memory_size;
    c.timeout = Duration::from_secs(u64::from(f.timeout));
    c.environment = f.environment.clone();
    c.reserved_concurrency = f.reserved_concurrency;
    if let Some(alias) = &f.auto_publish_alias {
        // AutoPublishAlias publishes version 1 and points the alias at it.
        c.versions = vec!["1".to_owned()];
        c.aliases.insert(alias.clone(), "1".to_owned());
        if let Some(n) = f.provisioned_concurrency {
            c.provisioned_concurrency = n;
            c.provisioned_qualifier = alias.clone();
        }
    }
    c
}

/// The binary cargo builds for a crate.
pub fn rust_binary(root: &Path, crate_name: &str) -> PathBuf {
    build::target_dir(root)
        .join(build::PROFILE_DIR)
        .join(crate_name)
}

/// The system property that tells the Java RIC where its JNI library is.
pub const RIC_JNI_PROPERTY: &str =
    "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

/// `java [-D<RIC_JNI_PROPERTY>=<lib>] -cp <jar> <RIC main> <handler>`.
pub fn java_command(jdk: &Path, jar: &Path, handler: &str) -> Vec<String> {
    let mut command = vec![
        jdk.join("bin/java").to_string_lossy().into_owned(),
        "-XX:+TieredCompilation".to_owned(),
        "-XX:TieredStopAtLevel=1".to_owned(),
    ];
    match ric_jni_library(jar) {
        Ok(Some(lib)) => command.push(format!("-D{RIC_JNI_PROPERTY}={}", lib.display())),
        Ok(None) => {}
        Err(e) => eprintln!(
            "localcloud: {}: cannot extract the runtime client's JNI library ({e:#}); Java environments starting at once may crash",
            jar.display()
        ),
    }
    command.extend([
        "-cp".to_owned(),
        jar.to_string_lossy().into_owned(),
        JAVA_RIC_MAIN.to_owned(),
        handler.to_owned(),
    ]);
    command
}

/// The jar entry of the RIC's JNI library for this machine (`jni/libaws-lambda-jni.linux-x86_64.so`).
fn ric_jni_entry() -> Option<String> {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x86_64",
        "aarch64" => "aarch_64",
        _ => return None,
    };
    let libc = if cfg!(target_env = "musl") {
        "linux_musl"
    } else {
        "linux"
    };
    Some(format!("jni/libaws-lambda-jni.{libc}-{arch}.so"))
}

/// The Java RIC's JNI library for this machine, extracted once from `jar` next to it.
///
/// Without it every JVM unpacks the library to the fixed path `/tmp/.libaws-lambda-jni.so`
/// and loads it from there; JVMs starting at once (concurrent cold starts) overwrite the file
/// another is loading and die with SIGBUS. On AWS each environment has its own `/tmp`.
/// `None` when the jar carries no library for this platform (the RIC then unpacks its own).
pub fn ric_jni_library(jar: &Path) -> anyhow::Result<Option<PathBuf>> {
    use anyhow::Context;
    let Some(entry) = ric_jni_entry() else {
        return Ok(None);
    };
    let meta = std::fs::metadata(jar).with_context(|| format!("reading {}", jar.display()))?;
    let stamp = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let dir = jar
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("localcloud-jni");
    let lib = dir.join(format!("libaws-lambda-jni-{}-{stamp}.so", meta.len()));
    if lib.is_file() {
        return Ok(Some(lib));
    }
    let file = std::fs::File::open(jar).with_context(|| format!("opening {}", jar.display()))?;
    let mut archive = zip::ZipArchive::new(file).context("reading the jar")?;
    let Ok(mut source) = archive.by_name(&entry) else {
        return Ok(None);
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    // Written under a unique name and renamed into place: two `up`s may extract at once.
    let partial = dir.join(format!(".{}.{}", std::process::id(), fastrand::u64(..)));
    let mut out = std::fs::File::create(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    std::io::copy(&mut source, &mut out).with_context(|| format!("extracting {entry}"))?;
    drop(out);
    std::fs::rename(&partial, &lib).with_context(|| format!("renaming to {}", lib.display()))?;
    Ok(Some(lib))
}

/// "reserved 5", "provisioned 1 on live", "unreserved".
pub fn concurrency_text(c: &FunctionConfig) -> String {
    let mut parts = Vec::new();
    if let Some(r) = c.reserved_concurrency {
        parts.push(format!("reserved {r}"));
    }
    if c.provisioned_concurrency > 0 {
        parts.push(format!(
            "provisioned {} on {}",
            c.provisioned_concurrency, c.provisioned_qualifier
        ));
    }
    if parts.is_empty() {
        "unreserved".to_owned()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn jar(dir: &Path, entries: &[(&str, &[u8])]) -> PathBuf {
        let path = dir.join("f-local.jar");
        let file = std::fs::File::create(&path).expect("jar");
        let mut zip = zip::ZipWriter::new(file);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in entries {
            zip.start_file(*name, stored).expect("entry");
            zip.write_all(bytes).expect("bytes");
        }
        zip.finish().expect("finish");
        path
    }

    #[test]
    fn the_ric_library_is_extracted_once_and_passed_to_the_jvm() {
        let Some(entry) = ric_jni_entry() else {
            return; // no RIC library for this architecture: nothing to extract
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let jar = jar(dir.path(), &[(entry.as_str(), b"\x7fELF library")]);
        let lib = ric_jni_library(&jar).expect("extract").expect("a library");
        assert_eq!(std::fs::read(&lib).expect("lib"), b"\x7fELF library");
        assert_eq!(ric_jni_library(&jar).expect("again"), Some(lib.clone()));
        let command = java_command(Path::new("/jdk"), &jar, "H::handle");
        assert!(command.contains(&format!("-D{RIC_JNI_PROPERTY}={}", lib.display())));
        assert_eq!(command.last().map(String::as_str), Some("H::handle"));
    }

    #[test]
    fn a_jar_without_the_library_leaves_the_ric_to_unpack_its_own() {
        let dir = tempfile::tempdir().expect("tempdir");
        let jar = jar(dir.path(), &[("Handler.class", b"cafebabe")]);
        assert_eq!(ric_jni_library(&jar).expect("read"), None);
        let command = java_command(Path::new("/jdk"), &jar, "H::handle");
        assert!(!command.iter().any(|a| a.starts_with("-D")));
    }
}
