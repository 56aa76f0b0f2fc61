//! Seed files: `BatchWriteItem`-shaped JSON (`{"<table>": [{"PutRequest": {"Item": ...}}]}`,
//! like `data/inventory.json`) loaded into a table the caller names, once: the first load is
//! recorded in `seeds.json` under the state folder so a restart does not overwrite data.

use std::path::Path;

use dynoxide::Database;
use serde_json::{json, Value};

use crate::error::SetupError;

/// DynamoDB's BatchWriteItem limit.
const BATCH: usize = 25;

/// What a seed call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The file was loaded now, with this many write requests.
    Loaded(usize),
    /// The seed had already run on this state folder; nothing was written.
    AlreadyLoaded,
}

/// The marker key a seed is recorded under.
pub fn marker(file: &Path, table: &str) -> String {
    format!("{table} <- {}", file.display())
}

/// Reads the write requests out of a seed file. The file's single top-level key names the
/// table in the file's world (it may differ from the local table name).
pub fn read_requests(file: &Path) -> Result<Vec<Value>, SetupError> {
    let invalid = |message: String| SetupError::InvalidSeed {
        path: file.display().to_string(),
        message,
    };
    let raw = std::fs::read(file).map_err(|source| SetupError::Io {
        path: file.display().to_string(),
        source,
    })?;
    let doc: Value = serde_json::from_slice(&raw).map_err(|e| invalid(e.to_string()))?;
    let obj = doc
        .as_object()
        .ok_or_else(|| invalid("expected an object of table name -> write requests".into()))?;
    if obj.len() != 1 {
        return Err(invalid(format!(
            "expected exactly one table key, found {}: {:?}",
            obj.len(),
            obj.keys().collect::<Vec<_>>()
        )));
    }
    let (_, requests) = obj.iter().next().ok_or_else(|| invalid("empty".into()))?;
    let requests = requests
        .as_array()
        .ok_or_else(|| invalid("the table key must hold a list".into()))?;
    for (i, r) in requests.iter().enumerate() {
        let ok = r
            .get("PutRequest")
            .and_then(|p| p.get("Item"))
            .is_some_and(Value::is_object)
            || r.get("DeleteRequest")
                .and_then(|p| p.get("Key"))
                .is_some_and(Value::is_object);
        if !ok {
            return Err(invalid(format!(
                "request [{i}] is neither PutRequest.Item nor DeleteRequest.Key"
            )));
        }
    }
    Ok(requests.clone())
}

/// Writes the requests into `table` in batches of 25.
pub fn write(
    db: &Database,
    table: &str,
    requests: &[Value],
    file: &Path,
) -> Result<usize, SetupError> {
    let engine = |e: String| SetupError::InvalidSeed {
        path: file.display().to_string(),
        message: e,
    };
    for chunk in requests.chunks(BATCH) {
        let mut pending: Value = json!({ table: chunk });
        for _attempt in 0..10 {
            let req = serde_json::from_value(json!({ "RequestItems": pending }))
                .map_err(|e| engine(e.to_string()))?;
            let resp = db
                .batch_write_item(req)
                .map_err(|e| engine(format!("BatchWriteItem into {table}: {e}")))?;
            let resp = serde_json::to_value(resp).map_err(|e| engine(e.to_string()))?;
            match resp.get("UnprocessedItems") {
                Some(Value::Object(m)) if !m.is_empty() => pending = Value::Object(m.clone()),
                _ => {
                    pending = Value::Null;
                    break;
                }
            }
        }
        if !pending.is_null() {
            return Err(engine(format!(
                "BatchWriteItem into {table} kept returning UnprocessedItems"
            )));
        }
    }
    Ok(requests.len())
}
