//! Fingerprints of content. Documents (the SBOM serial number, OpenVEX ids) promise the
//! same bytes for the same inputs across releases and machines, so they use SHA-256,
//! which is specified; the graph cache key only has to be stable within one build of
//! cargo soup (the cache records its version) and uses the standard library's hasher.

use std::hash::{Hash, Hasher};

pub fn hash64(value: &impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_is_the_specified_one() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
