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

/// One attribute of a Name: its type's OID, its value's tag and bytes, and the value as
/// encoded (tag and length included).
struct Attribute<'a> {
    oid: &'a [u8],
    tag: u8,
    value: &'a [u8],
    encoded: &'a [u8],
}

/// Every (OID, value) attribute of a Name (a SEQUENCE of SETs), in order; malformed ones
/// are left out.
fn attributes(mut rdns: &[u8]) -> impl Iterator<Item = Attribute<'_>> {
    let mut attrs: &[u8] = &[];
    std::iter::from_fn(move || loop {
        if let Some((_, attr, rest)) = tlv(attrs) {
            attrs = rest;
            let Some((0x06, oid, encoded)) = tlv(attr) else {
                continue;
            };
            let Some((tag, value, _)) = tlv(encoded) else {
                continue;
            };
            return Some(Attribute {
                oid,
                tag,
                value,
                encoded,
            });
        }
        let (_, set, rest) = tlv(rdns)?;
        rdns = rest;
        attrs = set;
    })
}

/// `CN=example.com, O=Example` from a Name (a SEQUENCE of SETs of (OID, string)).
fn name(rdns: &[u8]) -> String {
    let mut parts = Vec::new();
    for Attribute { oid, value, .. } in attributes(rdns) {
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
    parts.join(", ")
}

/// What blackbox_exporter's `probe_ssl_last_chain_info` says of a leaf certificate, in Go's
/// own spelling: subject and issuer as `pkix.Name.String()` writes them, the SAN's DNS names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoIdentity {
    pub subject: String,
    pub issuer: String,
    pub dns_names: Vec<String>,
}

/// The TBSCertificate's fields from the issuer on: (issuer, subject, extensions or empty).
fn tbs_names(der: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (_, cert, _) = tlv(der).filter(|t| t.0 == SEQUENCE)?;
    let (_, tbs, _) = tlv(cert).filter(|t| t.0 == SEQUENCE)?;
    let (mut tag, _, mut next) = tlv(tbs)?;
    if tag == 0xa0 {
        (tag, _, next) = tlv(next)?;
    }
    if tag != 0x02 {
        return None;
    }
    let (_, _, next) = tlv(next)?; // signature algorithm
    let (_, issuer, next) = tlv(next)?;
    let (_, _, next) = tlv(next)?; // validity
    let (_, subject, mut next) = tlv(next)?;
    (_, _, next) = tlv(next)?; // subjectPublicKeyInfo
    let mut extensions: &[u8] = &[];
    while let Some((tag, body, rest)) = tlv(next) {
        next = rest;
        if tag == 0xa3 {
            extensions = tlv(body).filter(|t| t.0 == SEQUENCE)?.1;
        }
    }
    Some((issuer, subject, extensions))
}

pub fn go_identity(der: &[u8]) -> Option<GoIdentity> {
    let (issuer, subject, mut extensions) = tbs_names(der)?;
    let mut dns_names = Vec::new();
    while let Some((_, ext, rest)) = tlv(extensions) {
        extensions = rest;
        let Some((0x06, oid, mut fields)) = tlv(ext) else {
            continue;
        };
        // subjectAltName (2.5.29.17): its dNSName entries ([2] IA5String), as Go's DNSNames.
        if oid != [0x55, 0x1d, 0x11] {
            continue;
        }
        while let Some((tag, value, rest)) = tlv(fields) {
            fields = rest;
            if tag != 0x04 {
                continue; // the critical flag
            }
            let Some((SEQUENCE, mut names, _)) = tlv(value) else {
                break;
            };
            while let Some((tag, name, rest)) = tlv(names) {
                names = rest;
                if tag == 0x82 {
                    dns_names.push(String::from_utf8_lossy(name).into_owned());
                }
            }
        }
    }
    Some(GoIdentity {
        subject: go_name(subject),
        issuer: go_name(issuer),
        dns_names,
    })
}

