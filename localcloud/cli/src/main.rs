//! `localcloud`: runs this repository's SAM application on one machine, without Docker.
//!
//! Argument parsing and the commands; each command is a thin call into `localcloud-stack`
//! (where every service is built and wired).
//!
//! # Layout
//!
//! - `main` (this file): the command line (clap) and the choice of command.
//! - [`up`]: `localcloud up`; [`invoke`]: `localcloud invoke`; [`token`]: `localcloud token`;
//!   [`graph`]: `localcloud graph` and `localcloud executions`.

mod graph;
mod invoke;
mod token;
mod up;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// mimalloc instead of glibc's malloc: the services allocate many small, short-lived buffers per
/// request across two or more threads (measured with scripts/bench.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const AFTER_HELP: &str = "\
Examples:
  localcloud up                                   start everything on 127.0.0.1:4566
  localcloud up --ephemeral --port 0              tables in memory, any free port
  localcloud invoke ValidateOrderFunction -e events/validate-order/valid.json
  TOKEN=$(localcloud token --user alice)          a signed-in user's ID token
  curl -H \"Authorization: $TOKEN\" http://127.0.0.1:3000/dev/profiles/...
  aws lambda invoke --endpoint-url http://127.0.0.1:4566 \\
      --function-name serverless-orders-ValidateOrderFunction --payload fileb://events/validate-order/valid.json out.json

Settings are read from localcloud.toml in the project root (the local counterpart of samconfig.toml).";

/// Runs the SAM application of this repository on one machine, without Docker or an AWS
/// account: DynamoDB, Lambda (the real function binaries as processes), S3, Step Functions and
/// Cognito behind one endpoint, and the API stage with its VTL integrations and Cognito
/// authorizer, from the same template.yaml that `sam deploy` uses.
#[derive(Parser, Debug)]
#[command(name = "localcloud", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Debug, Clone)]
struct Common {
    /// The SAM template.
    #[arg(long, short = 't', default_value = "template.yaml")]
    template: PathBuf,
    /// Template parameters, as `sam deploy` takes them: `Key=Value Key2=Value2` or
    /// `ParameterKey=Key,ParameterValue=Value`; applied after localcloud.toml's [parameters].
    #[arg(long, num_args = 1..)]
    parameter_overrides: Vec<String>,
    /// Do not run cargo or Maven: use the binaries and jar already built.
    #[arg(long)]
    no_build: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start the tables, buckets and functions of the template behind one endpoint, print what
    /// runs where, and stream the function logs until Ctrl-C.
    #[command(
        after_help = "Examples:\n  localcloud up\n  localcloud up --ephemeral --port 0 --no-build\n  localcloud up --parameter-overrides ChargeProvisionedConcurrency=0"
    )]
    Up {
        #[command(flatten)]
        common: Common,
        /// Keep tables and buckets in memory (a scratch folder); nothing survives a restart.
        #[arg(long)]
        ephemeral: bool,
        /// The service endpoint's port on 127.0.0.1 (0: any free port, printed at start).
        #[arg(long)]
        port: Option<u16>,
        /// The API stage's port (0: any free port).
        #[arg(long)]
        api_port: Option<u16>,
        /// The hosted UI's and token issuer's port (0: any free port).
        #[arg(long)]
        auth_port: Option<u16>,
        /// Lambda's account concurrency limit (localcloud.toml `account_concurrency`; 1,000).
        #[arg(long)]
        account_concurrency: Option<u32>,
        /// API Gateway's account-level throttle, requests per second (localcloud.toml
        /// `api_rate_limit`; AWS's default 10,000). Stage and method limits of the template
        /// apply below it.
        #[arg(long)]
        api_rate_limit: Option<f64>,
        /// API Gateway's account-level burst (localcloud.toml `api_burst_limit`; 5,000).
        #[arg(long)]
        api_burst_limit: Option<f64>,
    },
    /// Print the ID token of a user of the template's user pool, creating and confirming the
    /// user first if needed (through the running `localcloud up`).
    #[command(
        after_help = "Examples:\n  TOKEN=$(localcloud token)\n  TOKEN=$(localcloud token --user bob --password 'Another-Passw0rd')\n  curl -H \"Authorization: $TOKEN\" http://127.0.0.1:3000/dev/orders/<id>"
    )]
    Token {
        /// The username.
        #[arg(long, default_value = "demo")]
        user: String,
        /// The password (used when the user is created; must meet the pool's policy).
        #[arg(long, default_value = "Localcloud-Passw0rd")]
        password: String,
        /// The email attribute at creation (default `<user>@example.com`).
        #[arg(long)]
        email: Option<String>,
        /// Print the access token instead of the ID token.
        #[arg(long)]
        access: bool,
        /// The service endpoint's port (default: localcloud.toml's).
        #[arg(long)]
        port: Option<u16>,
        /// The SAM template.
        #[arg(long, short = 't', default_value = "template.yaml")]
        template: PathBuf,
    },
    /// Draw a workflow (an ASL file, or a state machine of the template) as SVG, DOT or Mermaid.
    #[command(
        after_help = "Examples:\n  localcloud graph PlaceOrderStateMachine -o place-order.svg\n  localcloud graph workflows/place-order.asl.json --format dot | dot -Tpng > g.png\n  localcloud graph PlaceOrderStateMachine            (Mermaid on stdout)"
    )]
    Graph {
        /// An ASL JSON file, or a state machine's logical id, name or ARN.
        what: String,
        /// The format (default: from --output's extension, else Mermaid).
        #[arg(long, value_enum)]
        format: Option<graph::Format>,
        /// Write here instead of stdout.
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
        /// The SAM template.
        #[arg(long, short = 't', default_value = "template.yaml")]
        template: PathBuf,
    },
    /// Inspect the executions of the running `localcloud up`: list them, or show one state by
    /// state (status, duration, input, output, error; `--svg` draws the path it took).
    #[command(
        subcommand,
        after_help = "Examples:\n  localcloud executions list\n  localcloud executions show <executionArn> --svg run.svg"
    )]
    Executions(ExecutionsCommand),
    /// Invoke one function once with an event file, as `sam local invoke` does: the response
    /// on stdout, the log on stderr, a non-zero exit status when the function fails.
    /// Goes through a running `localcloud up` when one answers, else starts the services for
    /// this one call.
    #[command(
        after_help = "Examples:\n  localcloud invoke ValidateOrderFunction -e events/validate-order/valid.json\n  localcloud invoke ChargePaymentFunction -e events/charge-payment/charge.json --env-vars env.json\n\nenv.json: {\"ChargePaymentFunction\": {\"PAYMENTS_TABLE\": \"other\"}} or {\"Parameters\": {...}} for all functions."
    )]
    Invoke {
        /// The function's logical id (ValidateOrderFunction) or name.
        function: String,
        /// The event: a JSON file, or `-` for standard input (default `{}`).
        #[arg(long, short = 'e')]
        event: Option<PathBuf>,
        /// A JSON file overriding the functions' declared environment variables.
        #[arg(long, short = 'n')]
        env_vars: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand, Debug)]
