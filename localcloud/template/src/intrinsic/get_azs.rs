//! `Fn::GetAZs` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getavailabilityzones.html>):
//! the stack's local list of zones; `''` or the stack's region.

use serde_json::Value;

use super::Resolver;
use crate::error::{malformed, Result};

pub(super) fn resolve(r: &Resolver<'_>, arg: &Value, at: &str) -> Result<Value> {
    let region = r.resolve_string(arg, at)?;
    if !region.is_empty() && region != r.stack.region {
        return Err(malformed(
            at,
            format!(
                "only the stack's region `{}` has zones locally",
                r.stack.region
            ),
        ));
    }
    Ok(Value::Array(
        r.stack
            .availability_zones
            .iter()
            .cloned()
            .map(Value::String)
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fixture;
    use serde_json::json;

    #[test]
    fn local_zones() {
        let f = Fixture::new();
        let zones = json!(["us-east-1a", "us-east-1b", "us-east-1c"]);
        assert_eq!(f.ok("!GetAZs ''"), zones);
        assert_eq!(f.ok("Fn::GetAZs: !Ref AWS::Region"), zones);
        assert!(f.eval("!GetAZs eu-west-1").is_err());
    }
}
