//! The AWS CLI (v1) against the API on port 0: sign-up, confirm-sign-up, initiate-auth,
//! get-user, with dummy credentials and `--endpoint-url`. The CLI is `$AWS_CLI` when set, else
//! the repository's `.venv/bin/aws` (requirements-dev.txt pins it; scripts/test.sh installs it),
//! else `aws` on PATH; without one the test fails and says how to install it.
#![allow(clippy::unwrap_used)]

mod common;

use common::Harness;
use localcloud_cognito::{AuthorizerConfig, Verifier};
use serde_json::Value;

const PW: &str = "Correct-Horse9battery";

#[path = "../../test-support/aws_cli.rs"]
mod aws_cli_path;
use aws_cli_path::aws_cli as aws_bin;

async fn aws(bin: &std::path::Path, endpoint: &str, args: &[&str]) -> (bool, String, String) {
    let mut cmd = std::process::Command::new(bin);
    cmd.args([
        "cognito-idp",
        "--endpoint-url",
        endpoint,
        "--region",
        "us-east-1",
        "--output",
        "json",
    ])
    .args(args)
    .env("AWS_ACCESS_KEY_ID", "test")
    .env("AWS_SECRET_ACCESS_KEY", "test")
    .env("AWS_EC2_METADATA_DISABLED", "true")
    .env("AWS_CONFIG_FILE", "/dev/null")
    .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    .env_remove("AWS_PROFILE");
    let shown = bin.display().to_string();
    let out = tokio::task::spawn_blocking(move || {
        cmd.output()
            .unwrap_or_else(|e| panic!("running the AWS CLI {shown}: {e}"))
    })
    .await
    .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_sign_up_confirm_and_sign_in() {
    let bin = aws_bin();
    let h = Harness::start(None).await;
    let ep = format!("http://{}", h.addr);
    let (ok, out, err) = aws(
        &bin,
        &ep,
        &[
            "sign-up",
            "--client-id",
            &h.client_id,
            "--username",
            "cli-user",
            "--password",
            PW,
            "--user-attributes",
            "Name=email,Value=cli@example.com",
        ],
    )
    .await;
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["UserConfirmed"], false);

    let (ok, _, err) = aws(
        &bin,
        &ep,
        &[
            "sign-up",
            "--client-id",
            &h.client_id,
            "--username",
            "weak",
            "--password",
            "short",
            "--user-attributes",
            "Name=email,Value=w@example.com",
        ],
    )
    .await;
    assert!(!ok);
    assert!(err.contains("InvalidPasswordException"), "{err}");

    let code = h.last_code();
    let (ok, _, err) = aws(
        &bin,
        &ep,
        &[
            "confirm-sign-up",
            "--client-id",
            &h.client_id,
            "--username",
            "cli-user",
            "--confirmation-code",
            &code,
        ],
    )
    .await;
    assert!(ok, "{err}");
    let params = format!("USERNAME=cli-user,PASSWORD={PW}");
    let (ok, out, err) = aws(
        &bin,
        &ep,
        &[
            "initiate-auth",
            "--client-id",
            &h.client_id,
            "--auth-flow",
            "USER_PASSWORD_AUTH",
            "--auth-parameters",
            &params,
        ],
    )
    .await;
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let id = v["AuthenticationResult"]["IdToken"].as_str().unwrap();
    let access = v["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let mut verifier = Verifier::new();
    verifier.add_pool(&h.pool);
    let cfg = AuthorizerConfig {
        issuers: vec![h.pool.issuer().into()],
        audiences: None,
        scopes: None,
    };
    let claims = verifier.verify(Some(id), &cfg, h.pool.now()).unwrap();
    assert_eq!(claims["cognito:username"], "cli-user");

    let (ok, out, err) = aws(&bin, &ep, &["get-user", "--access-token", &access]).await;
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["Username"], "cli-user");

    let bad = format!("USERNAME=cli-user,PASSWORD={PW}x");
    let (ok, _, err) = aws(
        &bin,
        &ep,
        &[
            "initiate-auth",
            "--client-id",
            &h.client_id,
            "--auth-flow",
            "USER_PASSWORD_AUTH",
            "--auth-parameters",
            &bad,
        ],
    )
    .await;
    assert!(!ok);
    assert!(
        err.contains("NotAuthorizedException") && err.contains("Incorrect username or password."),
        "{err}"
    );
}
