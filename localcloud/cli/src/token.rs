//! `localcloud token`: a signed-in user's ID token from the running `up`, for curl.
//!
//! Creates the user if needed (SignUp with the pool's app client, then AdminConfirmSignUp),
//! signs in with USER_PASSWORD_AUTH and prints the token, all through the `cognito-idp` API
//! of the service endpoint, as the AWS CLI would.

use crate::invoke::json_call;
use anyhow::{anyhow, bail, Result};
use localcloud_template::{Model, Resource};
use serde_json::{json, Value};

/// What to sign in as.
pub struct Args<'a> {
    /// Username.
    pub user: &'a str,
    /// Password (used at sign-up too).
    pub password: &'a str,
    /// The email attribute (sign-up only).
    pub email: Option<&'a str>,
    /// Print the access token instead of the ID token.
    pub access: bool,
}

/// The pool id and the app client id that signs in with a password.
fn pool_and_client(model: &Model) -> Result<(String, String)> {
    let pool = model
        .resources
        .iter()
        .find_map(|r| match r {
            Resource::UserPool(p) => Some(p.pool_id.clone()),
            _ => None,
        })
        .ok_or_else(|| anyhow!("the template has no AWS::Cognito::UserPool"))?;
    let client = model
        .resources
        .iter()
        .find_map(|r| match r {
            Resource::UserPoolClient(c)
                if c.user_pool_id == pool
                    && c.explicit_auth_flows
                        .iter()
                        .any(|f| f == "ALLOW_USER_PASSWORD_AUTH") =>
            {
                Some(c.client_id.clone())
            }
            _ => None,
        })
        .ok_or_else(|| {
            anyhow!("no app client of the user pool allows ALLOW_USER_PASSWORD_AUTH (ExplicitAuthFlows)")
        })?;
    Ok((pool, client))
}

/// One `cognito-idp` call; `Err((type, message))` for an AWS error.
async fn call(port: u16, op: &str, body: Value) -> Result<Result<Value, (String, String)>> {
    let target = format!("AWSCognitoIdentityProviderService.{op}");
    let (status, v) = json_call(port, &target, "application/x-amz-json-1.1", &body).await?;
    if status == 200 {
        return Ok(Ok(v));
    }
    let kind = v["__type"]
        .as_str()
        .unwrap_or("UnknownError")
        .rsplit('#')
        .next()
        .unwrap_or_default()
        .to_owned();
    let message = v["message"].as_str().unwrap_or_default().to_owned();
    Ok(Err((kind, message)))
}

/// Creates and confirms the user if needed, signs in, prints the token on stdout.
pub async fn run(model: &Model, port: u16, args: &Args<'_>) -> Result<()> {
    let (pool, client) = pool_and_client(model)?;
    let user = json!({"UserPoolId": pool, "Username": args.user});
    let status = match call(port, "AdminGetUser", user.clone()).await? {
        Ok(u) => u["UserStatus"].as_str().unwrap_or_default().to_owned(),
        Err((kind, _)) if kind == "UserNotFoundException" => {
            let email = args
                .email
                .map_or_else(|| format!("{}@example.com", args.user), str::to_owned);
            let signup = json!({
                "ClientId": client,
                "Username": args.user,
                "Password": args.password,
                "UserAttributes": [{"Name": "email", "Value": email}],
            });
            if let Err((kind, message)) = call(port, "SignUp", signup).await? {
                bail!("SignUp: {kind}: {message}");
            }
            eprintln!("localcloud: created user {} ({email})", args.user);
            "UNCONFIRMED".to_owned()
        }
        Err((kind, message)) => bail!("AdminGetUser: {kind}: {message}"),
    };
    if status == "UNCONFIRMED" {
        if let Err((kind, message)) = call(port, "AdminConfirmSignUp", user).await? {
            bail!("AdminConfirmSignUp: {kind}: {message}");
        }
    }
    let auth = json!({
        "ClientId": client,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": args.user, "PASSWORD": args.password},
    });
    let result = match call(port, "InitiateAuth", auth).await? {
        Ok(r) => r,
        Err((kind, message)) => bail!(
            "InitiateAuth: {kind}: {message}{}",
            if kind == "NotAuthorizedException" {
                " (the user exists with another password: pass it with --password)"
            } else {
                ""
            }
        ),
    };
    let key = if args.access {
        "AccessToken"
    } else {
        "IdToken"
    };
    let token = result["AuthenticationResult"][key]
        .as_str()
        .ok_or_else(|| anyhow!("InitiateAuth answered without {key}: {result}"))?;
    println!("{token}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_a_password_client() {
        let model = localcloud_stack::repository_model();
        let (pool, client) = pool_and_client(&model).expect("pool and client");
        assert!(pool.starts_with("us-east-1_"), "{pool}");
        assert_eq!(client.len(), 26, "{client}");
    }
}
