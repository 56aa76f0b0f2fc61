//! `invoke --env-vars`: SAM's environment-variable override file, read and applied to the
//! functions' declared variables.
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-cli-command-reference-sam-local-invoke.html>

use anyhow::{anyhow, Context, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// `{"LogicalId": {"VAR": "v"}}` and/or `{"Parameters": {"VAR": "v"}}`, values as strings.
pub type EnvVars = BTreeMap<String, BTreeMap<String, String>>;

/// Reads an `--env-vars` file.
pub fn read_env_vars(path: &Path) -> Result<EnvVars> {
    let text =
        std::fs::read(path).with_context(|| format!("reading --env-vars {}", path.display()))?;
    let doc: Value = serde_json::from_slice(&text)
        .with_context(|| format!("--env-vars {}: not JSON", path.display()))?;
    let obj = doc
        .as_object()
        .ok_or_else(|| anyhow!("--env-vars {}: must be an object", path.display()))?;
    let mut out = EnvVars::new();
    for (key, vars) in obj {
        let vars = vars.as_object().ok_or_else(|| {
            anyhow!(
                "--env-vars {}: `{key}` must map variable names to values",
                path.display()
            )
        })?;
        let mut m = BTreeMap::new();
        for (k, v) in vars {
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            m.insert(k.clone(), v);
        }
        out.insert(key.clone(), m);
    }
    Ok(out)
}

/// SAM's rule: a file entry overrides only variables the template declares for the function;
/// function-specific entries (by logical id or name) win over `Parameters`.
pub fn apply_env_vars(
    env: &mut BTreeMap<String, String>,
    vars: &EnvVars,
    logical_id: &str,
    name: &str,
) {
    let sources = [vars.get("Parameters"), vars.get(name), vars.get(logical_id)];
    for source in sources.into_iter().flatten() {
        for (k, v) in source {
            if let Some(slot) = env.get_mut(k) {
                *slot = v.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_vars_follow_sam_precedence_and_only_override_declared_ones() {
        let mut env = BTreeMap::from([
            ("A".to_owned(), "template".to_owned()),
            ("B".to_owned(), "template".to_owned()),
        ]);
        let vars: EnvVars = serde_json::from_str(
            r#"{"Parameters": {"A": "all", "B": "all", "C": "all"}, "F": {"B": "mine"}}"#,
        )
        .expect("json");
        apply_env_vars(&mut env, &vars, "F", "stack-f");
        assert_eq!(env["A"], "all");
        assert_eq!(env["B"], "mine");
        assert!(!env.contains_key("C"));
    }
}
