//! Execution operations: StartExecution (Standard: idempotent by name while running with the
//! same input, `ExecutionAlreadyExists` otherwise; Express: a new execution every call, as
//! AWS's at-least-once start allows), StartSyncExecution (Express only, with
//! `billingDetails`), DescribeExecution, ListExecutions, GetExecutionHistory, StopExecution and
//! SendTaskSuccess/Failure/Heartbeat. Express executions get the five-minute limit as a
//! machine-level timeout (`States.Timeout`, `TIMED_OUT`), and keep their history in memory
//! only, within the service's `ExpressRetention` (Standard ones are persisted).

use super::machines::{check_name, paginate, str_field};
use super::record::{ExecutionRecord, MachineRecord, MachineType, Status};
use super::{epoch, lock, store, Done, Inner, Live, SfnError};
use crate::execution::{execute_with, ExecutionOptions, StopRequest};
use crate::history::History;
use crate::integration::TokenError;
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::{oneshot, watch};

const MAX_INPUT: usize = 256 * 1024;

fn event_json(e: &crate::history::HistoryEvent) -> Value {
    serde_json::to_value(e).unwrap_or(Value::Null)
}

fn api_event(mut e: Value, include_data: bool) -> Value {
    if let Some(ts) = e.get("timestamp").and_then(Value::as_str) {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(ts) {
            e["timestamp"] = json!(epoch(t.with_timezone(&chrono::Utc)));
        }
    }
    if !include_data {
        if let Value::Object(m) = &mut e {
            for (_, d) in m.iter_mut() {
                if let Value::Object(details) = d {
                    for k in ["input", "output", "parameters"] {
                        details.remove(k);
                    }
                }
            }
        }
    }
    e
}

/// `statusFilter`: `None` lists every status; `Some(None)` is `PENDING_REDRIVE`, a valid value
/// no local execution has (redrive is not emulated).
fn status_filter(req: &Value) -> Result<Option<Option<Status>>, SfnError> {
    let Some(f) = req.get("statusFilter").and_then(Value::as_str) else {
        return Ok(None);
    };
    if f == "PENDING_REDRIVE" {
        return Ok(Some(None));
    }
    Status::parse(f).map(|s| Some(Some(s))).ok_or_else(|| {
        SfnError::ValidationException(format!(
            "1 validation error detected: Value '{f}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]"
        ))
    })
}

/// DescribeExecution's answer for `r`.
pub(crate) fn describe(r: &ExecutionRecord) -> Value {
    let mut out = json!({
        "executionArn": r.arn,
        "stateMachineArn": r.state_machine_arn,
        "name": r.name,
        "status": r.status.as_str(),
        "startDate": r.start_date,
        "input": r.input,
        "inputDetails": {"included": true},
        "redriveCount": 0,
        "redriveStatus": "NOT_REDRIVABLE",
    });
    if let Some(d) = r.stop_date {
        out["stopDate"] = json!(d);
    }
    ended_fields(r, &mut out);
    out
}

/// `output`, `error` and `cause`, when the execution has them.
fn ended_fields(r: &ExecutionRecord, out: &mut Value) {
    if let Some(o) = &r.output {
        out["output"] = json!(o);
        out["outputDetails"] = json!({"included": true});
    }
    if let Some(e) = &r.error {
        out["error"] = json!(e);
    }
    if let Some(c) = &r.cause {
        out["cause"] = json!(c);
    }
}

impl Inner {
    /// Writes a Standard execution's current record (Express ones are never written).
    fn persist(&self, arn: &str) {
        let Some(s) = &self.store else { return };
        let _one_writer = lock(&self.persisting);
        let rec = lock(&self.executions).get(arn).cloned();
        if let Some(rec) = rec.filter(|r| r.machine_type == MachineType::Standard) {
            if let Err(e) = store::save(&s.execution(arn), &*rec) {
                tracing::error!(execution = arn, error = %e, "could not persist the execution");
            }
        }
    }

    /// Drops the ended Express executions the retention bounds no longer keep.
    fn evict_express(&self) {
        let now = self.settings.clock.elapsed();
        let gone = lock(&self.express_ended).evict(now, &self.settings.express_retention);
        if !gone.is_empty() {
            let mut execs = lock(&self.executions);
            for arn in gone {
                execs.remove(&arn);
            }
        }
    }

