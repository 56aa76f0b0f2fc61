//! `Fn::FindInMap` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-findinmap.html>):
//! `[MapName, TopLevelKey, SecondLevelKey]`, each of which may be a `Ref`.

use serde_json::Value;

use super::Resolver;
use crate::error::{malformed, Result};

pub(super) fn resolve(r: &Resolver<'_>, arg: &Value, at: &str) -> Result<Value> {
    let Some([map, top, second]) = arg.as_array().map(Vec::as_slice) else {
        return Err(malformed(
            at,
            "FindInMap takes [MapName, TopLevelKey, SecondLevelKey]",
        ));
    };
    let map = r.resolve_string(map, &format!("{at}[0]"))?;
    let top = r.resolve_string(top, &format!("{at}[1]"))?;
    let second = r.resolve_string(second, &format!("{at}[2]"))?;
    let found = r
        .mappings
        .and_then(|m| m.get(&map))
        .ok_or_else(|| malformed(at, format!("no mapping `{map}` in Mappings")))?
        .get(&top)
        .and_then(|t| t.get(&second))
        .ok_or_else(|| malformed(at, format!("Mappings.{map} has no `{top}`.`{second}`")))?;
    r.resolve_value(found, &format!("Mappings.{map}.{top}.{second}"))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fixture;
    use serde_json::json;

    #[test]
    fn finds_with_ref_keys() {
        let f = Fixture::new();
        assert_eq!(f.ok("!FindInMap [Sizes, !Ref Stage, Memory]"), json!(128));
        assert!(f.eval("!FindInMap [Sizes, prod, Memory]").is_err());
        assert!(f.eval("!FindInMap [Nope, dev, Memory]").is_err());
    }
}
