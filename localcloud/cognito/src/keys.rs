//! The pool's RS256 signing key: generated once per state directory (aws-lc-rs), stored as a
//! PKCS#8 PEM, published as a JWKS entry with a stable `kid`.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use jsonwebtoken::{DecodingKey, EncodingKey};
use sha2::{Digest, Sha256};

use crate::error::CognitoError;

/// A loaded signing key with its public half in JWK form.
#[derive(Clone)]
pub struct SigningKey {
    /// The PKCS#8 PEM (what the state directory stores).
    pub pem: String,
    /// Key id: a hash of the modulus, so it is stable for the key's lifetime.
    pub kid: String,
    /// Base64url modulus.
    pub n: String,
    /// Base64url exponent.
    pub e: String,
    pub(crate) encoding: EncodingKey,
    pub(crate) decoding: DecodingKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish()
    }
}

fn internal(what: &str) -> CognitoError {
    CognitoError::InternalErrorException(format!("signing key: {what}"))
}

impl SigningKey {
    /// Generates a fresh RSA-2048 key pair.
    pub fn generate() -> Result<Self, CognitoError> {
        let kp = KeyPair::generate(KeySize::Rsa2048).map_err(|_| internal("keygen failed"))?;
        let der: Pkcs8V1Der<'static> = kp.as_der().map_err(|_| internal("encode failed"))?;
        let body = STANDARD.encode(der.as_ref());
        let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
        for chunk in body.as_bytes().chunks(64) {
            pem.push_str(&String::from_utf8_lossy(chunk));
            pem.push('\n');
        }
        pem.push_str("-----END PRIVATE KEY-----\n");
        Self::from_pem(&pem)
    }

    /// Loads a PKCS#8 PEM written by [`SigningKey::generate`].
    pub fn from_pem(pem: &str) -> Result<Self, CognitoError> {
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = STANDARD
            .decode(body.trim())
            .map_err(|_| internal("bad PEM"))?;
        let kp = KeyPair::from_pkcs8(&der).map_err(|_| internal("bad PKCS#8"))?;
        let public = kp.public_key();
        let n = URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero());
        let e = URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero());
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(n.as_bytes())[..16]);
        let encoding =
            EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|_| internal("bad RSA PEM"))?;
        let decoding =
            DecodingKey::from_rsa_components(&n, &e).map_err(|_| internal("bad components"))?;
        Ok(Self {
            pem: pem.to_string(),
            kid,
            n,
            e,
            encoding,
            decoding,
        })
    }

    /// This key as a JWKS `keys` entry in Cognito's shape.
    pub fn jwk_list(&self) -> Vec<serde_json::Value> {
        vec![serde_json::json!({
            "alg": "RS256", "e": self.e, "kid": self.kid, "kty": "RSA", "n": self.n, "use": "sig"
        })]
    }
}