    /// Records and spawns an execution; returns its record and a receiver that turns `Some`
    /// with the final record when it ends.
    fn launch(
        &self,
        machine: &MachineRecord,
        name: String,
        input_text: String,
        input: Value,
    ) -> Result<(Arc<ExecutionRecord>, Done), SfnError> {
        let me = self
            .me
            .upgrade()
            .ok_or_else(|| SfnError::InternalFailure("service is shutting down".into()))?;
        let parsed = machine.parsed.clone().ok_or_else(|| {
            SfnError::InvalidDefinition(format!(
                "The stored definition of {} no longer validates",
                machine.arn
            ))
        })?;
        let express = machine.machine_type == MachineType::Express;
        self.evict_express();
        let arn = if express {
            format!(
                "arn:aws:states:{}:{}:express:{}:{name}:{}",
                self.settings.region,
                self.settings.account_id,
                machine.name,
                uuid::Uuid::new_v4()
            )
        } else {
            format!(
                "arn:aws:states:{}:{}:execution:{}:{name}",
                self.settings.region, self.settings.account_id, machine.name
            )
        };
        let clock = self.settings.clock.clone();
        let started = clock.now();
        let rec = Arc::new(ExecutionRecord {
            arn: arn.clone(),
            state_machine_arn: machine.arn.clone(),
            name: name.clone(),
            machine_type: machine.machine_type,
            status: Status::Running,
            start_date: epoch(started),
            stop_date: None,
            input: input_text,
            output: None,
            error: None,
            cause: None,
            history: Vec::new(),
            duration_ms: None,
        });
        let history = History::new(clock.clone());
        let (stop_tx, stop_rx) = oneshot::channel::<StopRequest>();
        let (done_tx, done_rx) = watch::channel(None);
        {
            // Checked again under the lock: two StartExecution calls racing for one name.
            let mut execs = lock(&self.executions);
            if !express && execs.contains_key(&arn) {
                return Err(SfnError::ExecutionAlreadyExists(format!(
                    "Execution Already Exists: '{arn}'"
                )));
            }
            execs.insert(arn.clone(), rec.clone());
        }
        lock(&self.live).insert(
            arn.clone(),
            Live {
                history: history.clone(),
                stop: Some(stop_tx),
                done: done_rx.clone(),
            },
        );
        if !express {
            self.persist(&arn);
        }
        let mut machine_model = (*parsed).clone();
        if express {
            let limit = self.settings.express_limit_seconds;
            machine_model.timeout_seconds = Some(
                machine_model
                    .timeout_seconds
                    .map_or(limit, |t| t.min(limit)),
            );
        }
        let opts = ExecutionOptions {
            execution_arn: arn.clone(),
            name,
            state_machine_arn: machine.arn.clone(),
            state_machine_name: machine.name.clone(),
            role_arn: machine.role_arn.clone(),
            region: self.settings.region.clone(),
        };
        let executor = self.integrations.clone();
        tokio::spawn(async move {
            let stop = async move {
                match stop_rx.await {
                    Ok(r) => r,
                    Err(_) => futures::future::pending().await,
                }
            };
            let out = execute_with(
                &machine_model,
                input,
                &opts,
                executor,
                clock.clone(),
                history,
                stop,
            )
            .await;
            let ended = clock.now();
            // Built outside the lock: the history can be long, and every API call takes it.
            let history: Vec<Value> = out.history.iter().map(event_json).collect();
            let output = out.output.as_ref().map(Value::to_string);
            let final_rec = {
                let mut execs = lock(&me.executions);
                let rec = execs.get(&opts.execution_arn).map(|r| {
                    Arc::new(ExecutionRecord {
                        status: out.status.into(),
                        stop_date: Some(epoch(ended)),
                        output,
                        error: out.error,
                        cause: out.cause,
                        history,
                        duration_ms: Some((ended - started).num_milliseconds().max(0) as u64),
                        ..ExecutionRecord::clone(r)
                    })
                });
                if let Some(rec) = &rec {
                    execs.insert(opts.execution_arn.clone(), rec.clone());
                }
                rec
            };
            lock(&me.live).remove(&opts.execution_arn);
            if express {
                lock(&me.express_ended).push(opts.execution_arn.clone(), clock.elapsed());
            } else {
                me.persist(&opts.execution_arn);
            }
            let _ = done_tx.send(final_rec);
        });
        Ok((rec, done_rx))
    }

