//! `Fn::Join` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-join.html>):
//! `[delimiter, [values...]]`; the list may come from another function (`Fn::Split`, a list
//! parameter, `Fn::GetAZs`).

use serde_json::Value;

use super::Resolver;
use crate::error::{malformed, Result};

pub(super) fn resolve(r: &Resolver<'_>, arg: &Value, at: &str) -> Result<String> {
    let Some([delimiter, list]) = arg.as_array().map(Vec::as_slice) else {
        return Err(malformed(at, "Join takes [delimiter, [values]]"));
    };
    let delimiter = delimiter
        .as_str()
        .ok_or_else(|| malformed(at, "Join's delimiter must be a literal string"))?;
    let parts = r
        .resolve_list(list, &format!("{at}[1]"))?
        .iter()
        .enumerate()
        .map(|(i, v)| r.resolve_string(v, &format!("{at}[1][{i}]")))
        .collect::<Result<Vec<_>>>()?;
    Ok(parts.join(delimiter))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fixture;
    use serde_json::json;

    #[test]
    fn joins_literals_refs_and_lists() {
        let f = Fixture::new();
        assert_eq!(f.ok("!Join ['-', [a, !Ref Stage, 3]]"), json!("a-dev-3"));
        assert_eq!(f.ok("!Join [',', !Ref Zones]"), json!("a,b"));
        assert_eq!(f.ok("!Join ['', []]"), json!(""));
        assert!(f.eval("!Join [',']").is_err());
    }
}
