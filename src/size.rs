//! Byte sizes for flags such as `--max-output 64M` and `--max-buffer 256K`.
//!
//! Accepted: a whole number with an optional binary unit: `K`, `M`, `G` or `T`, each optionally
//! followed by `iB` or `B` (`512M`, `512MiB`, `512MB` all mean 512 × 1024² bytes), or `B` alone.
//! Units are case-insensitive. Output caps are about memory, so every unit is a power of 1024.

/// Parses a byte size such as `64M`, `1GiB`, `4096` or `100k`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let digits_len = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(digits_len);
    let hint = "expected a byte count such as 4096, 512K, 64M or 1G";
    if number.is_empty() {
        return Err(format!("invalid size {text:?}; {hint}"));
    }
    let value: u64 = number
        .parse()
        .map_err(|_| format!("size {text:?} is out of range"))?;
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => {
            return Err(format!(
                "invalid size {text:?}: unknown unit {unit:?}; {hint}"
            ));
        }
    };
    value
        .checked_mul(1u64 << shift)
        .ok_or_else(|| format!("size {text:?} is out of range"))
}

/// Parses a byte size that must fit in memory on this machine (`usize`).
pub fn parse_memory_size(text: &str) -> Result<usize, String> {
    let bytes = parse_size(text)?;
    usize::try_from(bytes).map_err(|_| format!("size {text:?} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_usual_forms() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("100k"), Ok(100 * 1024));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("512MB"), Ok(512 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("2t"), Ok(2 << 40));
        assert_eq!(parse_size("7B"), Ok(7));
    }

    #[test]
    fn rejects_garbage_with_a_hint() {
        for bad in [
            "",
            "M",
            "-1",
            "1.5M",
            "10x",
            "1 G",
            "99999999999999999999",
            "16777216T",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?} was accepted");
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,24}") {
            let _ = parse_size(&text);
        }

        #[test]
        fn kibibytes_round_trip(n in 0u64..1_000_000) {
            prop_assert_eq!(parse_size(&format!("{n}K")), Ok(n * 1024));
            prop_assert_eq!(parse_size(&n.to_string()), Ok(n));
        }
    }
}
