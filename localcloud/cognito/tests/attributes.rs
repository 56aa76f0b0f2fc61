//! User attributes are checked against the pool's schema, as Cognito checks them: a client
//! cannot write `sub` or the `*_verified` flags (so nobody can sign up as another user's `sub`),
//! attributes the schema does not have are refused, and an ID token's `sub` is always the
//! user's own. Sources: aws/aws-sdk-js#3603 (SignUp with `email_verified`:
//! `NotAuthorizedException: A client attempted to write unauthorized attribute`),
//! aws-amplify/amplify-flutter#509 and aws-amplify/amplify-js#2167 (an attribute outside the
//! schema: `InvalidParameterException: Attributes did not conform to the schema: <name>:
//! Attribute does not exist in the schema.`).
#![allow(clippy::unwrap_used)]

mod common;

use common::Harness;
use serde_json::{json, Value};

const PW: &str = "Correct-Horse9battery";

async fn sign_up(h: &Harness, user: &str, attrs: Value) -> (u16, Value) {
    h.call(
        "SignUp",
        json!({"ClientId": h.client_id, "Username": user, "Password": PW, "UserAttributes": attrs}),
    )
    .await
}

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn a_client_cannot_sign_up_with_another_users_sub() {
    let h = Harness::start(None).await;
    let victim = h.sign_up_confirmed("victim", PW).await;
    for name in ["sub", "email_verified", "phone_number_verified"] {
        let (s, v) = sign_up(
            &h,
            "mallory",
            json!([{"Name": "email", "Value": "m@example.com"}, {"Name": name, "Value": victim}]),
        )
        .await;
        assert_eq!(s, 400, "{name}: {v}");
        assert_eq!(v["__type"], "NotAuthorizedException", "{name}");
        assert_eq!(
            v["message"],
            "A client attempted to write unauthorized attribute"
        );
    }
    // Nothing was created: the name is still free and cannot sign in.
    let (s, v) = h.sign_in("mallory", PW).await;
    assert_eq!(s, 400, "{v}");
}

#[tokio::test]
async fn attributes_outside_the_schema_are_refused() {
    let h = Harness::start(None).await;
    let (s, v) = sign_up(
        &h,
        "bob",
        json!([
            {"Name": "email", "Value": "bob@example.com"},
            {"Name": "favorite_flavor", "Value": "x"},
            {"Name": "cognito:groups", "Value": "admins"},
            {"Name": "custom:tier", "Value": "gold"}
        ]),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["__type"], "InvalidParameterException");
    assert_eq!(
        v["message"],
        "Attributes did not conform to the schema: favorite_flavor: Attribute does not exist in the schema.\n\
         cognito:groups: Attribute does not exist in the schema.\n\
         custom:tier: Attribute does not exist in the schema.\n"
    );
    // Standard attributes are in every pool's schema.
    let (s, v) = sign_up(
        &h,
        "carol",
        json!([{"Name": "email", "Value": "c@example.com"}, {"Name": "name", "Value": "Carol"}]),
    )
    .await;
    assert_eq!(s, 200, "{v}");
}

#[tokio::test]
async fn declared_custom_attributes_are_accepted() {
    let mut config = common::template();
    config.custom_attributes = vec!["tier".into()];
    let h = Harness::start_with(config, None).await;
    let (s, v) = sign_up(
        &h,
        "dora",
        json!([{"Name": "email", "Value": "d@example.com"}, {"Name": "custom:tier", "Value": "gold"}]),
    )
    .await;
    assert_eq!(s, 200, "{v}");
}

#[tokio::test]
async fn an_administrator_may_verify_but_never_set_sub() {
    let h = Harness::start(None).await;
    let create = |name: &str, attrs: Value| {
        json!({"UserPoolId": h.pool_id, "Username": name, "TemporaryPassword": "Temporary-Pass1",
               "MessageAction": "SUPPRESS", "UserAttributes": attrs})
    };
    let (s, v) = h
        .call(
            "AdminCreateUser",
            create(
                "erin",
                json!([{"Name": "email", "Value": "e@example.com"}, {"Name": "email_verified", "Value": "true"}]),
            ),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = h
        .call(
            "AdminCreateUser",
            create(
                "frank",
                json!([{"Name": "email", "Value": "f@example.com"}, {"Name": "sub", "Value": "someone-else"}]),
            ),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["__type"], "InvalidParameterException");
}

/// A user stored with a `sub` attribute (a state file written before attributes were checked)
/// still gets its own `sub` in the ID token.
#[tokio::test]
async fn a_stored_sub_attribute_never_reaches_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let own = {
        let h = Harness::start(Some(dir.path().to_path_buf())).await;
        h.sign_up_confirmed("hank", PW).await
    };
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("the pool's state file");
    let mut state: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let users = state["users"].as_object_mut().expect("users");
    let user = users
        .values_mut()
        .find(|u| u["username"] == "hank")
        .unwrap();
    user["attributes"]["sub"] = json!("the-victims-sub");
    user["attributes"]["cognito:groups"] = json!("admins");
    std::fs::write(&file, serde_json::to_vec(&state).unwrap()).unwrap();

    let h = Harness::start(Some(dir.path().to_path_buf())).await;
    let (s, v) = h.sign_in("hank", PW).await;
    assert_eq!(s, 200, "{v}");
    let id = claims(v["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["sub"], own);
    assert_eq!(id["cognito:username"], "hank");
    assert!(id.get("cognito:groups").is_none(), "{id}");
}
