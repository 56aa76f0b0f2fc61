//! `localcloud up`: start everything, print what runs and where, wait for Ctrl-C.

use anyhow::{anyhow, Result};
use localcloud_stack::Config;
use localcloud_stack::{Options, Stack};
use std::time::Instant;

/// Runs until SIGINT or SIGTERM.
pub async fn run(config: &Config, opts: &Options, started: Instant) -> Result<()> {
    let stack = Stack::start(config, opts).await?;
    if let Err(e) = stack.lambda.start().await {
        stack.shutdown().await;
        return Err(anyhow!("starting provisioned environments: {e}"));
    }
    print_banner(&stack, started);
    wait_for_signal().await?;
    println!("localcloud: stopping (environments, endpoint, DynamoDB)...");
    stack.shutdown().await;
    println!("localcloud: stopped");
    Ok(())
}

fn print_banner(stack: &Stack, started: Instant) {
    let mut out = String::new();
    out.push_str(&format!(
        "localcloud: stack {} ({}) from {}\n\n",
        stack.model.stack.stack_name,
        stack.model.stack.region,
        stack.model.path.display()
    ));
    out.push_str(&format!(
        "Endpoint: {}   (DynamoDB, Lambda, S3, Step Functions, cognito-idp; AWS_ENDPOINT_URL={})\n",
        stack.endpoint_url, stack.endpoint_url
    ));
    for (id, url) in &stack.apis {
        out.push_str(&format!("API: {url}   ({id})\n"));
    }
    if let Some(auth) = &stack.auth_url {
        for pool in &stack.pools {
            out.push_str(&format!(
                "User pool: {} (issuer {})\n",
                pool.config.pool_id,
                pool.issuer()
            ));
            for c in &pool.config.clients {
                let scope = c.oauth_scopes.join("+");
                match c.callback_urls.first() {
                    Some(cb) if !c.oauth_flows.is_empty() => out.push_str(&format!(
                        "Hosted UI: {auth}/login?client_id={}&response_type=code&scope={scope}&redirect_uri={cb}\n",
                        c.client_id
                    )),
                    _ => out.push_str(&format!("App client: {} ({})\n", c.client_id, c.name)),
                }
            }
        }
        out.push_str("Token: TOKEN=$(localcloud token)   (creates and signs in the user `demo`)\n");
    }
    out.push('\n');
    out.push_str(&format!("Tables (state: {}):\n", stack.state_label));
    for (id, name) in &stack.tables {
        out.push_str(&format!("  {id} -> {name}\n"));
    }
    for s in &stack.seeds {
        out.push_str(&format!("  seed {s}\n"));
    }
    out.push_str("\nFunctions:\n");
    for f in &stack.functions {
        out.push_str(&format!(
            "  {} -> {} ({}, {})\n",
            f.logical_id, f.name, f.runtime, f.concurrency
        ));
    }
    for s in &stack.skipped {
        out.push_str(&format!("  !! NOT STARTED: {s}\n"));
    }
    if !stack.machines.is_empty() {
        out.push_str("\nState machines:\n");
        for (id, arn, kind) in &stack.machines {
            out.push_str(&format!("  {id} -> {arn} ({kind})\n"));
        }
    }
    out.push_str(&format!(
        "\nLogs: printed below with a [FunctionLogicalId] prefix, and kept in {}/<function>.log\n",
        stack.log_dir.display()
    ));
    if !stack.not_emulated.is_empty() {
        out.push_str("\nNot emulated:\n");
        for n in &stack.not_emulated {
            out.push_str(&format!("  not emulated: {n}\n"));
        }
    }
    // Ready counts the start alone: the build (minutes the first time, seconds after an edit)
    // has its own line.
    let build = stack.build_time.unwrap_or_default();
    if let Some(t) = stack.build_time {
        out.push_str(&format!(
            "\nBuilt the functions in {:.1} s.",
            t.as_secs_f64()
        ));
    }
    out.push_str(&format!(
        "\nReady in {} ms. Press Ctrl-C to stop.\n",
        started.elapsed().saturating_sub(build).as_millis()
    ));
    print!("{out}");
    if !stack.skipped.is_empty() {
        eprintln!(
            "localcloud: WARNING: {} function(s) not started, see `NOT STARTED` above",
            stack.skipped.len()
        );
    }
}

async fn wait_for_signal() -> Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}
