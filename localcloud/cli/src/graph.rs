//! `localcloud graph` (a workflow as SVG, DOT or Mermaid) and `localcloud executions list|show`
//! (what an execution did, state by state, from the running `up`'s Step Functions API).

use crate::invoke::json_call;
use anyhow::{anyhow, bail, Context, Result};
use localcloud_stepfunctions::graph::{self, Outcome, Outcomes};
use localcloud_stepfunctions::visits::visits;
use localcloud_template::Model;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A self-contained SVG picture.
    Svg,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
}

impl Format {
    /// The format of `--output`'s extension, else Mermaid.
    pub fn pick(explicit: Option<Format>, output: Option<&Path>) -> Format {
        explicit.unwrap_or_else(|| {
            match output.and_then(|p| p.extension()).and_then(|e| e.to_str()) {
                Some("svg") => Format::Svg,
                Some("dot" | "gv") => Format::Dot,
                _ => Format::Mermaid,
            }
        })
    }
}

fn render(g: &graph::Graph, format: Format, outcomes: &Outcomes) -> String {
    match format {
        Format::Svg => g.to_svg(outcomes),
        Format::Dot => g.to_dot(outcomes),
        Format::Mermaid => g.to_mermaid(outcomes),
    }
}

fn write_out(text: &str, output: Option<&Path>) -> Result<()> {
    match output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("writing {}", p.display()))?;
            eprintln!("localcloud: wrote {}", p.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// `localcloud graph <file | state machine>`.
pub fn graph_command(
    what: &str,
    model: impl FnOnce() -> Result<Model>,
    format: Option<Format>,
    output: Option<&Path>,
) -> Result<()> {
    let path = PathBuf::from(what);
    let definition: Value = if path.is_file() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?
    } else {
        let model = model()?;
        let machine = model
            .state_machines()
            .find(|m| m.logical_id == what || m.name == what || m.arn == what)
            .ok_or_else(|| {
                let known: Vec<&str> = model
                    .state_machines()
                    .map(|m| m.logical_id.as_str())
                    .collect();
                anyhow!(
                    "{what} is neither a file nor a state machine of the template (state machines: {})",
                    known.join(", ")
                )
            })?;
        machine.definition.clone()
    };
    let g = graph::from_definition(&definition).map_err(|e| anyhow!("{what}: {e}"))?;
    write_out(
        &render(&g, Format::pick(format, output), &Outcomes::new()),
        output,
    )
}

/// One `AWSStepFunctions.<op>` call on the endpoint.
async fn sfn(port: u16, op: &str, body: Value) -> Result<Value> {
    let target = format!("AWSStepFunctions.{op}");
    let (status, v) = json_call(port, &target, "application/x-amz-json-1.0", &body).await?;
    if status != 200 {
        bail!(
            "{op}: {} {}",
            v["__type"].as_str().unwrap_or("error"),
            v["message"].as_str().unwrap_or_default()
        );
    }
    Ok(v)
}

fn time(epoch: Option<f64>) -> String {
    epoch
        .and_then(|t| chrono::DateTime::from_timestamp_millis((t * 1000.0) as i64))
        .map(|d| d.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_else(|| "-".into())
}

fn millis(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.1} ms", (b - a) * 1000.0),
        _ => "-".into(),
    }
}

/// `localcloud executions list`.
pub async fn list(port: u16, machine: Option<&str>, max: usize) -> Result<()> {
    let machines = sfn(port, "ListStateMachines", json!({})).await?;
    let mut rows = Vec::new();
    for m in machines["stateMachines"].as_array().into_iter().flatten() {
        let arn = m["stateMachineArn"].as_str().unwrap_or_default();
        let name = m["name"].as_str().unwrap_or_default();
        if machine.is_some_and(|x| x != arn && x != name && !name.contains(x)) {
            continue;
        }
        let list = sfn(
            port,
            "ListExecutions",
            json!({"stateMachineArn": arn, "maxResults": max}),
        )
        .await?;
        for e in list["executions"].as_array().into_iter().flatten() {
            rows.push(e.clone());
        }
    }
    rows.sort_by(|a, b| {
        b["startDate"]
            .as_f64()
            .partial_cmp(&a["startDate"].as_f64())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    if rows.is_empty() {
        println!("no executions");
        return Ok(());
    }
    println!(
        "{:<10} {:<23} {:>10}  EXECUTION ARN",
        "STATUS", "STARTED", "DURATION"
    );
    for e in rows.iter().take(max) {
        println!(
            "{:<10} {:<23} {:>10}  {}",
            e["status"].as_str().unwrap_or("?"),
            time(e["startDate"].as_f64()),
            millis(e["startDate"].as_f64(), e["stopDate"].as_f64()),
            e["executionArn"].as_str().unwrap_or("?")
        );
    }
    Ok(())
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!(
            "{}… ({} chars)",
            s.chars().take(n).collect::<String>(),
            s.chars().count()
        )
    }
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Succeeded => "succeeded",
        Outcome::Caught => "caught",
        Outcome::Failed => "FAILED",
        Outcome::Running => "running",
    }
}

