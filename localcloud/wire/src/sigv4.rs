//! AWS Signature Version 4 for calls between the local services (API Gateway signs its AWS
//! integrations this way, with the integration's role). The local services check that the auth material is complete and never
//! verify it; the signature is still computed properly so a verifying peer would accept it.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>

use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.iter().map(|b| b ^ 0x36).collect::<Vec<u8>>());
    inner.update(msg);
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(k.iter().map(|b| b ^ 0x5c).collect::<Vec<u8>>());
    outer.update(inner);
    outer.finalize().to_vec()
}

/// The credentials the local integration role "assumes".
#[derive(Debug, Clone)]
pub struct Credentials {
    /// Access key id.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            access_key: "LOCALAPIGATEWAYROLE".into(),
            secret_key: "localcloud".into(),
        }
    }
}

/// Signs a POST to `/` with `headers` (lower-case names, including `host`); returns the
/// `x-amz-date` and `authorization` headers to add.
pub fn sign(
    creds: &Credentials,
    region: &str,
    service: &str,
    headers: &[(String, String)],
    body: &[u8],
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<(String, String)> {
    let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
    let date = now.format("%Y%m%d").to_string();
    let mut signed: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    signed.push(("x-amz-date".into(), amz_date.clone()));
    signed.sort();
    let canonical_headers: String = signed.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_names: Vec<&str> = signed.iter().map(|(k, _)| k.as_str()).collect();
    let signed_names = signed_names.join(";");
    let canonical = format!(
        "POST\n/\n\n{canonical_headers}\n{signed_names}\n{}",
        hex(&Sha256::digest(body))
    );
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k = hmac(
        format!("AWS4{}", creds.secret_key).as_bytes(),
        date.as_bytes(),
    );
    let k = hmac(&k, region.as_bytes());
    let k = hmac(&k, service.as_bytes());
    let k = hmac(&k, b"aws4_request");
    let signature = hex(&hmac(&k, to_sign.as_bytes()));
    vec![
        ("x-amz-date".into(), amz_date),
        (
            "authorization".into(),
            format!("AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_names}, Signature={signature}", creds.access_key),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn signing_key_matches_awss_documented_example() {
        // From the SigV4 documentation: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY,
        // 20150830 / us-east-1 / iam.
        let k = hmac(b"AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", b"20150830");
        let k = hmac(&k, b"us-east-1");
        let k = hmac(&k, b"iam");
        let k = hmac(&k, b"aws4_request");
        assert_eq!(
            hex(&k),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn header_names_scope_and_signed_headers() {
        let now = chrono::DateTime::from_timestamp(1_764_331_200, 0).expect("time");
        let h = sign(
            &Credentials::default(),
            "us-east-1",
            "dynamodb",
            &[
                ("Host".into(), "127.0.0.1:1".into()),
                ("x-amz-target".into(), "DynamoDB_20120810.GetItem".into()),
            ],
            b"{}",
            now,
        );
        let auth = &h[1].1;
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=LOCALAPIGATEWAYROLE/20251128/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature="), "{auth}");
    }
}
