//! Number rules: what Python's `float()` accepts (for `--quoting nonnumeric`), what JSON's
//! number grammar accepts, and `--infer-types`, which never loses text.

use std::borrow::Cow;

mod decimal_digits;

/// Parses `text` as Python's `float()` would: surrounding whitespace, a sign, `_` between
/// digits, `inf`, `infinity` and `nan` in any case, and any Unicode decimal digit (`１`, `١`)
/// or Unicode space. `None` when Python raises `ValueError`.
pub fn parse_python_float(text: &[u8]) -> Option<f64> {
    let text = as_python_ascii(std::str::from_utf8(text).ok()?)?;
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let bytes = text.as_bytes();
    let mut cleaned = String::with_capacity(text.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let before = i > 0 && bytes[i - 1].is_ascii_digit();
            let after = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(before && after) {
                return None;
            }
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b == b'.' || b == b'+' || b == b'-') {
            return None;
        }
        cleaned.push(char::from(b));
    }
    let unsigned = cleaned.trim_start_matches(['+', '-']);
    if cleaned.len() - unsigned.len() > 1 {
        return None;
    }
    let lower = unsigned.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return cleaned.parse::<f64>().ok();
    }
    // Rust's grammar is Python's for the rest, but also takes "infinity"-like words we
    // handled above; a digit must appear somewhere.
    if !unsigned.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

/// What `_PyUnicode_TransformDecimalAndSpaceToASCII` makes of `text` before `float()` and
/// `complex()` parse it: Unicode decimal digits become ASCII digits and Unicode spaces ASCII
/// spaces; `None` when any other non-ASCII character is left (Python's parse then fails).
fn as_python_ascii(text: &str) -> Option<Cow<'_, str>> {
    if text.is_ascii() {
        return Some(Cow::Borrowed(text));
    }
    text.chars()
        .map(|c| {
            let code = u32::from(c);
            if c.is_ascii() {
                Some(c)
            } else if decimal_digits::SPACES.binary_search(&code).is_ok() {
                Some(' ')
            } else {
                let zero = match decimal_digits::DIGIT_ZEROS.binary_search(&code) {
                    Ok(i) => decimal_digits::DIGIT_ZEROS[i],
                    Err(0) => return None,
                    Err(i) => decimal_digits::DIGIT_ZEROS[i - 1],
                };
                let digit = code - zero;
                (digit < 10).then(|| char::from(b'0' + digit as u8))
            }
        })
        .collect::<Option<String>>()
        .map(Cow::Owned)
}

/// True when `text` is a number by JSON's grammar (RFC 8259): `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`.
pub fn is_json_number(text: &[u8]) -> bool {
    let mut i = 0;
    let n = text.len();
    if i < n && text[i] == b'-' {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < n && text[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    match text.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if i < n && text[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if i < n && (text[i] == b'e' || text[i] == b'E') {
        i += 1;
        if i < n && (text[i] == b'+' || text[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == n
}

/// What `--infer-types` makes of a text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inferred {
    /// Written as a JSON number, verbatim.
    Number,
    /// `true` or `false`, written as is.
    Bool,
    /// The empty string, written as `null`.
    Null,
    /// Anything else stays a string.
    Text,
}

/// Infers a JSON type for `text` without losing any of it: integers that fit in 64 bits and
/// finite decimals in JSON's own grammar become numbers, written exactly as they appear;
/// `0050`, `+1`, `-0`, `1e400`, `NaN`, `.5` and big integers stay strings.
pub fn infer(text: &[u8]) -> Inferred {
    match text {
        b"" => return Inferred::Null,
        b"true" | b"false" => return Inferred::Bool,
        b"-0" => return Inferred::Text,
        _ => {}
    }
    let first = text[0];
    if !(first.is_ascii_digit() || first == b'-') || !is_json_number(text) {
        return Inferred::Text;
    }
    let integral = text.iter().all(|b| b.is_ascii_digit() || *b == b'-');
    if integral {
        return if std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .is_some()
        {
            Inferred::Number
        } else {
            Inferred::Text
        };
    }
    match std::str::from_utf8(text)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    {
        Some(f)
            if f.is_finite() && !(f == 0.0 && text.iter().any(|b| matches!(b, b'1'..=b'9'))) =>
        {
            Inferred::Number
        }
        _ => Inferred::Text,
    }
}

/// The JSON spelling of a number read under `--quoting nonnumeric`: its own text when that is
/// already a JSON number, else the shortest decimal that reads back as the same float
/// (`+1` -> `1.0`, `.5` -> `0.5`, `1_000` -> `1000.0`); `None` for NaN and infinities,
/// which JSON cannot hold.
pub fn json_number_text(text: &[u8]) -> Option<Cow<'_, [u8]>> {
    let trimmed = std::str::from_utf8(text).ok()?.trim().as_bytes();
    if is_json_number(trimmed) {
        return Some(Cow::Borrowed(trimmed));
    }
    let value = parse_python_float(text)?;
    value
        .is_finite()
        .then(|| Cow::Owned(format!("{value:?}").into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_float_accepts_what_python_accepts() {
        for ok in [
            "1",
            " 1.5 ",
            "+1",
            "-.5",
            "5.",
            "1e5",
            "1_000",
            "inf",
            "-Infinity",
            "nan",
            "1E-3",
            "１",
            "١٢",
            "１_０",
            "\u{a0}1\u{3000}",
            "1\u{85}",
        ] {
            assert!(parse_python_float(ok.as_bytes()).is_some(), "{ok}");
        }
        for bad in [
            "", "abc", "1__0", "_1", "1_", "1.2.3", "--1", "0x10", "1e", "infinit", "\u{1c}1",
            "1\u{b2}", "Ⅻ", "1 2",
        ] {
            assert!(parse_python_float(bad.as_bytes()).is_none(), "{bad}");
        }
    }

    #[test]
    fn infer_keeps_text_that_a_number_would_lose() {
        assert_eq!(infer(b"42"), Inferred::Number);
        assert_eq!(infer(b"-3.25e2"), Inferred::Number);
        assert_eq!(infer(b""), Inferred::Null);
        assert_eq!(infer(b"true"), Inferred::Bool);
        for text in [
            "0050",
            "+1",
            "1e400",
            "NaN",
            ".5",
            "-0",
            "True",
            "99999999999999999999",
            "1e-400",
            " 1",
        ] {
            assert_eq!(infer(text.as_bytes()), Inferred::Text, "{text}");
        }
    }

    #[test]
    fn json_numbers_follow_the_rfc() {
        for ok in ["0", "-0", "1.5", "1e5", "-1E+5", "10"] {
            assert!(is_json_number(ok.as_bytes()), "{ok}");
        }
        for bad in ["01", "+1", ".5", "5.", "1e", "", "-", "1.e5"] {
            assert!(!is_json_number(bad.as_bytes()), "{bad}");
        }
    }
}
