//! What [`crate::DynamoService::start`] does before it serves: open the database, load the side
//! files, fail interrupted exports, create or verify the template's tables and apply their PITR
//! flags. All of it is blocking (SQLite, fsync), so `start` runs it on tokio's blocking pool.

use std::path::PathBuf;
use std::sync::Arc;

use dynoxide::storage_backend::{Clock, SystemClock};
use dynoxide::Database;

use crate::error::engine_error;
use crate::pitr::{PitrState, PitrTable};
use crate::{
    export, io_err, persist, tables, ExportBook, SeedBook, Settings, SetupError, TableSpec,
};

/// The opened state, ready to become the service.
pub(crate) struct Opened {
    pub(crate) db: Database,
    pub(crate) side_dir: Option<PathBuf>,
    pub(crate) state_label: String,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) pitr: PitrTable,
    pub(crate) exports: ExportBook,
    pub(crate) seeds: SeedBook,
}

/// Opens the state `settings` names and brings `tables` up to date in it.
pub(crate) fn open(settings: &Settings, tables: &[TableSpec]) -> Result<Opened, SetupError> {
    let clock: Arc<dyn Clock> = settings.clock.clone().unwrap_or_else(SystemClock::arc);
    let (db, side_dir, state_label) = match &settings.state_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
            let file = dir.join("dynamodb.sqlite");
            let label = file.display().to_string();
            let db = Database::new(&label).map_err(engine_error(format!("open {label}")))?;
            (db, Some(dir.join("dynamodb")), label)
        }
        None => {
            let db = match &settings.clock {
                Some(c) => Database::memory_with_clock(c.clone()),
                None => Database::memory(),
            }
            .map_err(engine_error("open in-memory database"))?;
            (db, None, "memory (--ephemeral)".to_string())
        }
    };
    let side = |name: &str| side_dir.as_ref().map(|d| d.join(name));
    let pitr_path = side("pitr.json");
    let mut pitr: PitrTable = match &pitr_path {
        Some(p) => persist::load(p).map_err(io_err(p))?,
        None => PitrTable::new(),
    };
    let mut exports: ExportBook = match side("exports.json") {
        Some(p) => persist::load(&p).map_err(io_err(&p))?,
        None => ExportBook::default(),
    };
    // An export still IN_PROGRESS was cut short when the last run stopped: report it as
    // failed rather than leaving a caller polling forever.
    let interrupted = exports
        .exports
        .iter_mut()
        .filter(|r| r.description["ExportStatus"] == "IN_PROGRESS")
        .map(|r| {
            export::complete(
                &mut r.description,
                &Err((
                    "UNKNOWN".into(),
                    "The export was interrupted: localcloud stopped before it finished".into(),
                )),
                clock.now_unix_secs_f64(),
            )
        })
        .count();
    if interrupted > 0 {
        if let Some(p) = side("exports.json") {
            persist::save(&p, &exports).map_err(io_err(&p))?;
        }
    }
    let seeds: SeedBook = match side("seeds.json") {
        Some(p) => persist::load(&p).map_err(io_err(&p))?,
        None => SeedBook::default(),
    };
    let now = clock.now_unix_secs_f64();
    for spec in tables {
        tables::ensure_table(&db, spec, &state_label)?;
        // The template's value applies when it is new or changed since the last start, as a
        // deploy would; a flag changed through the API survives restarts otherwise.
        let declared = (spec.pitr_enabled, spec.pitr_recovery_days);
        let entry = pitr.entry(spec.table_name.clone()).or_insert(PitrState {
            enabled: spec.pitr_enabled,
            enabled_at: now,
            recovery_days: spec.pitr_recovery_days,
            template: None,
        });
        if entry.template != Some(declared) {
            if spec.pitr_enabled && !entry.enabled {
                entry.enabled_at = now;
            }
            entry.enabled = spec.pitr_enabled;
            entry.recovery_days = spec.pitr_recovery_days;
            entry.template = Some(declared);
        }
    }
    if let Some(p) = &pitr_path {
        persist::save(p, &pitr).map_err(io_err(p))?;
    }
    Ok(Opened {
        db,
        side_dir,
        state_label,
        clock,
        pitr,
        exports,
        seeds,
    })
}
