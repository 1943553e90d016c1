//! One 64-bit hash for the places that need a stable fingerprint of content: cache
//! keys, document ids. Stable within a build of cargo soup, which is all they need
//! (the cache records the cargo soup version; documents hash their own content).

use std::hash::{Hash, Hasher};

pub fn hash64(value: &impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}
