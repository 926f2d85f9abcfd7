//! A JWT given with `--bearer`, decoded (never verified, never printed): alg and the
//! registered time and audience claims a gateway judges.

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Claims {
    pub alg: Option<String>,
    pub iss: Option<String>,
    pub aud: Vec<String>,
    pub exp: Option<i64>,
    pub nbf: Option<i64>,
    pub iat: Option<i64>,
}

/// `None` when the token is not a JWT (three base64url segments with JSON header and payload).
pub fn decode(token: &str) -> Option<Claims> {
    let mut parts = token.trim().split('.');
    let (h, p, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: serde_json::Value = serde_json::from_slice(&base64url(h)?).ok()?;
    let payload: serde_json::Value = serde_json::from_slice(&base64url(p)?).ok()?;
    let s = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let n = |k: &str| payload.get(k).and_then(|x| x.as_f64()).map(|f| f as i64);
    let aud = match payload.get("aud") {
        Some(serde_json::Value::String(a)) => vec![a.clone()],
        Some(serde_json::Value::Array(list)) => list
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    Some(Claims {
        alg: s(&header, "alg"),
        iss: s(&payload, "iss"),
        aud,
        exp: n("exp"),
        nbf: n("nbf"),
        iat: n("iat"),
    })
}

/// RFC 4648 §5 without padding (padding tolerated).
fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Encodes for tests and for building tokens in test fixtures.
pub fn base64url_encode(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_claims() {
        let h = base64url_encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let p = base64url_encode(
            br#"{"iss":"idp","aud":["api","web"],"exp":2000000000,"nbf":1,"iat":1.5}"#,
        );
        let c = decode(&format!("{h}.{p}.sig")).unwrap();
        assert_eq!(c.alg.as_deref(), Some("RS256"));
        assert_eq!(c.iss.as_deref(), Some("idp"));
        assert_eq!(c.aud, ["api", "web"]);
        assert_eq!((c.exp, c.nbf, c.iat), (Some(2000000000), Some(1), Some(1)));
    }

    #[test]
    fn not_a_jwt() {
        for t in ["", "opaque-token", "a.b", "a.b.c.d", "!!.??.x"] {
            assert_eq!(decode(t), None, "{t}");
        }
    }

    #[test]
    fn base64_round_trip() {
        for len in 0..20 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(base64url(&base64url_encode(&data)).unwrap(), data);
        }
    }
}
