//! The cognito-idp API over raw HTTP against the router on port 0.
#![allow(clippy::unwrap_used)]

mod common;

use common::Harness;
use jsonwebtoken::jwk::JwkSet;
use localcloud_cognito::{AuthorizerConfig, Verifier};
use serde_json::json;

const PW: &str = "Correct-Horse9battery";

#[tokio::test]
async fn sign_up_confirm_sign_in_get_user_sign_out() {
    let h = Harness::start(None).await;
    let sub = h.sign_up_confirmed("Alice", PW).await;
    assert_eq!(h.codes.lock().unwrap()[0].destination, "Alice@example.com");

    // Case-insensitive usernames (UsernameConfiguration.CaseSensitive: false).
    let (s, v) = h.sign_in("alice", PW).await;
    assert_eq!(s, 200, "{v}");
    let r = &v["AuthenticationResult"];
    assert_eq!(r["TokenType"], "Bearer");
    assert_eq!(r["ExpiresIn"], 3600);
    let id = r["IdToken"].as_str().unwrap();
    let access = r["AccessToken"].as_str().unwrap();
    let refresh = r["RefreshToken"].as_str().unwrap();

    // The tokens verify against the JWKS served over HTTP.
    let (s, jwks) = h
        .get(&format!("/{}/.well-known/jwks.json", h.pool_id))
        .await;
    assert_eq!(s, 200);
    let jwks: JwkSet = serde_json::from_value(jwks).unwrap();
    // Cognito signs ID and access tokens with different keys; both are published.
    assert_eq!(jwks.keys.len(), 2);
    let kid_of = |t: &str| jsonwebtoken::decode_header(t).unwrap().kid.unwrap();
    assert_ne!(kid_of(id), kid_of(access));
    assert!(jwks.find(&kid_of(id)).is_some() && jwks.find(&kid_of(access)).is_some());
    let mut verifier = Verifier::new();
    verifier.add_jwks(h.pool.issuer(), &jwks);
    let cfg = AuthorizerConfig {
        issuers: vec![format!("http://{}/{}", h.addr, h.pool_id)],
        audiences: Some(vec![h.client_id.clone()]),
        scopes: None,
    };
    let now = h.pool.now();
    let claims = verifier.verify(Some(id), &cfg, now).unwrap();
    assert_eq!(claims["sub"], sub);
    assert_eq!(claims["cognito:username"], "Alice");
    assert_eq!(claims["email"], "Alice@example.com");
    assert_eq!(claims["email_verified"], "true");
    assert_eq!(claims["token_use"], "id");
    assert_eq!(claims["aud"], h.client_id);
    assert_eq!(claims["auth_time"], now.to_string());
    assert_eq!(claims["iat"], "Fri Jan 15 08:00:00 UTC 2027");
    for k in ["jti", "origin_jti", "event_id", "exp", "iss"] {
        assert!(claims.contains_key(k), "{k} missing");
    }
    let access_cfg = AuthorizerConfig {
        scopes: Some(vec!["aws.cognito.signin.user.admin".into()]),
        ..cfg.clone()
    };
    let ac = verifier.verify(Some(access), &access_cfg, now).unwrap();
    assert_eq!(ac["token_use"], "access");
    assert_eq!(ac["client_id"], h.client_id);
    assert_eq!(ac["username"], "Alice");
    assert_eq!(ac["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(ac["version"], "2");
    assert_eq!(ac["origin_jti"], claims["origin_jti"]);

    let (s, v) = h
        .get(&format!("/{}/.well-known/openid-configuration", h.pool_id))
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["issuer"], h.pool.issuer());

    let (s, v) = h.call("GetUser", json!({"AccessToken": access})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["Username"], "Alice");
    assert_eq!(v["UserAttributes"][0], json!({"Name": "sub", "Value": sub}));

    // Refresh works before sign-out and keeps origin_jti; no new refresh token.
    let refresh_req = json!({"ClientId": h.client_id, "AuthFlow": "REFRESH_TOKEN_AUTH",
                             "AuthParameters": {"REFRESH_TOKEN": refresh}});
    let (s, v) = h.call("InitiateAuth", refresh_req.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["AuthenticationResult"].get("RefreshToken").is_none());
    let refreshed = v["AuthenticationResult"]["IdToken"].as_str().unwrap();
    let rc = verifier.verify(Some(refreshed), &cfg, now).unwrap();
    assert_eq!(rc["origin_jti"], claims["origin_jti"]);

    let (s, v) = h
        .call("GlobalSignOut", json!({"AccessToken": access}))
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = h.call("InitiateAuth", refresh_req).await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"__type": "NotAuthorizedException", "message": "Invalid Refresh Token"})
    );
    let (s, v) = h.call("GetUser", json!({"AccessToken": access})).await;
    assert_eq!(s, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(v["message"], "Access Token has been revoked");
}

