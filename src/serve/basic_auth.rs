//! `basic_auth_users` of the web config: HTTP basic authentication against bcrypt hashes,
//! as the exporter-toolkit checks it. bcrypt is slow on purpose (tens of milliseconds at
//! cost 10), so it runs on tokio's blocking pool, at most VERIFYING at a time (a flood of
//! wrong passwords queues there instead of taking every core), and a password that verified
//! is remembered — as a salted SHA-256, never in clear — so Prometheus' scrape every few
//! seconds costs one hash, not one bcrypt. An unknown user is verified against a real hash
//! all the same, so the time of a 401 does not say which users exist.

use crate::error::Error;
use base64::Engine;
use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;
use tokio::sync::Semaphore;

/// bcrypt verifications running at once.
const VERIFYING: usize = 2;
/// Verified credentials remembered; past this the memory is cleared (bounded, not an LRU:
/// a legitimate scraper uses one or two).
const REMEMBERED: usize = 1024;

pub struct BasicAuth {
    users: BTreeMap<String, String>,
    salt: [u8; 16],
    verified: Mutex<HashSet<[u8; 32]>>,
    verifying: Semaphore,
}

impl BasicAuth {
    /// Every hash must be a bcrypt hash: a plain password in the file is an error at start.
    pub fn new(users: BTreeMap<String, String>) -> Result<BasicAuth, Error> {
        for (user, hash) in &users {
            hash.parse::<bcrypt::HashParts>().map_err(|e| {
                Error::usage(
                    format!("basic_auth_users.{user}"),
                    format!("not a bcrypt hash ({e})"),
                )
            })?;
        }
        let mut salt = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut salt)
            .map_err(|_| Error::Usage("basic_auth_users: no random numbers for a salt".into()))?;
        Ok(BasicAuth {
            users,
            salt,
            verified: Mutex::new(HashSet::new()),
            verifying: Semaphore::new(VERIFYING),
        })
    }

    fn key(&self, user: &str, password: &str) -> [u8; 32] {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(&self.salt);
        ctx.update(&(user.len() as u64).to_le_bytes());
        ctx.update(user.as_bytes());
        ctx.update(password.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.finish().as_ref());
        out
    }

    /// Whether the request's `Authorization` header names a user with their password.
    pub async fn admits(&self, authorization: Option<&[u8]>) -> bool {
        let Some((user, password)) = authorization.and_then(credentials) else {
            return false;
        };
        let key = self.key(&user, &password);
        let remembered = |set: &Mutex<HashSet<[u8; 32]>>| {
            set.lock().unwrap_or_else(|p| p.into_inner()).contains(&key)
        };
        if remembered(&self.verified) {
            return true;
        }
        let (hash, known) = match self.users.get(&user) {
            Some(h) => (h.clone(), true),
            // Same work for an unknown user (the answer is no whatever bcrypt says).
            None => match self.users.values().next() {
                Some(h) => (h.clone(), false),
                None => return false,
            },
        };
        let Ok(_permit) = self.verifying.acquire().await else {
            return false;
        };
        let ok = tokio::task::spawn_blocking(move || bcrypt::verify(password, &hash))
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or(false);
        if ok && known {
            let mut set = self.verified.lock().unwrap_or_else(|p| p.into_inner());
            if set.len() >= REMEMBERED {
                set.clear();
            }
            set.insert(key);
        }
        ok && known
    }
}

/// `Basic base64(user:password)` → (user, password); anything else is None.
fn credentials(header: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(header).ok()?.trim();
    let (scheme, rest) = text.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let raw = String::from_utf8(raw).ok()?;
    let (user, password) = raw.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_parsed_as_rfc_7617_says() {
        // "alice:s3cr:et" — the password may hold a colon, the user may not.
        assert_eq!(
            credentials(b"Basic YWxpY2U6czNjcjpldA=="),
            Some(("alice".into(), "s3cr:et".into()))
        );
        assert_eq!(
            credentials(b"basic YWxpY2U6czNjcjpldA=="),
            Some(("alice".into(), "s3cr:et".into()))
        );
        assert_eq!(credentials(b"Bearer abc"), None);
        assert_eq!(credentials(b"Basic !!!"), None);
        assert_eq!(credentials(b"Basic YWxpY2U="), None);
    }

    #[test]
    fn a_plain_password_in_the_file_is_refused() {
        let users = BTreeMap::from([("alice".to_string(), "hunter2".to_string())]);
        let e = BasicAuth::new(users).err().unwrap().to_string();
        assert!(
            e.contains("basic_auth_users.alice") && e.contains("bcrypt"),
            "{e}"
        );
    }
}