    fn parse_input(req: &Value) -> Result<(String, Value), SfnError> {
        let text = req
            .get("input")
            .and_then(Value::as_str)
            .unwrap_or("{}")
            .to_string();
        if text.len() > MAX_INPUT {
            return Err(SfnError::ValidationException(
                "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144".into(),
            ));
        }
        let v = serde_json::from_str(&text).map_err(|e| {
            SfnError::InvalidExecutionInput(format!("Invalid State Machine Execution Input: '{e}'"))
        })?;
        Ok((text, v))
    }

    pub(crate) async fn start_execution(&self, req: &Value) -> Result<Value, SfnError> {
        let machine = self.machine(str_field(req, "stateMachineArn")?)?;
        let (text, input) = Self::parse_input(req)?;
        let name = match req.get("name").and_then(Value::as_str) {
            Some(n) => {
                check_name(n)?;
                n.to_string()
            }
            None => uuid::Uuid::new_v4().to_string(),
        };
        if machine.machine_type == MachineType::Standard {
            let arn = format!(
                "arn:aws:states:{}:{}:execution:{}:{name}",
                self.settings.region, self.settings.account_id, machine.name
            );
            if let Some(existing) = lock(&self.executions).get(&arn) {
                if existing.status == Status::Running && existing.input == text {
                    return Ok(json!({"executionArn": arn, "startDate": existing.start_date}));
                }
                return Err(SfnError::ExecutionAlreadyExists(format!(
                    "Execution Already Exists: '{arn}'"
                )));
            }
        }
        let (rec, _) = self.launch(&machine, name, text, input)?;
        Ok(json!({"executionArn": rec.arn, "startDate": rec.start_date}))
    }

    pub(crate) async fn start_sync_execution(&self, req: &Value) -> Result<Value, SfnError> {
        let machine = self.machine(str_field(req, "stateMachineArn")?)?;
        if machine.machine_type != MachineType::Express {
            return Err(SfnError::StateMachineTypeNotSupported(
                "This operation is not supported by this type of state machine".into(),
            ));
        }
        let (text, input) = Self::parse_input(req)?;
        let name = match req.get("name").and_then(Value::as_str) {
            Some(n) => {
                check_name(n)?;
                n.to_string()
            }
            None => uuid::Uuid::new_v4().to_string(),
        };
        let (_, mut done) = self.launch(&machine, name, text, input)?;
        let r = done
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|r| r.clone())
            .ok_or_else(|| {
                SfnError::InternalFailure("the execution ended without a record".into())
            })?;
        // Billing: 64 MB and the duration rounded up to 100 ms, as AWS bills Express.
        let billed = r.duration_ms.unwrap_or(0).div_ceil(100).max(1) * 100;
        let mut out = json!({
            "executionArn": r.arn,
            "stateMachineArn": r.state_machine_arn,
            "name": r.name,
            "startDate": r.start_date,
            "stopDate": r.stop_date,
            "status": r.status.as_str(),
            "input": r.input,
            "inputDetails": {"included": true},
            "billingDetails": {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": billed},
        });
        ended_fields(&r, &mut out);
        Ok(out)
    }

    fn execution(&self, arn: &str) -> Result<Arc<ExecutionRecord>, SfnError> {
        if !arn.starts_with("arn:aws:states:")
            || !(arn.contains(":execution:") || arn.contains(":express:"))
        {
            return Err(SfnError::InvalidArn(format!("Invalid Arn: '{arn}'")));
        }
        lock(&self.executions).get(arn).cloned().ok_or_else(|| {
            SfnError::ExecutionDoesNotExist(format!("Execution Does Not Exist: '{arn}'"))
        })
    }

    pub(crate) fn describe_execution(&self, req: &Value) -> Result<Value, SfnError> {
        let rec = self.execution(str_field(req, "executionArn")?)?;
        Ok(describe(&rec))
    }

