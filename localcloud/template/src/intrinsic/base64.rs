//! `Fn::Base64` (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-base64.html>).

use base64::Engine as _;
use serde_json::Value;

use super::Resolver;
use crate::error::Result;

pub(super) fn resolve(r: &Resolver<'_>, arg: &Value, at: &str) -> Result<String> {
    let s = r.resolve_string(arg, at)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(s))
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fixture;
    use serde_json::json;

    #[test]
    fn encodes_the_resolved_string() {
        let f = Fixture::new();
        assert_eq!(f.ok("!Base64 'hi'"), json!("aGk="));
        // Two short forms cannot be nested directly (YAML allows one tag per node), hence the
        // long form outside, as the Fn::Base64 page advises.
        assert_eq!(f.ok("Fn::Base64: !Ref Stage"), json!("ZGV2"));
    }
}
