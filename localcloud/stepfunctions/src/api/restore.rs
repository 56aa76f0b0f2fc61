//! Loading the persisted state when the service starts: the machines, and every Standard
//! execution. An execution found `RUNNING` is failed with [`RESTART_CAUSE`] (its in-memory
//! progress is gone). Files of earlier versions are brought up to date: an Express execution's
//! file is deleted (Express executions are no longer persisted, see [`super::retention`]), and
//! a file under a name that is not [`super::store::file_name`] of its ARN is renamed.

use super::record::{ExecutionRecord, MachineRecord, MachineType, Status};
use super::{epoch, store, StartError, RESTART_CAUSE};
use crate::clock::Clock;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The machines and executions of the state folder, by ARN.
pub(crate) type Restored = (
    BTreeMap<String, MachineRecord>,
    BTreeMap<String, Arc<ExecutionRecord>>,
);

fn failed(path: &Path) -> impl FnOnce(std::io::Error) -> StartError + '_ {
    move |source| StartError {
        path: path.display().to_string(),
        source,
    }
}

/// Reads `s`, repairing what earlier versions or a crash left.
pub(crate) fn restore(s: &store::Store, clock: &dyn Clock) -> Result<Restored, StartError> {
    let mut machines = BTreeMap::new();
    let path = s.machines();
    let list: Vec<MachineRecord> = store::load(&path)
        .map_err(failed(&path))?
        .unwrap_or_default();
    for mut m in list {
        m.parsed = crate::validate::parse_definition(&m.definition)
            .ok()
            .map(Arc::new);
        machines.insert(m.arn.clone(), m);
    }
    let mut executions = BTreeMap::new();
    for path in store::execution_files(&s.executions()) {
        if let Some(rec) = restore_execution(s, &path, clock)? {
            executions.insert(rec.arn.clone(), Arc::new(rec));
        }
    }
    Ok((machines, executions))
}

fn restore_execution(
    s: &store::Store,
    path: &PathBuf,
    clock: &dyn Clock,
) -> Result<Option<ExecutionRecord>, StartError> {
    let Some(mut rec) = store::load::<ExecutionRecord>(path).map_err(failed(path))? else {
        return Ok(None);
    };
    if rec.machine_type == MachineType::Express {
        std::fs::remove_file(path).map_err(failed(path))?;
        return Ok(None);
    }
    let mut changed = false;
    if rec.status == Status::Running {
        let now = clock.now();
        rec.status = Status::Failed;
        rec.stop_date = Some(epoch(now));
        rec.error = Some("States.Runtime".into());
        rec.cause = Some(RESTART_CAUSE.into());
        let prev = rec.history.len() as u64;
        rec.history.push(serde_json::json!({
            "id": prev + 1, "previousEventId": prev,
            "timestamp": crate::clock::iso(now),
            "type": "ExecutionFailed",
            "executionFailedEventDetails": {"error": "States.Runtime", "cause": RESTART_CAUSE},
        }));
        changed = true;
    }
    let want = s.execution(&rec.arn);
    if changed && *path == want {
        store::save(path, &rec).map_err(failed(path))?;
    } else if *path != want {
        s.migrate(path, &rec.arn, &rec).map_err(failed(path))?;
    }
    Ok(Some(rec))
}