/// A DirectoryString's text as Go's asn1 decodes it (BMPString is UTF-16).
fn string_value(tag: u8, v: &[u8]) -> Option<String> {
    match tag {
        // UTF8String, PrintableString, T61String, IA5String
        0x0c | 0x13 | 0x14 | 0x16 => Some(String::from_utf8_lossy(v).into_owned()),
        0x1e => {
            let units: Vec<u16> = v
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

/// An OID's dotted text.
fn dotted(oid: &[u8]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut acc: u64 = 0;
    for b in oid {
        acc = (acc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if parts.is_empty() {
                let (x, y) = if acc < 80 {
                    (acc / 40, acc % 40)
                } else {
                    (2, acc - 80)
                };
                parts.push(x.to_string());
                parts.push(y.to_string());
            } else {
                parts.push(acc.to_string());
            }
            acc = 0;
        }
    }
    parts.join(".")
}

/// Go's `asn1.Marshal` of a string: PrintableString when every byte is in its alphabet,
/// else UTF8String.
fn go_marshal_string(v: &str) -> Vec<u8> {
    let printable = v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    let mut out = vec![if printable { 0x13 } else { 0x0c }];
    let len = v.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(v.as_bytes());
    out
}

/// Go's escaping of an attribute value in `RDNSequence.String()`.
fn go_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let last = v.len().saturating_sub(1);
    for (k, c) in v.char_indices() {
        let escape = match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => true,
            ' ' => k == 0 || k == last,
            '#' => k == 0,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `pkix.Name.String()`: Go parses the Name into its fields, rebuilds the sequence as C, ST,
/// L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER (the attributes it does not name first),
/// and writes it last to first, `,` between RDNs and `+` inside one.
fn go_name(rdns: &[u8]) -> String {
    // (type name, values) in Go's order; CN and SERIALNUMBER keep their last value.
    const ORDER: [(&[u8], &str); 9] = [
        (&[0x55, 0x04, 0x06], "C"),
        (&[0x55, 0x04, 0x08], "ST"),
        (&[0x55, 0x04, 0x07], "L"),
        (&[0x55, 0x04, 0x09], "STREET"),
        (&[0x55, 0x04, 0x11], "POSTALCODE"),
        (&[0x55, 0x04, 0x0a], "O"),
        (&[0x55, 0x04, 0x0b], "OU"),
        (&[0x55, 0x04, 0x03], "CN"),
        (&[0x55, 0x04, 0x05], "SERIALNUMBER"),
    ];
    let mut named: Vec<Vec<String>> = vec![Vec::new(); ORDER.len()];
    let mut others: Vec<String> = Vec::new();
    for Attribute {
        oid,
        tag,
        value,
        encoded,
    } in attributes(rdns)
    {
        let text = string_value(tag, value);
        match (ORDER.iter().position(|(o, _)| *o == oid), text) {
            (Some(i), Some(t)) => {
                if ORDER[i].1 == "CN" || ORDER[i].1 == "SERIALNUMBER" {
                    named[i] = vec![t];
                } else {
                    named[i].push(t);
                }
            }
            // A named type whose value is not a string: Go skips it.
            (Some(_), None) => {}
            (None, text) => {
                let der = match text {
                    Some(t) => go_marshal_string(&t),
                    None => {
                        encoded[..encoded.len() - tlv(encoded).map_or(0, |t| t.2.len())].to_vec()
                    }
                };
                let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
                others.push(format!("{}=#{hex}", dotted(oid)));
            }
        }
    }
    let mut seq: Vec<String> = others;
    for (i, values) in named.iter().enumerate() {
        if values.is_empty() {
            continue;
        }
        let rdn: Vec<String> = values
            .iter()
            .map(|v| format!("{}={}", ORDER[i].1, go_escape(v)))
            .collect();
        seq.push(rdn.join("+"));
    }
    seq.reverse();
    seq.join(",")
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
    fn names_as_go_writes_them() {
        // SEQUENCE { SET { C=DE } SET { O="Oncall Test, Inc." } SET { CN=a+b } SET { 1.2.840.113549.1.9.1=x@y } }
        fn attr(oid: &[u8], tag: u8, v: &[u8]) -> Vec<u8> {
            let mut a = vec![0x06, oid.len() as u8];
            a.extend_from_slice(oid);
            a.extend([tag, v.len() as u8]);
            a.extend_from_slice(v);
            let mut seq = vec![0x30, a.len() as u8];
            seq.extend(a);
            let mut set = vec![0x31, seq.len() as u8];
            set.extend(seq);
            set
        }
        let mut body = Vec::new();
        body.extend(attr(&[0x55, 4, 6], 0x13, b"DE"));
        body.extend(attr(&[0x55, 4, 10], 0x0c, b"Oncall Test, Inc."));
        body.extend(attr(&[0x55, 4, 3], 0x0c, b"#a+b "));
        body.extend(attr(
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 9, 1],
            0x16,
            b"x@y",
        ));
        assert_eq!(
            go_name(&body),
            r"CN=\#a\+b\ ,O=Oncall Test\, Inc.,C=DE,1.2.840.113549.1.9.1=#0c03784079"
        );
    }

    #[test]
    fn times() {
        assert_eq!(time(0x17, b"491231235959Z"), Some(2524607999));
        assert_eq!(time(0x17, b"500101000000Z"), Some(-631152000));
        assert_eq!(time(0x18, b"20380119031407Z"), Some(2147483647));
        assert_eq!(time(0x18, b"2038"), None);
    }
}
