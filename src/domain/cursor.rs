//! Opaque, signed keyset cursors.
//!
//! A cursor carries the sort-key tuple of the row a page ended (or began) at,
//! the direction, and a fingerprint of the query it belongs to (endpoint,
//! filters, sort, order). It is JSON, HMAC-SHA256-signed (truncated to 128
//! bits) and base64url-encoded. A cursor that does not decode, whose signature
//! does not match, or that belongs to another query is rejected; the HTTP
//! layer answers 400, never 500.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

const VERSION: u8 = 1;
const MAC_LEN: usize = 16;

/// Where a page starts: after (or, going backward, before) this key tuple.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// The sort-key values of the boundary row, ending with its id.
    pub key: Vec<Value>,
    /// `true` for a `prev` cursor.
    pub backward: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    #[error("the cursor is not one this server issued (malformed)")]
    Malformed,
    #[error("the cursor has been altered")]
    Tampered,
    #[error("the cursor belongs to a different query; start again without it")]
    Foreign,
}

#[derive(Serialize, Deserialize)]
struct Payload {
    v: u8,
    q: String,
    k: Vec<Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    b: bool,
}

/// Signs and verifies cursors with the server's secret.
#[derive(Clone)]
pub struct CursorCodec {
    key: Vec<u8>,
}

impl std::fmt::Debug for CursorCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorCodec([redacted])")
    }
}

impl CursorCodec {
    pub fn new(secret: &[u8]) -> CursorCodec {
        CursorCodec {
            key: secret.to_vec(),
        }
    }

    fn mac(&self, bytes: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(bytes);
        mac
    }

    /// A cursor for `position` within the query identified by `fingerprint`.
    pub fn encode(&self, fingerprint: &str, position: &Position) -> String {
        let payload = Payload {
            v: VERSION,
            q: fingerprint.to_string(),
            k: position.key.clone(),
            b: position.backward,
        };
        let mut bytes = serde_json::to_vec(&payload).expect("plain JSON");
        let tag = self.mac(&bytes).finalize().into_bytes();
        bytes.extend_from_slice(&tag[..MAC_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The position a cursor of the query `fingerprint` points at.
    pub fn decode(&self, fingerprint: &str, token: &str) -> Result<Position, CursorError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token.trim())
            .map_err(|_| CursorError::Malformed)?;
        if bytes.len() <= MAC_LEN {
            return Err(CursorError::Malformed);
        }
        let (body, tag) = bytes.split_at(bytes.len() - MAC_LEN);
        self.mac(body)
            .verify_truncated_left(tag)
            .map_err(|_| CursorError::Tampered)?;
        let payload: Payload = serde_json::from_slice(body).map_err(|_| CursorError::Malformed)?;
        if payload.v != VERSION {
            return Err(CursorError::Malformed);
        }
        if payload.q != fingerprint {
            return Err(CursorError::Foreign);
        }
        Ok(Position {
            key: payload.k,
            backward: payload.b,
        })
    }
}

/// A short, stable fingerprint of a query: its parts in order, hashed.
pub fn fingerprint(parts: &[(&str, &str)]) -> String {
    let mut hasher = Sha256::new();
    for (k, v) in parts {
        hasher.update(k.as_bytes());
        hasher.update([0u8]);
        hasher.update(v.as_bytes());
        hasher.update([1u8]);
    }
    let digest = hasher.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codec() -> CursorCodec {
        CursorCodec::new(b"test-secret-of-sufficient-length")
    }

    #[test]
    fn round_trip() {
        let q = fingerprint(&[("endpoint", "/mechanics"), ("sort", "slug")]);
        let position = Position {
            key: vec![json!("card-drafting"), json!("0191…")],
            backward: false,
        };
        let token = codec().encode(&q, &position);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(codec().decode(&q, &token), Ok(position));
    }

    #[test]
    fn garbage_truncated_tampered_and_foreign_cursors_are_rejected() {
        let q = fingerprint(&[("endpoint", "/mechanics")]);
        let token = codec().encode(
            &q,
            &Position {
                key: vec![json!(3)],
                backward: true,
            },
        );
        assert_eq!(
            codec().decode(&q, "not a cursor!"),
            Err(CursorError::Malformed)
        );
        assert_eq!(codec().decode(&q, ""), Err(CursorError::Malformed));
        for cut in [1, 2, 3, token.len() / 2] {
            let truncated = &token[..token.len() - cut];
            assert!(
                matches!(
                    codec().decode(&q, truncated),
                    Err(CursorError::Malformed | CursorError::Tampered)
                ),
                "{truncated}"
            );
        }
        // Flip one character of the payload.
        let mut chars: Vec<char> = token.chars().collect();
        chars[5] = if chars[5] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        assert_eq!(codec().decode(&q, &tampered), Err(CursorError::Tampered));
        // Signed by another server.
        let other = CursorCodec::new(b"another-secret-entirely-0123456");
        assert_eq!(other.decode(&q, &token), Err(CursorError::Tampered));
        // Issued for another query.
        let q2 = fingerprint(&[("endpoint", "/categories")]);
        assert_eq!(codec().decode(&q2, &token), Err(CursorError::Foreign));
    }

    #[test]
    fn fingerprints_depend_on_every_part() {
        let a = fingerprint(&[("sort", "name"), ("order", "asc")]);
        assert_eq!(a, fingerprint(&[("sort", "name"), ("order", "asc")]));
        assert_ne!(a, fingerprint(&[("sort", "name"), ("order", "desc")]));
        assert_ne!(a, fingerprint(&[("sortn", "ame"), ("order", "asc")]));
    }
}