    pub(crate) fn list_executions(&self, req: &Value) -> Result<Value, SfnError> {
        let machine = self.machine(str_field(req, "stateMachineArn")?)?;
        let filter = status_filter(req)?;
        let mut recs: Vec<Arc<ExecutionRecord>> = lock(&self.executions)
            .values()
            .filter(|r| r.state_machine_arn == machine.arn)
            .filter(|r| filter.is_none_or(|f| f == Some(r.status)))
            .cloned()
            .collect();
        recs.sort_by(|a, b| {
            b.start_date
                .total_cmp(&a.start_date)
                .then(b.arn.cmp(&a.arn))
        });
        let items = recs
            .iter()
            .map(|r| {
                let mut v = json!({"executionArn": r.arn, "stateMachineArn": r.state_machine_arn, "name": r.name, "status": r.status.as_str(), "startDate": r.start_date});
                if let Some(d) = r.stop_date {
                    v["stopDate"] = json!(d);
                }
                v
            })
            .collect();
        let (page, next) = paginate(req, items)?;
        let mut out = json!({"executions": page});
        if let Some(t) = next {
            out["nextToken"] = json!(t);
        }
        Ok(out)
    }

    pub(crate) fn get_execution_history(&self, req: &Value) -> Result<Value, SfnError> {
        let arn = str_field(req, "executionArn")?;
        let rec = self.execution(arn)?;
        let live = lock(&self.live).get(arn).map(|l| l.history.events());
        let mut events: Vec<Value> = match live {
            Some(evs) => evs.iter().map(event_json).collect(),
            None => rec.history.clone(),
        };
        if req.get("reverseOrder").and_then(Value::as_bool) == Some(true) {
            events.reverse();
        }
        let include = req
            .get("includeExecutionData")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let events = events.into_iter().map(|e| api_event(e, include)).collect();
        let (page, next) = paginate(req, events)?;
        let mut out = json!({"events": page});
        if let Some(t) = next {
            out["nextToken"] = json!(t);
        }
        Ok(out)
    }

    pub(crate) fn stop_execution(&self, req: &Value) -> Result<Value, SfnError> {
        let arn = str_field(req, "executionArn")?;
        let rec = self.execution(arn)?;
        let sender = lock(&self.live).get_mut(arn).and_then(|l| l.stop.take());
        if let Some(tx) = sender {
            let _ = tx.send(StopRequest {
                error: req
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
                cause: req
                    .get("cause")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
            });
        }
        Ok(json!({"stopDate": rec.stop_date.unwrap_or_else(|| epoch(self.settings.clock.now()))}))
    }

    fn token(req: &Value) -> Result<&str, SfnError> {
        let t = str_field(req, "taskToken")?;
        if t.is_empty() || t.len() > 2048 {
            return Err(SfnError::InvalidToken(format!("Invalid Token: '{t}'")));
        }
        Ok(t)
    }

    fn token_result(r: Result<(), TokenError>) -> Result<Value, SfnError> {
        match r {
            Ok(()) => Ok(json!({})),
            Err(TokenError::TaskDoesNotExist) => Err(SfnError::TaskDoesNotExist(
                "Task Timed Out or Does Not Exist".into(),
            )),
            Err(TokenError::TaskTimedOut) => Err(SfnError::TaskTimedOut("Task Timed Out".into())),
        }
    }

    pub(crate) fn send_task_success(&self, req: &Value) -> Result<Value, SfnError> {
        let token = Self::token(req)?;
        let output: Value = serde_json::from_str(str_field(req, "output")?)
            .map_err(|e| SfnError::InvalidOutput(format!("Invalid Output: '{e}'")))?;
        Self::token_result(self.integrations.tokens().success(token, output))
    }

    pub(crate) fn send_task_failure(&self, req: &Value) -> Result<Value, SfnError> {
        let token = Self::token(req)?;
        let error = req.get("error").and_then(Value::as_str).unwrap_or("");
        let cause = req.get("cause").and_then(Value::as_str).unwrap_or("");
        Self::token_result(self.integrations.tokens().failure(token, error, cause))
    }

    pub(crate) fn send_task_heartbeat(&self, req: &Value) -> Result<Value, SfnError> {
        let token = Self::token(req)?;
        Self::token_result(self.integrations.tokens().heartbeat(token))
    }
}
