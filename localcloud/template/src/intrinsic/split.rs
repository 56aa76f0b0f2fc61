//! `Fn::Split` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-split.html>):
//! `[delimiter, source]`.

use serde_json::Value;

use super::Resolver;
use crate::error::{malformed, Result};

pub(super) fn resolve(r: &Resolver<'_>, arg: &Value, at: &str) -> Result<Value> {
    let Some([delimiter, source]) = arg.as_array().map(Vec::as_slice) else {
        return Err(malformed(at, "Split takes [delimiter, source]"));
    };
    let delimiter = delimiter
        .as_str()
        .filter(|d| !d.is_empty())
        .ok_or_else(|| malformed(at, "Split's delimiter must be a non-empty literal string"))?;
    let source = r.resolve_string(source, &format!("{at}[1]"))?;
    Ok(Value::Array(
        source.split(delimiter).map(Value::from).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fixture;
    use serde_json::json;

    #[test]
    fn splits_and_composes_with_select() {
        let f = Fixture::new();
        assert_eq!(f.ok("!Split ['|', 'a||b']"), json!(["a", "", "b"]));
        assert_eq!(
            f.ok("!Select [1, !Split ['-', !Sub '${Stage}-x']]"),
            json!("x")
        );
    }
}
