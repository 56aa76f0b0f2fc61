//! `Fn::Transform` with `Name: AWS::Include`
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/create-reusable-transform-function-snippets-and-add-to-your-template-with-aws-include-transform.html>),
//! anywhere in the tree. On AWS the `Location` is an S3 URI; locally it is a path relative to
//! the including file (YAML or JSON), which is what `sam deploy` uploads. Included files may
//! include others; an `s3://` location is an error.
//!
//! `{"Fn::Transform": ...}` alone is replaced by the file's content; next to other keys, the
//! file's mapping is merged into the enclosing mapping (the snippet form).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Result, TemplateError};

/// Expands every `AWS::Include` in `v`; `dir` is the directory of the file `v` came from.
pub(crate) fn expand(v: Value, dir: &Path, at: &str, depth: usize) -> Result<Value> {
    match v {
        Value::Object(map) => {
            let mut map = map;
            if let Some(transform) = map.remove("Fn::Transform") {
                let tat = format!("{at}.Fn::Transform");
                let (content, file_dir) = load(&transform, dir, &tat, depth)?;
                let content = expand(content, &file_dir, &tat, depth + 1)?;
                if map.is_empty() {
                    return Ok(content);
                }
                let Value::Object(extra) = content else {
                    return Err(include_error(
                        &tat,
                        &transform,
                        "the included file must be a mapping when Fn::Transform has sibling keys",
                    ));
                };
                for (k, v) in extra {
                    map.entry(k).or_insert(v);
                }
            }
            let mut out = Map::new();
            for (k, v) in map {
                let child = expand(v, dir, &format!("{at}.{k}"), depth)?;
                out.insert(k, child);
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| expand(v, dir, &format!("{at}[{i}]"), depth))
            .collect::<Result<Vec<_>>>()
            .map(Value::Array),
        other => Ok(other),
    }
}

fn include_error(at: &str, transform: &Value, message: &str) -> TemplateError {
    TemplateError::Include {
        at: at.to_string(),
        location: transform
            .pointer("/Parameters/Location")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string(),
        message: message.to_string(),
    }
}

fn load(transform: &Value, dir: &Path, at: &str, depth: usize) -> Result<(Value, PathBuf)> {
    let name = transform.get("Name").and_then(Value::as_str).unwrap_or("?");
    if name != "AWS::Include" {
        return Err(TemplateError::UnsupportedTransform {
            at: at.to_string(),
            name: name.to_string(),
        });
    }
    let location = transform
        .pointer("/Parameters/Location")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            include_error(
                at,
                transform,
                "Parameters.Location must be a literal string",
            )
        })?;
    if location.contains("://") {
        return Err(include_error(
            at,
            transform,
            "only local paths (relative to the template) can be included locally",
        ));
    }
    if depth > 16 {
        return Err(include_error(
            at,
            transform,
            "includes nested more than 16 deep (a cycle?)",
        ));
    }
    let path = dir.join(location);
    let content =
        crate::yaml::read_file(&path).map_err(|e| include_error(at, transform, &e.to_string()))?;
    let file_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((content, file_dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replaces_and_merges_relative_to_the_including_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("api")).expect("mkdir");
        std::fs::write(
            dir.path().join("api/openapi.yaml"),
            "openapi: 3.0.1\npaths: {}\nx-inner:\n  Fn::Transform: {Name: AWS::Include, Parameters: {Location: part.json}}\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("api/part.json"),
            r#"{"k": {"Fn::Sub": "${AWS::Region}"}}"#,
        )
        .expect("write");
        let v = json!({
            "Body": {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "api/openapi.yaml"}}},
            "Merged": {"own": 1, "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "api/part.json"}}}
        });
        let out = expand(v, dir.path(), "Resources", 0).expect("expands");
        assert_eq!(out["Body"]["openapi"], json!("3.0.1"));
        assert_eq!(
            out["Body"]["x-inner"],
            json!({"k": {"Fn::Sub": "${AWS::Region}"}})
        );
        assert_eq!(
            out["Merged"],
            json!({"own": 1, "k": {"Fn::Sub": "${AWS::Region}"}})
        );
    }

    #[test]
    fn missing_files_s3_and_other_transforms_are_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let inc = |loc: &str| json!({"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": loc}}});
        let err = expand(inc("nope.yaml"), dir.path(), "X", 0).expect_err("missing");
        assert!(
            matches!(err, TemplateError::Include { ref location, .. } if location == "nope.yaml")
        );
        assert!(expand(inc("s3://b/k.yaml"), dir.path(), "X", 0).is_err());
        let other = json!({"Fn::Transform": {"Name": "AWS::LanguageExtensions"}});
        assert!(matches!(
            expand(other, dir.path(), "X", 0),
            Err(TemplateError::UnsupportedTransform { .. })
        ));
    }
}
