//! Render time per template: every `openapi_*` conformance case (this project's real mapping
//! templates) rendered in a loop, printed as microseconds per render. There is no other Rust
//! Velocity engine to compare with; the figure to compare is API Gateway's own mapping
//! latency, which is not observable locally.
//!
//! `cargo bench -p localcloud-vtl`

use std::path::Path;
use std::time::Instant;

use localcloud_vtl::apigw::{render_mapping_template, RequestContext};
use localcloud_vtl::Template;

fn pairs(v: &serde_json::Value, key: &str) -> Vec<(String, String)> {
    v.get(key)
        .and_then(|m| m.as_object())
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/vtl");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    cases.retain(|p: &std::path::PathBuf| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("openapi_"))
    });
    cases.sort();
    println!("{:<50} {:>12} {:>12}", "template", "parse µs", "render µs");
    for case in cases {
        let Ok(src) = std::fs::read_to_string(case.join("template.vm")) else {
            continue;
        };
        let input: serde_json::Value = std::fs::read_to_string(case.join("input.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::json!({}));
        let req = RequestContext {
            body: input
                .get("body")
                .and_then(|b| b.as_str())
                .unwrap_or_default()
                .to_string(),
            path: pairs(&input, "path"),
            querystring: pairs(&input, "querystring"),
            headers: pairs(&input, "headers"),
            context: input
                .get("context")
                .cloned()
                .unwrap_or(serde_json::json!({})),
            stage_variables: pairs(&input, "stageVariables"),
        };
        let n = 2_000u32;
        let start = Instant::now();
        let mut template = None;
        for _ in 0..n {
            template = Template::parse("bench.vm", &src).ok();
        }
        let parse = start.elapsed() / n;
        let Some(template) = template else { continue };
        let start = Instant::now();
        for _ in 0..n {
            let _ = std::hint::black_box(render_mapping_template(&template, &req));
        }
        let render = start.elapsed() / n;
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{:<50} {:>12.1} {:>12.1}",
            name,
            parse.as_secs_f64() * 1e6,
            render.as_secs_f64() * 1e6
        );
    }
}
