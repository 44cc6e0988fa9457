//! A progress bar on stderr for big inputs: only when stderr is a terminal, the input is a
//! file over 64 MiB and logging is not turned down with `-q`.

use std::io::{IsTerminal, Read};

use indicatif::{ProgressBar, ProgressStyle};

/// Inputs smaller than this finish before a bar would be worth drawing.
pub const THRESHOLD: u64 = 64 * 1024 * 1024;

/// Wraps `src` (a file of `size` bytes) in a progress bar when one is wanted.
pub fn wrap(src: Box<dyn Read>, size: u64, allowed: bool) -> Box<dyn Read> {
    if !allowed || size <= THRESHOLD || !std::io::stderr().is_terminal() {
        return src;
    }
    let bar = ProgressBar::new(size);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Box::new(Progress { src, bar })
}

struct Progress {
    src: Box<dyn Read>,
    bar: ProgressBar,
}

impl Read for Progress {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.src.read(buf)?;
        if n == 0 {
            self.bar.finish_and_clear();
        } else {
            self.bar.inc(n as u64);
        }
        Ok(n)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
