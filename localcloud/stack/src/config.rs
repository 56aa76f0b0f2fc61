//! `localcloud.toml`: the local settings (stack name, region, ports, state folder, parameter
//! overrides, seed files, account concurrency, Step Functions' Express retention), the local
//! counterpart of `samconfig.toml`.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for in the project root.
pub const FILE_NAME: &str = "localcloud.toml";

/// The settings, with defaults for every key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The stack name the template is resolved for.
    pub stack_name: String,
    /// The region in ARNs and `AWS_REGION`.
    pub region: String,
    /// State folder, relative to the project root.
    pub state_dir: PathBuf,
    /// The account's concurrent executions limit (Lambda).
    pub account_concurrency: u32,
    /// The account-level API Gateway throttle: steady requests per second (AWS: 10,000).
    pub api_rate_limit: f64,
    /// The account-level API Gateway throttle: burst (AWS: 5,000).
    pub api_burst_limit: f64,
    /// Listening ports.
    pub ports: Ports,
    /// Template parameter overrides.
    pub parameters: BTreeMap<String, toml::Value>,
    /// Seed files loaded at first start.
    pub seed: Vec<Seed>,
    /// `[stepfunctions]`.
    pub stepfunctions: StepFunctions,
    /// Host names the listeners accept besides the loopback ones (`127.0.0.1`, `localhost`,
    /// `[::1]`), e.g. a name in /etc/hosts; see `guard`.
    pub allowed_hosts: Vec<String>,
}

/// `[stepfunctions]`: how many ended Express executions stay inspectable. AWS keeps no Express
/// history in the service (only in CloudWatch Logs); locally they stay in memory, never on
/// disk, within both bounds, so a load test does not grow memory with every execution.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StepFunctions {
    /// At most this many ended Express executions are kept (default 1,000).
    pub express_retention_executions: usize,
    /// An ended Express execution is dropped this many seconds after it ended (default 3,600).
    pub express_retention_seconds: u64,
}

impl Default for StepFunctions {
    fn default() -> Self {
        Self {
            express_retention_executions: 1000,
            express_retention_seconds: 3600,
        }
    }
}

/// `[ports]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ports {
    /// The service endpoint.
    pub endpoint: u16,
    /// The API stages (`http://127.0.0.1:<api>/<stage>/...`).
    pub api: u16,
    /// The user pools' hosted UI, discovery documents and token issuer.
    pub auth: u16,
    /// The CloudFront data plane (a later issue).
    pub edge: u16,
}

/// One `[[seed]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// The table's logical id (or its physical name).
    pub table: String,
    /// A BatchWriteItem-shaped JSON file, relative to the project root.
    pub file: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            stack_name: "serverless-orders".into(),
            region: "us-east-1".into(),
            state_dir: PathBuf::from(".localcloud"),
            account_concurrency: 1000,
            api_rate_limit: 10_000.0,
            api_burst_limit: 5_000.0,
            ports: Ports::default(),
            parameters: BTreeMap::new(),
            seed: Vec::new(),
            stepfunctions: StepFunctions::default(),
            allowed_hosts: Vec::new(),
        }
    }
}

impl Default for Ports {
    fn default() -> Self {
        Self {
            endpoint: 4566,
            api: 3000,
            auth: 9229,
            edge: 8080,
        }
    }
}

impl Config {
    /// Reads `<root>/localcloud.toml`; a missing file gives the defaults.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(FILE_NAME);
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses the text of a `localcloud.toml`.
    pub fn parse(text: &str) -> Result<Self> {
        // toml's error names the key and the line (`unknown field`, `invalid type ... for key`).
        let config: Config = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        if config.stack_name.is_empty() {
            bail!("key `stack_name`: must not be empty");
        }
        config.check()?;
        Ok(config)
    }

    /// The checks of values toml's types do not express (also run on command-line overrides).
    pub fn check(&self) -> Result<()> {
        if self.account_concurrency == 0 {
            bail!("key `account_concurrency`: must be at least 1");
        }
        for (key, v) in [
            ("api_rate_limit", self.api_rate_limit),
            ("api_burst_limit", self.api_burst_limit),
        ] {
            if !(v.is_finite() && v > 0.0) {
                bail!("key `{key}`: must be a positive number of requests, not {v}");
            }
        }
        Ok(())
    }

    /// `[parameters]` as `Key=Value` pairs (numbers and booleans written as TOML values too).
    pub fn parameter_overrides(&self) -> Result<Vec<(String, String)>> {
        self.parameters
            .iter()
            .map(|(k, v)| {
                let s = match v {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    toml::Value::Array(items) => items
                        .iter()
                        .map(|i| match i {
                            toml::Value::String(s) => Ok(s.clone()),
                            other => Ok(other.to_string()),
                        })
                        .collect::<Result<Vec<_>>>()?
                        .join(","),
                    _ => bail!("key `parameters.{k}`: must be a string, number, boolean or list"),
                };
                Ok((k.clone(), s))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_file_parses() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let c = Config::load(&root).expect("localcloud.toml");
        assert_eq!(c.stack_name, "serverless-orders");
        assert_eq!(c.ports.endpoint, 4566);
        assert_eq!(c.seed[0].table, "InventoryTable");
    }

    #[test]
    fn errors_name_the_key() {
        let e = Config::parse("[ports]\nendpoint = \"x\"\n").expect_err("bad type");
        assert!(format!("{e:#}").contains("endpoint"), "{e:#}");
        let e = Config::parse("stack = \"a\"\n").expect_err("unknown key");
        assert!(format!("{e:#}").contains("stack"), "{e:#}");
        let e = Config::parse("[parameters]\nA = { x = 1 }\n")
            .expect("parses")
            .parameter_overrides()
            .expect_err("table value");
        assert!(format!("{e:#}").contains("parameters.A"), "{e:#}");
    }

    #[test]
    fn api_throttle_limits_are_checked() {
        let c = Config::parse("api_rate_limit = 20000\napi_burst_limit = 8000\n").expect("parses");
        assert_eq!((c.api_rate_limit, c.api_burst_limit), (20_000.0, 8_000.0));
        let d = Config::default();
        assert_eq!((d.api_rate_limit, d.api_burst_limit), (10_000.0, 5_000.0));
        let e = Config::parse("api_rate_limit = 0\n").expect_err("zero rate");
        assert!(format!("{e:#}").contains("api_rate_limit"), "{e:#}");
    }

    #[test]
    fn express_retention_is_read_from_the_stepfunctions_table() {
        let c = Config::parse(
            "[stepfunctions]\nexpress_retention_executions = 50\nexpress_retention_seconds = 60\n",
        )
        .expect("parses");
        assert_eq!(
            (
                c.stepfunctions.express_retention_executions,
                c.stepfunctions.express_retention_seconds
            ),
            (50, 60)
        );
        let d = Config::default().stepfunctions;
        assert_eq!(
            (d.express_retention_executions, d.express_retention_seconds),
            (1000, 3600)
        );
        let e = Config::parse("[stepfunctions]\nexpress_retention = 1\n").expect_err("unknown");
        assert!(format!("{e:#}").contains("express_retention"), "{e:#}");
    }

    #[test]
    fn parameters_become_overrides() {
        let c = Config::parse("[parameters]\nN = 0\nS = \"java\"\nL = [\"a\", \"b\"]\n")
            .expect("parses");
        let o = c.parameter_overrides().expect("overrides");
        assert_eq!(
            o,
            vec![
                ("L".into(), "a,b".into()),
                ("N".into(), "0".into()),
                ("S".into(), "java".into())
            ]
        );
    }
}
