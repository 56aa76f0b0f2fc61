//! Password storage: salted SHA-256. Production Cognito keeps SRP verifiers; a local pool only
//! needs to check passwords and keep them out of the state file in clear text.

use sha2::{Digest, Sha256};

use crate::store::User;

/// `(salt, hash)` for a new password.
pub fn hash_new(password: &str) -> (String, String) {
    let salt = uuid::Uuid::new_v4().simple().to_string();
    let hash = hash(&salt, password);
    (salt, hash)
}

fn hash(salt: &str, password: &str) -> String {
    let digest = Sha256::digest(format!("{salt}:{password}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `password` is the user's.
pub fn verify(user: &User, password: &str) -> bool {
    hash(&user.salt, password) == user.password_hash
}