#[tokio::test]
async fn password_policy_and_sign_up_errors() {
    let h = Harness::start(None).await;
    let cases = [
        ("Short1a", "Password not long enough"),
        ("alllowercase123", "Password must have uppercase characters"),
        ("ALLUPPERCASE123", "Password must have lowercase characters"),
        (
            "NoNumbersHereAtAll",
            "Password must have numeric characters",
        ),
    ];
    for (pw, why) in cases {
        let (s, v) = h
            .call(
                "SignUp",
                json!({"ClientId": h.client_id, "Username": "bob", "Password": pw,
                       "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]}),
            )
            .await;
        assert_eq!(s, 400);
        assert_eq!(v["__type"], "InvalidPasswordException");
        assert_eq!(
            v["message"],
            format!("Password did not conform with policy: {why}")
        );
    }
    // email is Required in the schema.
    let (s, v) = h
        .call(
            "SignUp",
            json!({"ClientId": h.client_id, "Username": "bob", "Password": PW}),
        )
        .await;
    assert_eq!(
        (s, v["__type"].as_str()),
        (400, Some("InvalidParameterException"))
    );

    h.sign_up_confirmed("bob", PW).await;
    let (s, v) = h
        .call(
            "SignUp",
            json!({"ClientId": h.client_id, "Username": "BOB", "Password": PW,
                   "UserAttributes": [{"Name": "email", "Value": "b@example.com"}]}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"__type": "UsernameExistsException", "message": "User already exists"})
    );

    // Wrong password and unknown user answer alike (PreventUserExistenceErrors).
    for (user, pw) in [("bob", "Wrong-password1"), ("nobody", PW)] {
        let (s, v) = h.sign_in(user, pw).await;
        assert_eq!(s, 400);
        assert_eq!(
            v,
            json!({"__type": "NotAuthorizedException", "message": "Incorrect username or password."})
        );
    }
    let (s, v) = h.call("Nope", json!({})).await;
    assert_eq!(
        (s, v["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    let (s, v) = h
        .call(
            "SignUp",
            json!({"ClientId": "unknownclient", "Username": "x", "Password": PW}),
        )
        .await;
    assert_eq!(
        (s, v["__type"].as_str()),
        (400, Some("ResourceNotFoundException"))
    );
}

#[tokio::test]
async fn confirmation_codes() {
    let h = Harness::start(None).await;
    let (s, _) = h
        .call(
            "SignUp",
            json!({"ClientId": h.client_id, "Username": "carol", "Password": PW,
                   "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}]}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) = h.sign_in("carol", PW).await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"__type": "UserNotConfirmedException", "message": "User is not confirmed."})
    );

    let code = h.last_code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let confirm =
        |c: &str| json!({"ClientId": h.client_id, "Username": "carol", "ConfirmationCode": c});
    let (s, v) = h.call("ConfirmSignUp", confirm(wrong)).await;
    assert_eq!(
        (s, v["__type"].as_str()),
        (400, Some("CodeMismatchException"))
    );

    h.advance(24 * 3600 + 1);
    let (s, v) = h.call("ConfirmSignUp", confirm(&code)).await;
    assert_eq!(
        (s, v["__type"].as_str()),
        (400, Some("ExpiredCodeException"))
    );

    let (s, v) = h
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": h.client_id, "Username": "carol"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert_eq!(h.codes.lock().unwrap().len(), 2);
    let (s, _) = h.call("ConfirmSignUp", confirm(&h.last_code())).await;
    assert_eq!(s, 200);
    let (s, _) = h.sign_in("carol", PW).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn admin_operations_and_list_users() {
    let h = Harness::start(None).await;
    let (s, v) = h
        .call(
            "AdminCreateUser",
            json!({"UserPoolId": h.pool_id, "Username": "dave", "TemporaryPassword": "Temporary-Pass1",
                   "MessageAction": "SUPPRESS",
                   "UserAttributes": [{"Name": "email", "Value": "dave@example.com"}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let (s, v) = h.sign_in("dave", "Temporary-Pass1").await;
    assert_eq!(s, 200);
    assert_eq!(v["ChallengeName"], "NEW_PASSWORD_REQUIRED");

    let (s, _) = h
        .call(
            "AdminSetUserPassword",
            json!({"UserPoolId": h.pool_id, "Username": "dave", "Password": PW, "Permanent": true}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) = h
        .call(
            "AdminInitiateAuth",
            json!({"UserPoolId": h.pool_id, "ClientId": h.client_id, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": "dave", "PASSWORD": PW}}),
        )
        .await;
    // The template's client does not enable ALLOW_ADMIN_USER_PASSWORD_AUTH.
    assert_eq!(
        (s, v["__type"].as_str()),
        (400, Some("InvalidParameterException"))
    );
    let (s, v) = h.sign_in("dave", PW).await;
    assert_eq!(s, 200, "{v}");

    let (s, _) = h
        .call(
            "SignUp",
            json!({"ClientId": h.client_id, "Username": "erin", "Password": PW,
                   "UserAttributes": [{"Name": "email", "Value": "erin@example.com"}]}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = h
        .call(
            "AdminConfirmSignUp",
            json!({"UserPoolId": h.pool_id, "Username": "erin"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) = h
        .call(
            "AdminGetUser",
            json!({"UserPoolId": h.pool_id, "Username": "ERIN"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["UserStatus"], "CONFIRMED");
    assert_eq!(v["Username"], "erin");
    let (s, v) = h
        .call(
            "AdminGetUser",
            json!({"UserPoolId": h.pool_id, "Username": "zed"}),
        )
        .await;
    assert_eq!(
        (s, v["__type"].as_str()),
        (400, Some("UserNotFoundException"))
    );

    let (_, v) = h
        .call(
            "ListUsers",
            json!({"UserPoolId": h.pool_id, "Filter": "email ^= \"erin\""}),
        )
        .await;
    let users = v["Users"].as_array().unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["Username"], "erin");
    let (_, v) = h
        .call(
            "ListUsers",
            json!({"UserPoolId": h.pool_id, "Filter": "username = \"dave\""}),
        )
        .await;
    assert_eq!(v["Users"].as_array().unwrap().len(), 1);

    let (_, page1) = h
        .call("ListUsers", json!({"UserPoolId": h.pool_id, "Limit": 1}))
        .await;
    assert_eq!(page1["Users"][0]["Username"], "dave");
    let token = page1["PaginationToken"].as_str().unwrap();
    let (_, page2) = h
        .call(
            "ListUsers",
            json!({"UserPoolId": h.pool_id, "Limit": 1, "PaginationToken": token}),
        )
        .await;
    assert_eq!(page2["Users"][0]["Username"], "erin");
    assert!(page2.get("PaginationToken").is_none());
}

#[tokio::test]
async fn revoke_token_stops_refresh() {
    let h = Harness::start(None).await;
    h.sign_up_confirmed("frank", PW).await;
    let (_, v) = h.sign_in("frank", PW).await;
    let refresh = v["AuthenticationResult"]["RefreshToken"].as_str().unwrap();
    let (s, _) = h
        .call(
            "RevokeToken",
            json!({"ClientId": h.client_id, "Token": refresh}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) = h
        .call(
            "InitiateAuth",
            json!({"ClientId": h.client_id, "AuthFlow": "REFRESH_TOKEN_AUTH",
                   "AuthParameters": {"REFRESH_TOKEN": refresh}}),
        )
        .await;
    assert_eq!(
        (s, v["__type"].as_str()),
        (400, Some("NotAuthorizedException"))
    );
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (pool_id, client_id, kid, access_kid, id_token) = {
        let h = Harness::start(Some(dir.path().to_path_buf())).await;
        h.sign_up_confirmed("grace", PW).await;
        let (_, v) = h.sign_in("grace", PW).await;
        (
            h.pool_id.clone(),
            h.client_id.clone(),
            h.pool.key.kid.clone(),
            h.pool.access_key.kid.clone(),
            v["AuthenticationResult"]["IdToken"]
                .as_str()
                .unwrap()
                .to_string(),
        )
    };
    let h = Harness::start(Some(dir.path().to_path_buf())).await;
    assert_eq!(h.pool_id, pool_id);
    assert!(h.pool_id.starts_with("us-east-1_") && h.pool_id.len() == "us-east-1_".len() + 9);
    assert_eq!(h.client_id, client_id);
    assert_eq!(h.pool.key.kid, kid);
    assert_eq!(h.pool.access_key.kid, access_kid);
    let (s, v) = h.sign_in("grace", PW).await;
    assert_eq!(s, 200, "{v}");
    // A token from before the restart still verifies against the (same) key.
    let mut verifier = Verifier::new();
    verifier.add_pool(&h.pool);
    let old_iss = localcloud_cognito::authorizer::unverified_claim(&id_token, "iss").unwrap();
    let mut v2 = Verifier::new();
    let jwks: JwkSet = serde_json::from_value(h.pool.jwks()).unwrap();
    v2.add_jwks(&old_iss, &jwks);
    let cfg = AuthorizerConfig {
        issuers: vec![old_iss],
        audiences: None,
        scopes: None,
    };
    assert!(v2.verify(Some(&id_token), &cfg, h.pool.now()).is_ok());

    // The ids are the template's, whatever the state directory.
    let other = Harness::start(None).await;
    assert_eq!(other.pool_id, pool_id);
}
