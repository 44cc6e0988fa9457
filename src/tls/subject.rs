//! The subject of an X.509 certificate as one printable line (`C=US, O=Example, CN=client`,
//! in certificate order, as OpenSSL prints it), for log lines about client certificates.
//!
//! Only the few DER structures on the way to the subject are walked; verification is
//! rustls's job. A peer chooses these bytes, so anything unexpected gives `None`, and every
//! byte that is not printable ASCII is written as `\xNN` (a subject cannot forge log lines).

/// The subject of the DER certificate `der`, or `None` if it cannot be found.
pub fn subject_of(der: &[u8]) -> Option<String> {
    let (certificate, _) = element(der, SEQUENCE)?;
    let (tbs, _) = element(certificate, SEQUENCE)?;
    let mut rest = tbs;
    if rest.first() == Some(&0xa0) {
        rest = skip(rest)?; // [0] version
    }
    for _ in 0..4 {
        rest = skip(rest)?; // serial number, signature algorithm, issuer, validity
    }
    let (name, _) = element(rest, SEQUENCE)?;
    name_text(name)
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;

/// `C=US, O=Example, CN=client` for the contents of a DER `Name`.
fn name_text(mut name: &[u8]) -> Option<String> {
    let mut parts = Vec::new();
    while !name.is_empty() {
        let (set, rest) = element(name, SET)?;
        name = rest;
        let mut set = set;
        while !set.is_empty() {
            let (attribute, rest) = element(set, SEQUENCE)?;
            set = rest;
            let (oid, value) = element(attribute, OID)?;
            let (tag, contents, _) = tlv(value)?;
            parts.push(format!("{}={}", oid_name(oid), value_text(tag, contents)));
        }
    }
    Some(parts.join(", "))
}

/// The contents of the element at the start of `der`, which must have tag `tag`, and what
/// follows it.
fn element(der: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (found, contents, rest) = tlv(der)?;
    (found == tag).then_some((contents, rest))
}

/// What follows the element at the start of `der`.
fn skip(der: &[u8]) -> Option<&[u8]> {
    tlv(der).map(|(_, _, rest)| rest)
}

/// Tag, contents and rest of the DER element at the start of `der` (definite lengths only,
/// at most four length bytes).
fn tlv(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, after) = rest.split_at(count);
        rest = after;
        bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b))
    };
    if rest.len() < len {
        return None;
    }
    let (contents, rest) = rest.split_at(len);
    Some((tag, contents, rest))
}

/// The usual short name of an attribute type, or its dotted OID.
fn oid_name(oid: &[u8]) -> String {
    let short = match oid {
        [0x55, 0x04, 0x03] => "CN",
        [0x55, 0x04, 0x05] => "serialNumber",
        [0x55, 0x04, 0x06] => "C",
        [0x55, 0x04, 0x07] => "L",
        [0x55, 0x04, 0x08] => "ST",
        [0x55, 0x04, 0x09] => "street",
        [0x55, 0x04, 0x0a] => "O",
        [0x55, 0x04, 0x0b] => "OU",
        [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01] => "emailAddress",
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19] => "DC",
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01] => "UID",
        _ => return dotted(oid),
    };
    short.to_owned()
}

fn dotted(oid: &[u8]) -> String {
    let mut arcs: Vec<u128> = Vec::new();
    let mut value: u128 = 0;
    for &byte in oid {
        value = value.saturating_mul(128) | u128::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    arcs.iter()
        .map(u128::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// A string value as text (BMPString as UTF-16), anything else as `#hex`, both escaped.
fn value_text(tag: u8, contents: &[u8]) -> String {
    match tag {
        // UTF8String, PrintableString, TeletexString, IA5String
        0x0c | 0x13 | 0x14 | 0x16 => printable(&String::from_utf8_lossy(contents)),
        // BMPString
        0x1e => {
            let units = contents
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
            printable(
                &char::decode_utf16(units)
                    .map(|c| c.unwrap_or('\u{fffd}'))
                    .collect::<String>(),
            )
        }
        _ => {
            let hex: String = contents.iter().map(|b| format!("{b:02x}")).collect();
            format!("#{hex}")
        }
    }
}

/// `text` with control characters and backslashes escaped, so it stays on one log line.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                for b in c.to_string().bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn certificate(names: &[(rcgen::DnType, &str)]) -> Vec<u8> {
        let mut params = rcgen::CertificateParams::new(vec!["client".to_owned()]).expect("params");
        let mut dn = rcgen::DistinguishedName::new();
        for (kind, value) in names {
            dn.push(kind.clone(), *value);
        }
        params.distinguished_name = dn;
        let key = rcgen::KeyPair::generate().expect("key");
        params.self_signed(&key).expect("cert").der().to_vec()
    }

    #[test]
    fn the_subject_reads_in_certificate_order() {
        let der = certificate(&[
            (rcgen::DnType::CountryName, "NL"),
            (rcgen::DnType::OrganizationName, "Example Lab"),
            (rcgen::DnType::CommonName, "client one"),
        ]);
        assert_eq!(
            subject_of(&der).as_deref(),
            Some("C=NL, O=Example Lab, CN=client one")
        );
    }

    #[test]
    fn control_characters_cannot_forge_log_lines() {
        let der = certificate(&[(rcgen::DnType::CommonName, "x\n2026-01-01 [WARN] forged")]);
        let subject = subject_of(&der).expect("subject");
        assert!(!subject.contains('\n'), "{subject}");
        assert!(subject.contains("x\\x0a2026"), "{subject}");
    }

    #[test]
    fn unknown_attributes_show_their_oid() {
        assert_eq!(
            dotted(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]),
            "1.2.840.113549"
        );
        assert_eq!(dotted(&[0x55, 0x04, 0x2a]), "2.5.4.42");
    }

    proptest! {
        #[test]
        fn any_bytes_give_an_answer_or_none_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = subject_of(&bytes);
        }

        #[test]
        fn a_damaged_certificate_never_panics(cut in 0usize..400, flip in 0usize..400, bit in 0u8..8) {
            let mut der = certificate(&[(rcgen::DnType::CommonName, "c")]);
            let flip = flip % der.len();
            der[flip] ^= 1 << bit;
            der.truncate(cut.min(der.len()));
            let _ = subject_of(&der);
        }
    }
}
