//! Reading free text for `--extract` and `--match`: stdin or files, in large blocks, handed
//! on as whole lines (any bytes; a line is never copied unless it straddles two blocks).
//! `--extract` turns every address and CIDR found ([`super::scan`]) into an entry.

use std::io::{self, Read};

use anyhow::Context;

use super::addr::Network;
use super::input::{Origin, Policy, Problem, Source, open};
use super::parse::Entry;
use super::scan::hits;

/// The block size reads aim for.
const BLOCK: usize = 1 << 20;
/// The longest line of text accepted, so a runaway line cannot exhaust memory.
pub const MAX_TEXT_LINE: usize = 16 << 20;

/// Why a text line could not be read whole.
#[derive(Debug)]
pub struct LongLine {
    pub number: u64,
}

/// Calls `visit(line, number)` for each line of `reader` (without its `\n`) until it
/// returns false. A line longer than [`MAX_TEXT_LINE`] is skipped after `too_long` says
/// what to do (an error ends the reading).
pub fn each_text_line(
    mut reader: impl Read,
    mut visit: impl FnMut(&[u8], u64) -> anyhow::Result<bool>,
    mut too_long: impl FnMut(LongLine) -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    let mut buf = vec![0u8; BLOCK];
    let (mut filled, mut number) = (0usize, 0u64);
    let mut skipping = false;
    loop {
        if filled == buf.len() {
            if buf.len() >= MAX_TEXT_LINE {
                // No line end in the whole buffer: drop it and the rest of the line.
                too_long(LongLine { number: number + 1 })?;
                filled = 0;
                skipping = true;
            } else {
                buf.resize(buf.len() * 2, 0);
            }
        }
        let read = match reader.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        let eof = read == 0;
        filled += read;
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', &buf[filled - read..filled]) {
            let end = filled - read + end;
            number += 1;
            if skipping {
                skipping = false;
            } else if !visit(&buf[start..end], number)? {
                return Ok(false);
            }
            start = end + 1;
        }
        if eof {
            if start < filled && !skipping {
                number += 1;
                return visit(&buf[start..filled], number);
            }
            return Ok(true);
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
    }
}

/// Every address and CIDR found in the text of `sources`, as entries: a CIDR as its network
/// (host bits dropped unless `--strict`, which rejects it), an address as itself.
pub fn each_extracted(
    sources: &[Source],
    policy: &Policy,
    visit: &mut impl FnMut(&Entry) -> Result<bool, Problem>,
) -> anyhow::Result<()> {
    for source in sources {
        let (name, reader): (String, Box<dyn Read>) = match source {
            Source::Stdin => ("stdin".to_owned(), Box::new(io::stdin().lock())),
            Source::File(path) => (path.display().to_string(), Box::new(open(path)?)),
            Source::Argument(text, _) => (text.clone(), Box::new(open(text.as_ref())?)),
        };
        let go_on = each_text_line(
            reader,
            |line, number| {
                for hit in hits(line) {
                    let prefix = hit.prefix.unwrap_or(hit.family.bits());
                    let net = Network::containing(hit.family, hit.addr, prefix);
                    let here = Origin::Extracted(format!("{name} line {number}"));
                    if policy.strict && net.addr != hit.addr {
                        let text = String::from_utf8_lossy(&line[hit.start..hit.end]);
                        policy.reject(
                            &format!("{text}/{prefix}"),
                            "has host bits set; drop --strict to accept it",
                            &here,
                        )?;
                        continue;
                    }
                    let entry = Entry::Network {
                        net,
                        address: hit.addr,
                    };
                    match visit(&entry) {
                        Ok(true) => {}
                        Ok(false) => return Ok(false),
                        Err(Problem::Invalid(why)) => {
                            policy.reject(&entry.canonical(), &why, &here)?;
                        }
                        Err(Problem::Fatal(err)) => return Err(err),
                    }
                }
                Ok(true)
            },
            |long| {
                policy.reject(
                    "(text)",
                    &format!("line longer than {} MiB", MAX_TEXT_LINE >> 20),
                    &Origin::Extracted(format!("{name} line {}", long.number)),
                )
            },
        )
        .with_context(|| format!("reading {name}"))?;
        if !go_on {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// A reader that hands out at most `chunk` bytes per read.
    struct Trickle<'a> {
        data: &'a [u8],
        chunk: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.data.len().min(self.chunk).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    proptest! {
        #[test]
        fn lines_come_out_whole_whatever_the_reads(text in "[a\\n]{0,200}", chunk in 1usize..50) {
            let mut got = Vec::new();
            each_text_line(Trickle { data: text.as_bytes(), chunk }, |line, n| {
                got.push((String::from_utf8_lossy(line).into_owned(), n));
                Ok(true)
            }, |_| Ok(())).unwrap();
            let mut want: Vec<(String, u64)> = text.split('\n').enumerate().map(|(i, l)| (l.to_owned(), i as u64 + 1)).collect();
            if text.is_empty() || text.ends_with('\n') {
                want.pop();
            }
            prop_assert_eq!(got, want);
        }
    }
}
