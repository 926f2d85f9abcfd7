//! A small DER reader for what a probe reports about a certificate: subject, issuer and
//! the validity period. A full X.509 parser (x509-parser and its asn1/nom/time stack) would
//! cost more build time than the rest of the probe; rustls has already checked the chain.

use super::clock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFields {
    pub subject: String,
    pub issuer: String,
    pub not_before_unix: i64,
    pub not_after_unix: i64,
}

/// One DER TLV: (tag, contents, rest). `None` on anything malformed: the caller reports
/// "unreadable certificate" rather than trusting half-parsed data.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;

pub fn parse(der: &[u8]) -> Option<CertFields> {
    let (tag, cert, _) = tlv(der)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, tbs, _) = tlv(cert)?;
    if tag != SEQUENCE {
        return None;
    }
    let mut rest = tbs;
    let (mut tag, mut field, mut next) = tlv(rest)?;
    if tag == 0xa0 {
        // [0] EXPLICIT version
        rest = next;
        (tag, field, next) = tlv(rest)?;
    }
    let _ = field;
    if tag != 0x02 {
        return None; // serial number
    }
    let (_, _, next) = tlv(next)?; // signature algorithm
    let (_, issuer, next) = tlv(next)?;
    let (tag, validity, next) = tlv(next)?;
    if tag != SEQUENCE {
        return None;
    }
    let (_, subject, _) = tlv(next)?;
    let (before_tag, not_before, after_not_before) = tlv(validity)?;
    let (time_tag, not_after, _) = tlv(after_not_before)?;
    Some(CertFields {
        subject: name(subject),
        issuer: name(issuer),
        not_before_unix: time(before_tag, not_before)?,
        not_after_unix: time(time_tag, not_after)?,
    })
}

/// `CN=example.com, O=Example` from a Name (a SEQUENCE of SETs of (OID, string)).
fn name(mut rdns: &[u8]) -> String {
    let mut parts = Vec::new();
    while let Some((_, set, rest)) = tlv(rdns) {
        rdns = rest;
        let mut attrs = set;
        while let Some((_, attr, rest)) = tlv(attrs) {
            attrs = rest;
            let Some((0x06, oid, value)) = tlv(attr) else {
                continue;
            };
            let Some((_, value, _)) = tlv(value) else {
                continue;
            };
            let label = match oid {
                [0x55, 0x04, 0x03] => "CN",
                [0x55, 0x04, 0x06] => "C",
                [0x55, 0x04, 0x07] => "L",
                [0x55, 0x04, 0x08] => "ST",
                [0x55, 0x04, 0x0a] => "O",
                [0x55, 0x04, 0x0b] => "OU",
                _ => continue,
            };
            parts.push(format!("{label}={}", String::from_utf8_lossy(value)));
        }
    }
    parts.join(", ")
}

/// UTCTime (`YYMMDDHHMMSSZ`, 50–99 meaning 19xx) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn time(tag: u8, text: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(text).ok()?;
    let digits = text.strip_suffix('Z')?;
    let (year, rest) = match tag {
        0x17 if digits.len() == 12 => {
            let yy: i64 = digits[..2].parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &digits[2..])
        }
        0x18 if digits.len() == 14 => (digits[..4].parse().ok()?, &digits[4..]),
        _ => return None,
    };
    let n = |i: usize| rest.get(i..i + 2)?.parse::<u32>().ok();
    Some(clock::unix_from_parts(
        year,
        n(0)?,
        n(2)?,
        n(4)?,
        n(6)?,
        n(8)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_garbage_without_panicking() {
        assert_eq!(parse(&[]), None);
        assert_eq!(parse(&[0x30, 0x82, 0xff]), None);
        assert_eq!(parse(&[0x30, 0x03, 0x30, 0x01, 0x02]), None);
        for len in 0..64u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37) ^ 0x30).collect();
            let _ = parse(&bytes);
        }
    }

    #[test]
    fn times() {
        assert_eq!(time(0x17, b"491231235959Z"), Some(2524607999));
        assert_eq!(time(0x17, b"500101000000Z"), Some(-631152000));
        assert_eq!(time(0x18, b"20380119031407Z"), Some(2147483647));
        assert_eq!(time(0x18, b"2038"), None);
    }
}
