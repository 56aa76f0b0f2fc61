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
    #![proptest_config(ProptestConfig::with_cases(1000))]

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

/// Shared and self-containing collections neither hang nor overflow the stack.
#[test]
fn cyclic_and_exponential_values_terminate() {
    let cases = [
        "#set($a = [])#set($x = $a.add($a))$a #if($a == $a)same#end",
        "#set($a = [])#set($x = $a.add($a))#set($b = [])#set($x = $b.add($b))#if($a == $b)eq#{else}ne#end",
        "#set($m = {})#set($m.self = $m)$m",
        "#set($l = [1])#foreach($i in [1..80])#set($l = [$l, $l])#end$l.size() $l",
    ];
    for src in cases {
        let t = Template::parse("cycle.vm", src).expect("parses");
        let req = RequestContext::default();
        // Either output or a limit error; what matters is that it returns.
        let _ = render_mapping_template(&t, &req);
    }
    let t = Template::parse("cycle.vm", "#set($m = {})#set($m.self = $m)$m").expect("parses");
    let out = render_mapping_template(&t, &RequestContext::default()).expect("renders");
    assert_eq!(out.body, "{self=(this Map)}");
}

/// The deepest nesting the parser accepts renders on a test thread's stack, and anything
/// deeper is a parse error rather than a stack overflow.
#[test]
fn deep_nesting_is_bounded() {
    let req = RequestContext::default();
    for depth in [40, 95, 5000] {
        let ifs = format!("{}x{}", "#if(true)".repeat(depth), "#end".repeat(depth));
        let parens = format!("#set($a = {}1{})$a", "(".repeat(depth), ")".repeat(depth));
        let lists = format!("#set($a = {}1{})$a", "[".repeat(depth), "]".repeat(depth));
        let calls = format!("{}1{}", "$a.get(".repeat(depth), ")".repeat(depth));
        let loops = format!(
            "{}x{}",
            "#foreach($i in [1])".repeat(depth),
            "#end".repeat(depth)
        );
        for src in [ifs, parens, lists, calls, loops] {
            match Template::parse("deep.vm", &src) {
                Ok(t) => {
                    let _ = render_mapping_template(&t, &req);
                }
                Err(e) => assert!(depth > 40, "depth {depth} should parse: {e}"),
            }
        }
    }
}
