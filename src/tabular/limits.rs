//! Bounds on what one record may take (`--max-record`, `--max-keys`), so that constant memory
//! holds whatever the input: without them one 300 MB field, string or object takes its size
//! several times over.

use anyhow::anyhow;

/// No limit (`0` on the command line).
pub const NO_LIMIT: usize = usize::MAX;

/// `--max-record`'s default: 64 MiB.
pub const DEFAULT_MAX_RECORD: usize = 64 << 20;

/// `--max-keys`' default: far beyond any spreadsheet's 16384 columns.
pub const DEFAULT_MAX_KEYS: usize = 65536;

/// A flag value where `0` means no limit.
pub fn from_flag(value: usize) -> usize {
    if value == 0 { NO_LIMIT } else { value }
}

/// The error for record `record` (starting on `line`) taking more than `limit` bytes.
pub fn record_too_big(record: u64, line: u64, limit: usize) -> anyhow::Error {
    anyhow!(
        "record {record} (line {line}) is larger than --max-record {}; raise it (0 for no \
         limit) if this input is right",
        human(limit as u64)
    )
}

/// The error for record `record` (starting on `line`) having more than `limit` keys.
pub fn too_many_keys(record: u64, line: u64, limit: usize) -> anyhow::Error {
    anyhow!(
        "record {record} (line {line}) has more than --max-keys {limit} keys; raise it (0 for \
         no limit) if this input is right"
    )
}

/// The error for `--union-keys` finding more than `limit` distinct keys.
pub fn too_many_columns(limit: usize) -> anyhow::Error {
    anyhow!(
        "the objects have more than --max-keys {limit} distinct keys between them; raise it \
         (0 for no limit) if this input is right"
    )
}

/// `64M`-style sizes, as the flag takes them.
fn human(bytes: u64) -> String {
    for (shift, unit) in [(30, "G"), (20, "M"), (10, "K")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_they_are_written() {
        assert_eq!(super::human(64 << 20), "64M");
        assert_eq!(super::human(1 << 30), "1G");
        assert_eq!(super::human(1536), "1536");
        assert_eq!(super::human(2048), "2K");
        assert_eq!(super::human(10), "10");
    }
}
