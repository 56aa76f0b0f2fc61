//! `Fn::Select` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-select.html>):
//! `[index, list]`; the index may be a string or a `Ref`.

use serde_json::Value;

use super::Resolver;
use crate::error::{malformed, Result};

pub(super) fn resolve(r: &Resolver<'_>, arg: &Value, at: &str) -> Result<Value> {
    let Some([index, list]) = arg.as_array().map(Vec::as_slice) else {
        return Err(malformed(at, "Select takes [index, list]"));
    };
    let index: usize = r
        .resolve_string(index, &format!("{at}[0]"))?
        .parse()
        .map_err(|_| malformed(at, "Select's index must be a non-negative integer"))?;
    let list = r.resolve_list(list, &format!("{at}[1]"))?;
    let len = list.len();
    list.into_iter()
        .nth(index)
        .ok_or_else(|| malformed(at, format!("index {index} is out of range (list of {len})")))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fixture;
    use serde_json::json;

    #[test]
    fn selects_by_index() {
        let f = Fixture::new();
        assert_eq!(f.ok("!Select [1, [a, b, c]]"), json!("b"));
        assert_eq!(f.ok("!Select ['0', !Ref Zones]"), json!("a"));
        assert_eq!(f.ok("!Select [2, !GetAZs '']"), json!("us-east-1c"));
        assert!(f.eval("!Select [3, [a]]").is_err());
    }
}