enum ExecutionsCommand {
    /// The newest executions of every state machine (or of one).
    List {
        /// Only this state machine (name, ARN, or part of the name).
        #[arg(long)]
        state_machine: Option<String>,
        /// How many.
        #[arg(long, default_value_t = 20)]
        max: usize,
        /// The service endpoint's port (default: localcloud.toml's).
        #[arg(long)]
        port: Option<u16>,
    },
    /// One execution, state by state.
    Show {
        /// The execution ARN.
        arn: String,
        /// Print inputs and outputs whole (default: clipped to 160 characters).
        #[arg(long)]
        full: bool,
        /// Also write the workflow graph with this execution's path coloured by outcome.
        #[arg(long)]
        svg: Option<PathBuf>,
        /// The service endpoint's port (default: localcloud.toml's).
        #[arg(long)]
        port: Option<u16>,
    },
}

fn options(
    common: &Common,
    root: PathBuf,
    log_to: localcloud_stack::LogTo,
) -> Result<localcloud_stack::Options> {
    let overrides = localcloud_template::parse_override_args(&common.parameter_overrides)
        .context("--parameter-overrides")?;
    let template = if common.template.is_absolute() {
        common.template.clone()
    } else {
        root.join(&common.template)
    };
    Ok(localcloud_stack::Options {
        root,
        template,
        overrides,
        ephemeral: false,
        port: 0,
        build: !common.no_build,
        log_to,
        env_vars: None,
        api_port: None,
        auth_port: None,
    })
}

/// Options for the commands that only read the template (no build, no overrides).
fn template_only(template: PathBuf, root: PathBuf) -> Result<localcloud_stack::Options> {
    let common = Common {
        template,
        parameter_overrides: Vec::new(),
        no_build: true,
    };
    options(&common, root, localcloud_stack::LogTo::Stderr)
}

async fn run(cli: Cli, started: Instant) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("current directory")?;
    let root = localcloud_stack::find_root(&cwd);
    let config = localcloud_stack::Config::load(&root)?;
    match cli.command {
        Command::Up {
            common,
            ephemeral,
            port,
            api_port,
            auth_port,
            account_concurrency,
            api_rate_limit,
            api_burst_limit,
        } => {
            let mut config = config;
            config.account_concurrency = account_concurrency.unwrap_or(config.account_concurrency);
            config.api_rate_limit = api_rate_limit.unwrap_or(config.api_rate_limit);
            config.api_burst_limit = api_burst_limit.unwrap_or(config.api_burst_limit);
            config.check()?;
            let mut opts = options(&common, root, localcloud_stack::LogTo::Stdout)?;
            opts.ephemeral = ephemeral;
            opts.port = port.unwrap_or(config.ports.endpoint);
            opts.api_port = Some(api_port.unwrap_or(config.ports.api));
            opts.auth_port = Some(auth_port.unwrap_or(config.ports.auth));
            up::run(&config, &opts, started).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Token {
            user,
            password,
            email,
            access,
            port,
            template,
        } => {
            let opts = template_only(template, root)?;
            let model = localcloud_stack::load_model(&config, &opts)?;
            let args = token::Args {
                user: &user,
                password: &password,
                email: email.as_deref(),
                access,
            };
            token::run(&model, port.unwrap_or(config.ports.endpoint), &args).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Graph {
            what,
            format,
            output,
            template,
        } => {
            let opts = template_only(template, root)?;
            graph::graph_command(
                &what,
                || localcloud_stack::load_model(&config, &opts),
                format,
                output.as_deref(),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Executions(ExecutionsCommand::List {
            state_machine,
            max,
            port,
        }) => {
            graph::list(
                port.unwrap_or(config.ports.endpoint),
                state_machine.as_deref(),
                max,
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Executions(ExecutionsCommand::Show {
            arn,
            full,
            svg,
            port,
        }) => {
            graph::show(
                port.unwrap_or(config.ports.endpoint),
                &arn,
                full,
                svg.as_deref(),
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Invoke {
            function,
            event,
            env_vars,
            common,
        } => {
            let opts = options(&common, root, localcloud_stack::LogTo::Stderr)?;
            let args = invoke::Args {
                function: &function,
                event: event.as_deref(),
                env_vars: env_vars.as_deref(),
            };
            let ok = invoke::run(&config, &opts, &args).await?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("localcloud: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli, started)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("localcloud: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
