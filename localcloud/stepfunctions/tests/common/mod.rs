//! The application's stack in-process for end-to-end tests: DynamoDB with the template's
//! tables (seeded from `data/inventory.json`), Lambda running the real function binaries, and
//! the Step Functions service with the template's state machines, each served on 127.0.0.1:0.

#![allow(dead_code)]

use localcloud_dynamodb::{DynamoService, TableSpec};
use localcloud_lambda::{FileSink, FunctionConfig, LambdaService, ServiceSettings};
use localcloud_stepfunctions::api::template::TemplateMachine;
use localcloud_stepfunctions::api::{MachineType, Settings, StepFunctionsService};
use localcloud_stepfunctions::integration::{DynamoCaller, HttpDynamo, Integrations};
use localcloud_template::{LoadOptions, Model, StackContext};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub const FUNCTIONS: [&str; 4] = [
    "validate-order",
    "reserve-inventory",
    "charge-payment",
    "confirm-order",
];

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds the four workflow functions once, in the target folder and profile this test runs
/// from: `cargo test --workspace` has built them already, so this only checks they are fresh
/// (cargo does not hold the folder's lock while tests run; a folder of their own compiled the
/// AWS SDK and every other dependency a second time).
pub fn binaries() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        let target = exe
            .ancestors()
            .nth(3)
            .expect("target directory")
            .to_path_buf();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut cmd = std::process::Command::new(cargo);
        cmd.args(["build", "--quiet"]);
        for f in FUNCTIONS {
            cmd.args(["-p", f]);
        }
        let status = cmd
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(repo())
            .status()
            .expect("run cargo build for the functions");
        assert!(status.success(), "building the workflow functions failed");
        target.join("debug")
    })
    .clone()
}

pub struct Stack {
    pub model: Model,
    pub dynamo: DynamoService,
    pub dynamo_url: String,
    pub lambda: LambdaService,
    pub sfn: StepFunctionsService,
    pub sfn_url: String,
    pub reader: HttpDynamo,
    _dir: tempfile::TempDir,
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

impl Stack {
    pub async fn start() -> Stack {
        let bin = binaries();
        let dir = tempfile::tempdir().expect("tempdir");
        let options = LoadOptions {
            stack: StackContext::new("serverless-orders", "us-east-1"),
            parameter_overrides: Vec::new(),
        };
        let model = Model::load(&repo().join("template.yaml"), &options).expect("template");
        let specs: Vec<TableSpec> = model.tables().map(TableSpec::from_table).collect();
        let s3 = localcloud_s3::Store::open(dir.path().join("s3")).expect("s3");
        let dynamo = DynamoService::start(
            localcloud_dynamodb::Settings {
                ttl_sweep_interval: None,
                ..Default::default()
            },
            &specs,
            s3,
        )
        .await
        .expect("dynamodb");
        let dynamo_url = serve(dynamo.router()).await;
        let inventory = model
            .tables()
            .find(|t| t.logical_id == "InventoryTable")
            .expect("inventory table")
            .table_name
            .clone();
        dynamo
            .load_seed(&repo().join("data/inventory.json"), &inventory)
            .expect("seed");

        let mut settings = ServiceSettings::new(Arc::new(
            FileSink::new(dir.path().join("lambda-logs")).expect("log sink"),
        ));
        settings.endpoint_url = Some(dynamo_url.clone());
        settings.event_retry_delays = vec![Duration::from_millis(10); 2];
        let functions: Vec<FunctionConfig> = model
            .functions()
            .filter_map(|f| {
                let binary = f.build.as_ref().and_then(|b| b.binary())?;
                if !FUNCTIONS.contains(&binary) {
                    return None;
                }
                let mut c = FunctionConfig::new(
                    f.function_name.clone(),
                    vec![bin.join(binary).to_string_lossy().into_owned()],
                );
                c.timeout = Duration::from_secs(u64::from(f.timeout).max(10));
                c.environment = f.environment.clone();
                c.reserved_concurrency = f.reserved_concurrency;
                if let Some(alias) = &f.auto_publish_alias {
                    c.versions = vec!["1".into()];
                    c.aliases.insert(alias.clone(), "1".into());
                }
                Some(c)
            })
            .collect();
        assert_eq!(functions.len(), 4, "the template's four workflow functions");
        let lambda = LambdaService::new(functions, settings).expect("lambda");

        let integrations = Integrations::new()
            .with_lambda(Arc::new(lambda.clone()))
            .with_dynamo(Arc::new(HttpDynamo::new(dynamo_url.clone())));
        let sfn = StepFunctionsService::new(Settings::default(), integrations).expect("sfn");
        let machines: Vec<TemplateMachine> = model
            .state_machines()
            .map(|m| TemplateMachine {
                name: m.name.clone(),
                machine_type: match m.machine_type {
                    localcloud_template::resource::state_machine::StateMachineType::Express => {
                        MachineType::Express
                    }
                    localcloud_template::resource::state_machine::StateMachineType::Standard => {
                        MachineType::Standard
                    }
                },
                definition: m.definition.to_string(),
                role_arn: "arn:aws:iam::000000000000:role/localcloud".into(),
            })
            .collect();
        sfn.create_from_template(&machines)
            .expect("template state machines");
        let sfn_url = serve(sfn.router()).await;
        Stack {
            reader: HttpDynamo::new(dynamo_url.clone()),
            model,
            dynamo,
            dynamo_url,
            lambda,
            sfn,
            sfn_url,
            _dir: dir,
        }
    }

    pub fn table(&self, logical_id: &str) -> String {
        self.model
            .tables()
            .find(|t| t.logical_id == logical_id)
            .expect("table")
            .table_name
            .clone()
    }

    pub fn machine_arn(&self) -> String {
        self.model
            .state_machines()
            .next()
            .expect("a state machine")
            .arn
            .clone()
    }

    pub async fn get(&self, logical_id: &str, key: &str, value: &str) -> Option<Value> {
        let out = self
            .reader
            .call(
                "GetItem",
                json!({"TableName": self.table(logical_id), "Key": {key: {"S": value}}, "ConsistentRead": true}),
            )
            .await
            .expect("GetItem");
        out.get("Item").cloned()
    }

    pub async fn shutdown(self) {
        self.lambda.shutdown().await;
        self.dynamo.shutdown().await;
    }
}
