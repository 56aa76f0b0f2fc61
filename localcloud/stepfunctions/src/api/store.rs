//! Persistence under the state folder: `<state>/stepfunctions/machines.json` and one
//! `<state>/stepfunctions/executions/<id>.json` per execution (record and history), written
//! atomically (temporary file + rename) when an execution starts and when it ends.

use serde::{de::DeserializeOwned, Serialize};
use std::path::{Path, PathBuf};

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

    /// The file of one execution (ARNs contain `:`; the file name is the ARN with `:` as `_`).
    pub fn execution(&self, arn: &str) -> PathBuf {
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
        self.executions().join(format!("{safe}.json"))
    }
}

/// Writes `value` to `path` atomically.
pub fn save<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    let bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
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
