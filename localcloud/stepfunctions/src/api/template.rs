//! The template's state machines, created at `up`: the CLI resolves each
//! `AWS::Serverless::StateMachine` with localcloud-template (DefinitionSubstitutions applied)
//! and passes them here as [`TemplateMachine`]s.

use super::{MachineType, SfnError, StepFunctionsService};
use serde_json::json;

/// One resolved state machine of the template.
#[derive(Debug, Clone)]
pub struct TemplateMachine {
    /// The state machine's name (its ARN ends with it).
    pub name: String,
    /// The template's `Type`.
    pub machine_type: MachineType,
    /// The definition JSON text, substitutions applied.
    pub definition: String,
    /// The role ARN (not enforced locally).
    pub role_arn: String,
}

impl StepFunctionsService {
    /// Creates (or, when one of that name exists, updates) each machine; returns their ARNs in
    /// order. A definition the engine rejects fails with `InvalidDefinition` naming the machine.
    pub fn create_from_template(
        &self,
        machines: &[TemplateMachine],
    ) -> Result<Vec<String>, SfnError> {
        let mut arns = Vec::new();
        for m in machines {
            let arn = self.inner.machine_arn(&m.name);
            let named = |e: SfnError| match e {
                SfnError::InvalidDefinition(msg) => {
                    SfnError::InvalidDefinition(format!("state machine {}: {msg}", m.name))
                }
                other => other,
            };
            if self.inner.machine(&arn).is_ok() {
                self.inner
                    .update_state_machine(&json!({"stateMachineArn": arn, "definition": m.definition, "roleArn": m.role_arn}))
                    .map_err(named)?;
                let mut machines = super::lock(&self.inner.machines);
                if let Some(rec) = machines.get_mut(&arn) {
                    rec.machine_type = m.machine_type;
                }
                drop(machines);
                self.inner.save_machines()?;
            } else {
                self.inner
                    .create_state_machine(&json!({"name": m.name, "definition": m.definition, "roleArn": m.role_arn, "type": m.machine_type.as_str()}))
                    .map_err(named)?;
            }
            arns.push(arn);
        }
        Ok(arns)
    }
}
