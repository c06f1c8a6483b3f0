//! Channel names and tokens.
//!
//! A token is 32 random bytes, shown once as `hcr_` and 64 hex digits. The
//! relay keeps only its SHA-256 and compares hashes in constant time, so
//! neither the database nor the timing of a refusal gives a token away.

use subtle::ConstantTimeEq;

/// What every token starts with, so a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "hcr_";

/// A channel name that is not `[a-z0-9-]{3,63}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid channel name {0:?}: use 3 to 63 of a-z, 0-9 and -")]
pub struct NameError(pub String);

/// Checks a channel name: `[a-z0-9-]{3,63}`.
pub fn check_name(name: &str) -> Result<(), NameError> {
    let ok = (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(NameError(name.to_owned()))
    }
}

/// A fresh token from the operating system's random source.
pub fn new_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(format!("{TOKEN_PREFIX}{}", hex::encode(bytes)))
}

/// The SHA-256 the relay stores for a token.
pub fn token_hash(token: &str) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// True when `token` is the one whose hash is `stored`, in constant time.
pub fn token_matches(token: &str, stored: &[u8; 32]) -> bool {
    bool::from(token_hash(token).ct_eq(stored))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_lowercase_words() {
        for good in ["abc", "github-prod", "a1-b2", &"x".repeat(63)] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "GitHub",
            "a_b",
            "a b",
            "a/b",
            "",
            &"x".repeat(64),
            "ünï",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_are_random_and_only_their_own_hash_matches() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 64);
        assert!(token_matches(&a, &token_hash(&a)));
        assert!(!token_matches(&b, &token_hash(&a)));
        assert!(!token_matches("", &token_hash(&a)));
    }
}
