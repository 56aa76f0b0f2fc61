//! State machine operations: CreateStateMachine (validated by the engine; `InvalidDefinition`
//! carries its diagnostics), DescribeStateMachine, ListStateMachines, UpdateStateMachine,
//! DeleteStateMachine and ValidateStateMachineDefinition.

use super::record::{MachineRecord, MachineType};
use super::{epoch, lock, store, Inner, SfnError};
use crate::validate::parse_definition;
use serde_json::{json, Value};
use std::sync::Arc;

pub(crate) fn str_field<'a>(req: &'a Value, key: &str) -> Result<&'a str, SfnError> {
    req.get(key).and_then(Value::as_str).ok_or_else(|| {
        SfnError::ValidationException(format!(
            "1 validation error detected: Value null at '{key}' failed to satisfy constraint: Member must not be null"
        ))
    })
}

pub(crate) fn check_name(name: &str) -> Result<(), SfnError> {
    let bad = name.is_empty()
        || name.chars().count() > 80
        || name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c));
    if bad {
        return Err(SfnError::InvalidName(format!("Invalid Name: '{name}'")));
    }
    Ok(())
}

pub(crate) fn validate_definition(req: &Value) -> Value {
    let text = req.get("definition").and_then(Value::as_str).unwrap_or("");
    match parse_definition(text) {
        Ok(_) => json!({"result": "OK", "diagnostics": [], "truncated": false}),
        Err(e) => {
            let diagnostics: Vec<Value> = e
                .diagnostics
                .iter()
                .map(|d| json!({"severity": "ERROR", "code": d.code, "message": d.message, "location": d.location}))
                .collect();
            json!({"result": "FAIL", "diagnostics": diagnostics, "truncated": false})
        }
    }
}

fn page(req: &Value, len: usize) -> Result<(usize, usize), SfnError> {
    let max = match req.get("maxResults").and_then(Value::as_u64) {
        None | Some(0) => 100,
        Some(n) if n > 1000 => {
            return Err(SfnError::ValidationException(
                "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000".into(),
            ))
        }
        Some(n) => n as usize,
    };
    let start = match req.get("nextToken").and_then(Value::as_str) {
        None => 0,
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= len)
            .ok_or_else(|| SfnError::ValidationException(format!("Invalid Token: '{t}'")))?,
    };
    Ok((start, max))
}

/// `(items on this page, nextToken)`.
pub(crate) fn paginate(
    req: &Value,
    items: Vec<Value>,
) -> Result<(Vec<Value>, Option<String>), SfnError> {
    let (start, max) = page(req, items.len())?;
    let end = (start + max).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    Ok((items[start..end].to_vec(), next))
}

