//! Reading free text for `--extract` and `--match`: stdin or files, in large blocks, handed
//! on as whole lines (any bytes; a line is never copied unless it straddles two blocks).
//! `--extract` turns every address and CIDR found ([`super::scan`]) into an entry.

use std::io::{self, Read};

use anyhow::Context;

use super::addr::Network;
use super::input::{Origin, Policy, Problem, Source, open};
use super::parse::Entry;
use super::scan::{BlockScan, Event};

/// The block size reads aim for.
const BLOCK: usize = 1 << 20;
/// The longest line of text accepted, so a runaway line cannot exhaust memory.
const MAX_TEXT_LINE: usize = 16 << 20;

/// Why a text line could not be read whole.
#[derive(Debug)]
struct LongLine {
    number: u64,
}

/// Calls `visit(block, lines_before)` with blocks of whole lines of `reader`, each line
/// ending in `\n` (one is added to a last line without it), until it returns false. A line
/// longer than [`MAX_TEXT_LINE`] is skipped after `too_long` says what to do (an error ends
/// the reading).
fn each_text_block(
    mut reader: impl Read,
    mut visit: impl FnMut(&[u8], u64) -> anyhow::Result<bool>,
    mut too_long: impl FnMut(LongLine) -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    let mut buf = vec![0u8; BLOCK];
    let (mut filled, mut lines) = (0usize, 0u64);
    let mut skipping = false;
    loop {
        if filled == buf.len() {
            if buf.len() >= MAX_TEXT_LINE {
                // No line end in the whole buffer: drop it and the rest of the line.
                if !skipping {
                    too_long(LongLine { number: lines + 1 })?;
                }
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
        let fresh = filled;
        filled += read;
        if read == 0 {
            if filled > 0 && !skipping {
                if buf.len() == filled {
                    buf.push(b'\n');
                } else {
                    buf[filled] = b'\n';
                }
                return visit(&buf[..filled + 1], lines);
            }
            return Ok(true);
        }
        let Some(last) = memchr::memrchr(b'\n', &buf[fresh..filled]).map(|i| fresh + i) else {
            continue;
        };
        let mut start = 0;
        if skipping {
            // The end of the over-long line is the first line end.
            start = fresh + memchr::memchr(b'\n', &buf[fresh..filled]).unwrap_or(0) + 1;
            lines += 1;
            skipping = false;
        }
        if start <= last {
            let block = &buf[start..=last];
            if !visit(block, lines)? {
                return Ok(false);
            }
            lines += memchr::memchr_iter(b'\n', block).count() as u64;
        }
        buf.copy_within(last + 1..filled, 0);
        filled -= last + 1;
    }
}

/// Reads the text of each of `sources` (stdin or a file) in blocks of whole lines
/// ([`each_text_block`]), handing `visit` the source's name, a block and the number of lines
/// before it, until `visit` returns false. A line longer than [`MAX_TEXT_LINE`] is rejected
/// under `policy`.
pub fn each_text_source(
    sources: &[Source],
    policy: &Policy,
    mut visit: impl FnMut(&str, &[u8], u64) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    for source in sources {
        let (name, reader): (String, Box<dyn Read>) = match source {
            Source::Stdin => ("stdin".to_owned(), Box::new(io::stdin().lock())),
            Source::File(path) => (path.display().to_string(), Box::new(open(path)?)),
            Source::Argument(text, _) => (text.clone(), Box::new(open(text.as_ref())?)),
        };
        let go_on = each_text_block(
            reader,
            |block, lines_before| visit(&name, block, lines_before),
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

/// Every address and CIDR found in the text of `sources`, as entries: a CIDR as its network
/// (host bits dropped unless `--strict`, which rejects it), an address as itself.
pub fn each_extracted(
    sources: &[Source],
    policy: &Policy,
    visit: &mut impl FnMut(&Entry) -> Result<bool, Problem>,
) -> anyhow::Result<()> {
    each_text_source(sources, policy, |name, block, lines_before| {
        let mut line = lines_before + 1;
        for event in BlockScan::new(block) {
            let hit = match event {
                Event::LineEnd(_) => {
                    line += 1;
                    continue;
                }
                Event::Hit(hit) => hit,
            };
            let prefix = hit.prefix.unwrap_or(hit.family.bits());
            let net = Network::containing(hit.family, hit.addr, prefix);
            let here = || Origin::Extracted(format!("{name} line {line}"));
            if policy.strict && net.addr != hit.addr {
                let text = String::from_utf8_lossy(&block[hit.start..hit.end]);
                policy.reject(
                    &format!("{text}/{prefix}"),
                    "has host bits set; drop --strict to accept it",
                    &here(),
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
                    policy.reject(&entry.canonical(), &why, &here())?;
                }
                Err(Problem::Fatal(err)) => return Err(err),
            }
        }
        Ok(true)
    })
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
        fn blocks_hold_whole_lines_whatever_the_reads(text in "[a\\n]{0,200}", chunk in 1usize..50) {
            let mut got = Vec::new();
            let mut counted = 0;
            each_text_block(Trickle { data: text.as_bytes(), chunk }, |block, before| {
                assert_eq!(before, counted);
                assert!(block.ends_with(b"\n"));
                counted += block.iter().filter(|b| **b == b'\n').count() as u64;
                got.extend_from_slice(block);
                Ok(true)
            }, |_| Ok(())).unwrap();
            let mut want = text.clone().into_bytes();
            if !want.is_empty() && !want.ends_with(b"\n") {
                want.push(b'\n');
            }
            prop_assert_eq!(got, want);
        }
    }
}
