//! Runs every case under `tests/conformance/vtl/` at the repository root.
//!
//! A case is a directory with `template.vm`, an optional `input.json`, `expected.txt` (the
//! exact output) or `expected_error.txt` (a fragment of the error message), an optional
//! `expected_overrides.json`, and `source` (where the expected behaviour comes from).
//!
//! `input.json` holds `body` (a string) or `bodyJson` (any JSON, serialized as the body),
//! `path`, `querystring`, `headers` and `stageVariables` (string maps) and `context`. With
//! `"engine": "velocity"` the case runs plain Velocity 1.7 (null references render as
//! written) with `vars` as its variables, instead of API Gateway's variables.

use std::path::{Path, PathBuf};

use localcloud_vtl::apigw::{render_mapping_template, RequestContext};
use localcloud_vtl::{json, Context, Template};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/vtl")
}

fn pairs(v: &serde_json::Value, key: &str) -> Vec<(String, String)> {
    v.get(key)
        .and_then(|m| m.as_object())
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Renders one case: `Ok(output)` or `Err(error message)`, plus the overrides as JSON.
fn run(dir: &Path) -> Result<(Result<String, String>, serde_json::Value), String> {
    let src = std::fs::read_to_string(dir.join("template.vm")).map_err(|e| e.to_string())?;
    let input: serde_json::Value = match std::fs::read_to_string(dir.join("input.json")) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("input.json: {e}"))?,
        Err(_) => serde_json::json!({}),
    };
    let template = match Template::parse("template.vm", &src) {
        Ok(t) => t,
        Err(e) => return Ok((Err(e.to_string()), serde_json::Value::Null)),
    };
    if input.get("engine").and_then(|e| e.as_str()) == Some("velocity") {
        let mut ctx = Context::new();
        if let Some(vars) = input.get("vars").and_then(|v| v.as_object()) {
            for (k, v) in vars {
                let v = json::parse(&v.to_string()).map_err(|e| e.to_string())?;
                ctx.insert(k.clone(), v);
            }
        }
        return Ok((
            template.render(&mut ctx).map_err(|e| e.to_string()),
            serde_json::Value::Null,
        ));
    }
    let body = match (input.get("body"), input.get("bodyJson")) {
        (Some(b), _) => b.as_str().unwrap_or_default().to_string(),
        (None, Some(j)) => j.to_string(),
        (None, None) => String::new(),
    };
    let req = RequestContext {
        body,
        path: pairs(&input, "path"),
        querystring: pairs(&input, "querystring"),
        headers: pairs(&input, "headers"),
        context: input
            .get("context")
            .cloned()
            .unwrap_or(serde_json::json!({})),
        stage_variables: pairs(&input, "stageVariables"),
    };
    match render_mapping_template(&template, &req) {
        Ok(r) => {
            let o = &r.overrides;
            let overrides = serde_json::json!({
                "status": o.status,
                "responseHeaders": o.response_headers,
                "requestHeaders": o.request_headers,
                "requestQuerystring": o.request_querystring,
                "requestPath": o.request_path,
            });
            Ok((Ok(r.body), overrides))
        }
        Err(e) => Ok((Err(e.to_string()), serde_json::Value::Null)),
    }
}

fn check(dir: &Path) -> Result<(), String> {
    let source = std::fs::read_to_string(dir.join("source")).unwrap_or_default();
    if source.trim().is_empty() {
        return Err("no source line".into());
    }
    let (outcome, overrides) = run(dir)?;
    let expected = std::fs::read_to_string(dir.join("expected.txt")).ok();
    let expected_error = std::fs::read_to_string(dir.join("expected_error.txt")).ok();
    match (outcome, expected, expected_error) {
        (Ok(out), Some(exp), _) if out == exp => {}
        (Ok(out), Some(exp), _) => {
            return Err(format!(
                "output differs\n--- expected\n{exp:?}\n--- actual\n{out:?}"
            ))
        }
        (Err(e), _, Some(frag)) if e.contains(frag.trim()) => {}
        (Err(e), _, Some(frag)) => {
            return Err(format!("error {e:?} does not contain {:?}", frag.trim()))
        }
        (Err(e), _, None) => return Err(format!("unexpected error: {e}")),
        (Ok(out), None, _) => return Err(format!("expected an error, rendered {out:?}")),
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("expected_overrides.json")) {
        let want: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("expected_overrides.json: {e}"))?;
        for (k, v) in want.as_object().into_iter().flatten() {
            if overrides.get(k) != Some(v) {
                return Err(format!(
                    "override {k}: expected {v}, got {:?}",
                    overrides.get(k)
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn conformance_cases() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/conformance/vtl exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no conformance cases found");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Err(why) = check(dir) {
            failures.push(format!("{name}: {why}"));
        }
    }
    println!(
        "{} cases, {} passed",
        dirs.len(),
        dirs.len() - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}
