//! Small JSON documents kept beside the SQLite file (PITR flags, exports, seed markers),
//! written with `localcloud_wire::fs::write_durable` so a `kill -9` leaves the old or the new one.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Reads `path` as JSON; a missing file is `T::default()`.
pub fn load<T: DeserializeOwned + Default>(path: &Path) -> std::io::Result<T> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(e),
    }
}

/// Writes `value` to `path` atomically and durably.
pub fn save<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    localcloud_wire::fs::write_durable(path, &bytes)
}
