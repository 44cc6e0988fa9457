//! A row of fields in one reusable buffer, so reading a million rows allocates nothing per row.

/// What a field holds, beyond its bytes: decides quoting under `nonnumeric` and how a JSON
/// writer spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text: a CSV field, a JSON string.
    Text,
    /// A number: a JSON number (its text verbatim) or an unquoted CSV field read under
    /// `--quoting nonnumeric` (its text as written, known to parse as a Python float).
    Number,
    /// A JSON `true` or `false`.
    Bool,
    /// A JSON `null` (empty text).
    Null,
    /// A nested JSON array or object, as compact JSON text.
    Nested,
}

/// Fields as byte ranges of one buffer, each with its [`Kind`].
#[derive(Debug, Default, Clone)]
pub struct Row {
    buf: Vec<u8>,
    fields: Vec<Field>,
}

/// The bookkeeping memory of one field, counted by [`Row::memory`].
pub const FIELD_MEMORY: usize = std::mem::size_of::<Field>();

/// Where a field ends in the buffer, and what it is.
#[derive(Debug, Clone, Copy)]
struct Field {
    end: usize,
    kind: Kind,
    /// Known to hold no byte the CSV writer treats specially (see
    /// [`crate::tabular::csv_read::CsvReader::watch_for`]), so it can skip looking.
    clean: bool,
}

impl Row {
    /// An empty row.
    pub fn new() -> Row {
        Row::default()
    }

    /// Forgets every field, keeping the allocations.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.fields.clear();
    }

    /// The number of finished fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when the row has no fields (a blank CSV line).
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The bytes of field `i`.
    pub fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.fields[i - 1].end };
        &self.buf[start..self.fields[i].end]
    }

    /// The kind of field `i`.
    pub fn kind(&self, i: usize) -> Kind {
        self.fields[i].kind
    }

    /// Every field with its kind, in order.
    pub fn fields(&self) -> impl Iterator<Item = (&[u8], Kind)> + '_ {
        (0..self.len()).map(|i| (self.field(i), self.kind(i)))
    }

    /// Appends bytes to the field being built.
    pub fn extend_pending(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Appends one byte to the field being built.
    pub fn push_pending(&mut self, byte: u8) {
        self.buf.push(byte);
    }

    /// The bytes of the field being built.
    pub fn pending(&self) -> &[u8] {
        let start = self.fields.last().map_or(0, |f| f.end);
        &self.buf[start..]
    }

    /// Replaces the field being built (used to repair invalid UTF-8 under `--lossy`).
    pub fn replace_pending(&mut self, bytes: &[u8]) {
        let start = self.fields.last().map_or(0, |f| f.end);
        self.buf.truncate(start);
        self.buf.extend_from_slice(bytes);
    }

    /// Ends the field being built, saying whether it is known to be free of writer specials.
    pub fn finish_field_clean(&mut self, kind: Kind, clean: bool) {
        self.fields.push(Field {
            end: self.buf.len(),
            kind,
            clean,
        });
    }

    /// True when field `i` is known to hold no byte the CSV writer must look at.
    pub fn is_clean(&self, i: usize) -> bool {
        self.fields[i].clean
    }

    /// The memory the row holds: its bytes and its per-field bookkeeping (what
    /// `--max-record` bounds).
    pub fn memory(&self) -> usize {
        self.buf.len() + self.fields.len() * FIELD_MEMORY
    }

    /// The fields as owned UTF-8 strings (lossy), for headers and messages.
    pub fn to_strings(&self) -> Vec<String> {
        (0..self.len())
            .map(|i| String::from_utf8_lossy(self.field(i)).into_owned())
            .collect()
    }
}

/// How many bytes at the start of `bytes` are not `special`: the hot loop of both the CSV
/// reader and writer. Eight table lookups are OR-ed per step so that a run of ordinary bytes
/// costs one branch per eight bytes instead of one per byte.
#[inline]
pub fn run_length(bytes: &[u8], special: &[bool; 256]) -> usize {
    let mut done = 0;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let hit = special[usize::from(c[0])]
            | special[usize::from(c[1])]
            | special[usize::from(c[2])]
            | special[usize::from(c[3])]
            | special[usize::from(c[4])]
            | special[usize::from(c[5])]
            | special[usize::from(c[6])]
            | special[usize::from(c[7])];
        if hit {
            break;
        }
        done += 8;
    }
    done + bytes[done..]
        .iter()
        .position(|&b| special[usize::from(b)])
        .unwrap_or(bytes.len() - done)
}

/// A scanner for runs of ordinary bytes that tests eight bytes at a time with word
/// arithmetic (SWAR): one check for every control byte below 0x20 (CR, LF and tab among them)
/// and one per other special byte, then the table settles the rare false alarm.
#[derive(Debug, Clone)]
pub struct RunScanner {
    table: [bool; 256],
    /// Up to three special bytes of 0x20 and above, each repeated across a word; unused
    /// slots hold zero bytes, which the control check catches anyway.
    needles: [u64; 3],
    /// More than three: fall back to the table.
    too_many: bool,
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

impl RunScanner {
    /// A scanner stopping at the bytes `table` marks; `const` so that a fixed set of bytes
    /// can have its scanner in a `static`.
    pub const fn new(table: &[bool; 256]) -> RunScanner {
        let mut needles = [0; 3];
        let mut wanted = 0;
        let mut b = 0x20;
        while b < 256 {
            if table[b] {
                if wanted < needles.len() {
                    needles[wanted] = LO * b as u64;
                }
                wanted += 1;
            }
            b += 1;
        }
        RunScanner {
            table: *table,
            needles,
            too_many: wanted > needles.len(),
        }
    }

    /// How many bytes at the start of `bytes` are not special.
    #[inline(always)]
    pub fn run_length(&self, bytes: &[u8]) -> usize {
        if self.too_many {
            return run_length(bytes, &self.table);
        }
        let mut i = 0;
        while i + 8 <= bytes.len() {
            let w = &bytes[i..i + 8];
            let v = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            // Lowest flagged byte is exact: below 0x20, or equal to a needle.
            let [a, b, c] = [
                v ^ self.needles[0],
                v ^ self.needles[1],
                v ^ self.needles[2],
            ];
            let hits = (v.wrapping_sub(LO * 0x20) & !v
                | a.wrapping_sub(LO) & !a
                | b.wrapping_sub(LO) & !b
                | c.wrapping_sub(LO) & !c)
                & HI;
            if hits != 0 {
                let j = i + (hits.trailing_zeros() / 8) as usize;
                if self.table[usize::from(bytes[j])] {
                    return j;
                }
                // A control byte nobody asked about: ordinary after all.
                i = j + 1;
                continue;
            }
            i += 8;
        }
        i + run_length(&bytes[i..], &self.table)
    }
}
