//! Parsing and rendering never panic, whatever the template and body.

use localcloud_vtl::apigw::{render_mapping_template, RequestContext};
use localcloud_vtl::Template;
use proptest::prelude::*;

fn render(src: &str, body: &str) {
    if let Ok(t) = Template::parse("fuzz.vm", src) {
        let req = RequestContext {
            body: body.to_string(),
            querystring: vec![("q".into(), "1".into())],
            context: serde_json::json!({"requestId": "r", "authorizer": {"claims": {"sub": "u"}}}),
            ..RequestContext::default()
        };
        let _ = render_mapping_template(&t, &req);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_never_panic(src in ".{0,200}", body in ".{0,40}") {
        render(&src, &body);
    }

    #[test]
    fn template_shaped_strings_never_panic(
        src in r#"([$#(){}\[\]!.,'"=<>+*/%\\ \n a-z0-9]|#set|#if|#else|#end|#foreach|#macro|#define|\$input\.path\('\$[.a-z\[\]0-9*]*'\)|\$util\.[a-zA-Z]+\(|\.size\(\)| in |\.\.){0,60}"#,
        body in r#"(\{|\}|\[|\]|"a"|:|,|1|2\.5|"x"|true|null){0,20}"#,
    ) {
        render(&src, &body);
    }
}