/// `localcloud executions show <arn>`.
pub async fn show(port: u16, arn: &str, full: bool, svg: Option<&Path>) -> Result<()> {
    let ex = sfn(port, "DescribeExecution", json!({"executionArn": arn})).await?;
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut req = json!({"executionArn": arn, "maxResults": 1000});
        if let Some(t) = &token {
            req["nextToken"] = json!(t);
        }
        let page = sfn(port, "GetExecutionHistory", req).await?;
        events.extend(page["events"].as_array().cloned().unwrap_or_default());
        token = page["nextToken"].as_str().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    let status = ex["status"].as_str().unwrap_or("?");
    let width = if full { usize::MAX } else { 160 };
    let mut out = String::new();
    let _ = writeln!(out, "{}", ex["executionArn"].as_str().unwrap_or(arn));
    let _ = writeln!(
        out,
        "  status {status}   started {}   duration {}",
        time(ex["startDate"].as_f64()),
        millis(ex["startDate"].as_f64(), ex["stopDate"].as_f64())
    );
    if let Some(i) = ex["input"].as_str() {
        let _ = writeln!(out, "  input  {}", clip(i, width));
    }
    if let Some(o) = ex["output"].as_str() {
        let _ = writeln!(out, "  output {}", clip(o, width));
    }
    if let Some(e) = ex["error"].as_str() {
        let _ = writeln!(
            out,
            "  error  {e}: {}",
            clip(ex["cause"].as_str().unwrap_or_default(), width)
        );
    }
    let failed = matches!(status, "FAILED" | "TIMED_OUT" | "ABORTED");
    let visits = visits(&events, failed);
    let _ = writeln!(
        out,
        "\n  {:<32} {:<10} {:>10}",
        "STATE", "OUTCOME", "DURATION"
    );
    for v in &visits {
        let retries = if v.retries > 0 {
            format!("   ({} retries)", v.retries)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {:<32} {:<10} {:>10}{retries}",
            format!("{} ({})", v.name, v.kind),
            outcome_word(v.outcome),
            millis(v.entered, v.exited)
        );
        if let Some(i) = &v.input {
            let _ = writeln!(out, "      in   {}", clip(i, width));
        }
        if let Some(o) = &v.output {
            let _ = writeln!(out, "      out  {}", clip(o, width));
        }
        if let Some((e, c)) = &v.error {
            let _ = writeln!(out, "      err  {e}: {}", clip(c, width));
        }
    }
    print!("{out}");
    if let Some(path) = svg {
        let machine = ex["stateMachineArn"].as_str().unwrap_or_default();
        let described = sfn(
            port,
            "DescribeStateMachine",
            json!({"stateMachineArn": machine}),
        )
        .await?;
        let definition: Value =
            serde_json::from_str(described["definition"].as_str().unwrap_or("{}"))
                .context("the state machine's definition")?;
        let g = graph::from_definition(&definition).map_err(|e| anyhow!("{machine}: {e}"))?;
        let mut outcomes = Outcomes::new();
        for v in &visits {
            outcomes.insert(v.name.clone(), v.outcome);
        }
        write_out(&g.to_svg(&outcomes), Some(path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_milliseconds_between_epoch_seconds() {
        assert_eq!(millis(Some(1.0), Some(1.3)), "300.0 ms");
        assert_eq!(millis(Some(1.0), None), "-");
    }

    /// The README shows docs/place-order.svg: it must be what `localcloud graph` draws today.
    #[test]
    fn the_readme_picture_is_current() {
        let model = localcloud_stack::repository_model();
        let machine = model.state_machines().next().expect("a state machine");
        let g = graph::from_definition(&machine.definition).expect("graph");
        let committed = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/place-order.svg"),
        )
        .expect("docs/place-order.svg");
        assert!(
            committed == g.to_svg(&Outcomes::new()),
            "docs/place-order.svg is stale: run `localcloud graph PlaceOrderStateMachine -o docs/place-order.svg`"
        );
    }

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(Format::pick(None, Some(Path::new("a.svg"))), Format::Svg);
        assert_eq!(Format::pick(None, Some(Path::new("a.dot"))), Format::Dot);
        assert_eq!(Format::pick(None, None), Format::Mermaid);
        assert_eq!(
            Format::pick(Some(Format::Dot), Some(Path::new("a.svg"))),
            Format::Dot
        );
    }
}