impl Inner {
    pub(crate) fn machine_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:states:{}:{}:stateMachine:{name}",
            self.settings.region, self.settings.account_id
        )
    }

    pub(crate) fn save_machines(&self) -> Result<(), SfnError> {
        if let Some(s) = &self.store {
            let list: Vec<MachineRecord> = lock(&self.machines).values().cloned().collect();
            store::save(&s.machines(), &list)
                .map_err(|e| SfnError::InternalFailure(e.to_string()))?;
        }
        Ok(())
    }

    pub(crate) fn machine(&self, arn: &str) -> Result<MachineRecord, SfnError> {
        if !arn.starts_with("arn:aws:states:") || !arn.contains(":stateMachine:") {
            return Err(SfnError::InvalidArn(format!("Invalid Arn: '{arn}'")));
        }
        lock(&self.machines).get(arn).cloned().ok_or_else(|| {
            SfnError::StateMachineDoesNotExist(format!("State Machine Does Not Exist: '{arn}'"))
        })
    }

    pub(crate) fn create_state_machine(&self, req: &Value) -> Result<Value, SfnError> {
        let name = str_field(req, "name")?;
        check_name(name)?;
        let definition = str_field(req, "definition")?;
        let role_arn = str_field(req, "roleArn")?;
        let machine_type = match req.get("type").and_then(Value::as_str) {
            None => MachineType::Standard,
            Some(t) => MachineType::parse(t).ok_or_else(|| {
                SfnError::ValidationException(format!(
                    "1 validation error detected: Value '{t}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"
                ))
            })?,
        };
        let parsed =
            parse_definition(definition).map_err(|e| SfnError::InvalidDefinition(e.to_string()))?;
        let arn = self.machine_arn(name);
        {
            let mut machines = lock(&self.machines);
            if let Some(existing) = machines.get(&arn) {
                // AWS: creating an identical machine again is idempotent.
                if existing.definition == definition
                    && existing.role_arn == role_arn
                    && existing.machine_type == machine_type
                {
                    return Ok(
                        json!({"stateMachineArn": arn, "creationDate": existing.creation_date}),
                    );
                }
                return Err(SfnError::StateMachineAlreadyExists(format!(
                    "State Machine Already Exists: '{arn}'"
                )));
            }
            machines.insert(
                arn.clone(),
                MachineRecord {
                    arn: arn.clone(),
                    name: name.to_string(),
                    machine_type,
                    definition: definition.to_string(),
                    role_arn: role_arn.to_string(),
                    creation_date: epoch(self.settings.clock.now()),
                    update_date: None,
                    parsed: Some(Arc::new(parsed)),
                },
            );
        }
        self.save_machines()?;
        let m = self.machine(&arn)?;
        Ok(json!({"stateMachineArn": arn, "creationDate": m.creation_date}))
    }

    pub(crate) fn describe_state_machine(&self, req: &Value) -> Result<Value, SfnError> {
        let m = self.machine(str_field(req, "stateMachineArn")?)?;
        Ok(json!({
            "stateMachineArn": m.arn,
            "name": m.name,
            "status": "ACTIVE",
            "definition": m.definition,
            "roleArn": m.role_arn,
            "type": m.machine_type.as_str(),
            "creationDate": m.update_date.unwrap_or(m.creation_date),
            "loggingConfiguration": {"level": "OFF", "includeExecutionData": false},
            "tracingConfiguration": {"enabled": false},
        }))
    }

    pub(crate) fn list_state_machines(&self, req: &Value) -> Result<Value, SfnError> {
        let items: Vec<Value> = lock(&self.machines)
            .values()
            .map(|m| json!({"stateMachineArn": m.arn, "name": m.name, "type": m.machine_type.as_str(), "creationDate": m.creation_date}))
            .collect();
        let (page, next) = paginate(req, items)?;
        let mut out = json!({"stateMachines": page});
        if let Some(t) = next {
            out["nextToken"] = json!(t);
        }
        Ok(out)
    }

    pub(crate) fn update_state_machine(&self, req: &Value) -> Result<Value, SfnError> {
        let arn = str_field(req, "stateMachineArn")?;
        self.machine(arn)?;
        let definition = req.get("definition").and_then(Value::as_str);
        let role_arn = req.get("roleArn").and_then(Value::as_str);
        if definition.is_none() && role_arn.is_none() && req.get("loggingConfiguration").is_none() {
            return Err(SfnError::ValidationException(
                "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified".into(),
            ));
        }
        let parsed = definition
            .map(|d| parse_definition(d).map_err(|e| SfnError::InvalidDefinition(e.to_string())))
            .transpose()?;
        let now = epoch(self.settings.clock.now());
        {
            let mut machines = lock(&self.machines);
            let m = machines.get_mut(arn).ok_or_else(|| {
                SfnError::StateMachineDoesNotExist(format!("State Machine Does Not Exist: '{arn}'"))
            })?;
            if let (Some(d), Some(p)) = (definition, parsed) {
                m.definition = d.to_string();
                m.parsed = Some(Arc::new(p));
            }
            if let Some(r) = role_arn {
                m.role_arn = r.to_string();
            }
            m.update_date = Some(now);
        }
        self.save_machines()?;
        Ok(json!({"updateDate": now}))
    }

    pub(crate) fn delete_state_machine(&self, req: &Value) -> Result<Value, SfnError> {
        let arn = str_field(req, "stateMachineArn")?;
        if !arn.starts_with("arn:aws:states:") || !arn.contains(":stateMachine:") {
            return Err(SfnError::InvalidArn(format!("Invalid Arn: '{arn}'")));
        }
        lock(&self.machines).remove(arn);
        self.save_machines()?;
        Ok(json!({}))
    }
}
