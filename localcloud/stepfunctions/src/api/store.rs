//! Persistence under the state folder: `<state>/stepfunctions/machines.json` and one
//! `<state>/stepfunctions/executions/<encoded ARN>.json` per Standard execution (record and
//! history), written with `localcloud-wire`'s durable write (fsynced temporary file, rename,
//! folder fsync) when an execution starts and when it ends. Express executions are never
//! written: AWS keeps their history only in CloudWatch Logs, and an fsync per Express run
//! would sit on the hot path of every synchronous request.
//!
//! The file name is an injective encoding of the ARN ([`file_name`]), so two executions never
//! share a file. Earlier versions mapped every unsafe character to `_` (so `a:b` and `a_b`
//! collided); [`Store::migrate`] renames their files on load.

use serde::{de::DeserializeOwned, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Longest encoded name kept whole; longer ones (names of many non-ASCII characters: each
/// UTF-8 byte takes three characters) are shortened with a digest to stay under the 255-byte
/// file-name limit of common file systems.
const MAX_ENCODED: usize = 200;

/// The folder layout.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// `<state>/stepfunctions`.
    pub fn new(state_dir: &Path) -> Store {
        Store {
            root: state_dir.join("stepfunctions"),
        }
    }

    /// The machines file.
    pub fn machines(&self) -> PathBuf {
        self.root.join("machines.json")
    }

    /// The executions folder.
    pub fn executions(&self) -> PathBuf {
        self.root.join("executions")
    }

    /// The file of one execution.
    pub fn execution(&self, arn: &str) -> PathBuf {
        self.executions().join(file_name(arn))
    }

    /// Moves the file at `found`, holding the execution `arn`, to [`Store::execution`] when an
    /// earlier version named it otherwise: the bytes are written under the new name first, so
    /// a crash in between leaves a duplicate (the same record twice), never a loss.
    pub fn migrate<T: Serialize>(
        &self,
        found: &Path,
        arn: &str,
        record: &T,
    ) -> std::io::Result<()> {
        let want = self.execution(arn);
        if found == want {
            return Ok(());
        }
        save(&want, record)?;
        std::fs::remove_file(found)
    }
}

/// The file name of execution `arn`: `[A-Za-z0-9.-]` kept, every other byte (`_` included)
/// written as `_HH` (upper-case hex), plus `.json`. Distinct ARNs give distinct names: the
/// encoding is decodable, and a shortened name (over [`MAX_ENCODED`]) carries a `~`, which
/// no whole encoding contains, before the SHA-256 of the ARN.
pub fn file_name(arn: &str) -> String {
    let mut out = String::with_capacity(arn.len() + 16);
    for b in arn.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "_{b:02X}");
        }
    }
    if out.len() > MAX_ENCODED {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(arn.as_bytes());
        // Cut on a char boundary (the encoding is ASCII, so any index is one).
        out.truncate(MAX_ENCODED - 65);
        out.push('~');
        for b in digest {
            let _ = write!(out, "{b:02x}");
        }
    }
    out.push_str(".json");
    out
}

/// Writes `value` to `path` durably and atomically.
pub fn save<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    localcloud_wire::fs::write_durable(path, &bytes)
}

/// Reads `path`; `None` when it does not exist.
pub fn load<T: DeserializeOwned>(path: &Path) -> std::io::Result<Option<T>> {
    match std::fs::read(path) {
        Ok(b) => serde_json::from_slice(&b)
            .map(Some)
            .map_err(std::io::Error::other),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The execution files of `dir` (`*.json`, not the durable write's temporary files).
pub fn execution_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            !localcloud_wire::fs::is_temporary(&name) && name.ends_with(".json")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What earlier versions named the file.
    fn old_name(arn: &str) -> String {
        let safe: String = arn
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{safe}.json")
    }

    #[test]
    fn arns_that_collided_before_get_distinct_files() {
        let a = "arn:aws:states:us-east-1:000000000000:execution:m:a_b";
        let b = "arn:aws:states:us-east-1:000000000000:execution:m:a+b";
        assert_eq!(old_name(a), old_name(b), "the old encoding collides");
        assert_ne!(file_name(a), file_name(b));
        assert_eq!(
            file_name("arn:x_y"),
            "arn_3Ax_5Fy.json",
            "`_` itself is encoded, so the encoding decodes"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::new(dir.path());
        save(&store.execution(a), &"A").expect("save a");
        save(&store.execution(b), &"B").expect("save b");
        let back: Option<String> = load(&store.execution(a)).expect("load");
        assert_eq!(back.as_deref(), Some("A"));
        assert_eq!(execution_files(&store.executions()).len(), 2);
    }

    #[test]
    fn long_names_are_shortened_with_a_digest() {
        let long = format!("arn:aws:states:r:1:execution:m:{}", "é".repeat(80));
        let other = format!("arn:aws:states:r:1:execution:m:{}", "ê".repeat(80));
        let (a, b) = (file_name(&long), file_name(&other));
        assert!(a.len() <= MAX_ENCODED + 5, "{}", a.len());
        assert!(a.contains('~'));
        assert_ne!(a, b);
    }

    #[test]
    fn a_file_of_an_earlier_version_is_renamed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::new(dir.path());
        let arn = "arn:aws:states:us-east-1:000000000000:execution:m:e";
        let old = store.executions().join(old_name(arn));
        save(&old, &"rec").expect("save");
        store.migrate(&old, arn, &"rec").expect("migrate");
        assert!(!old.exists());
        let files = execution_files(&store.executions());
        assert_eq!(files, [store.execution(arn)]);
        // Already under its name: nothing moves.
        store.migrate(&files[0], arn, &"rec").expect("again");
        assert!(store.execution(arn).exists());
    }
}
