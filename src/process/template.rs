//! `--shell TEMPLATE --arg VALUE`: the recipe's `safe()` (`shlex.quote` before `shell=True`),
//! made safe in every quoting context by never putting a value into the script at all.
//!
//! The values travel as the shell's positional parameters: tackle runs
//! `/bin/sh -c SCRIPT sh VALUE1 VALUE2 ...`, and each placeholder in the template becomes a
//! reference to its parameter, written for the quoting context it stands in:
//!
//! | placeholder in         | becomes      | the shell sees                          |
//! |------------------------|--------------|-----------------------------------------|
//! | a bare word: `{}`      | `"${1}"`     | one word, no splitting or globbing      |
//! | double quotes: `"{}"`  | `${1}`       | the value inside the quoted word        |
//! | single quotes: `'{}'`  | `'"${1}"'`   | quote closed, value, quote reopened     |
//!
//! A parameter expansion is data to the shell: whatever bytes the value holds (quotes, `$`,
//! backquotes, newlines, invalid UTF-8), they are never read as shell syntax. That holds even
//! where the scanner below misjudged the context: the worst a misjudgement can do is show the
//! reference literally, never run the value.
//!
//! Where the shell would read the text a second time or not expand it, a placeholder is
//! refused: inside `$(...)`, `$((...))`, `((...))`, backquotes, `${...}` and here-document
//! bodies. `{}` takes the next value, `{1}`, `{2}`, ... the first, second, ...; one style per
//! template. `{{}}` is a literal `{}` (for `find -exec`), `\{` a literal brace; every other
//! brace (`${HOME}`, `{a,b}`) is left to the shell. The values are also `$1`, `$2`, ... and
//! `"$@"` to the script, and a reference written that way counts as a use. A value nothing
//! refers to is an error.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// The name the script sees as `$0` (and uses in its error messages).
const SCRIPT_NAME: &str = "sh";

/// The argv that runs `template` with `values`: `/bin/sh -c SCRIPT sh VALUE...`.
pub fn shell_argv(template: &OsStr, values: &[OsString]) -> Result<Vec<OsString>, String> {
    let script = render(template.as_bytes(), values.len())?;
    let mut argv = vec![
        OsString::from("/bin/sh"),
        OsString::from("-c"),
        OsString::from_vec(script),
        OsString::from(SCRIPT_NAME),
    ];
    argv.extend(values.iter().cloned());
    Ok(argv)
}

/// The quoting context the scanner is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Unquoted shell text (the top level).
    Bare,
    /// Inside `"..."`.
    Double,
    /// Inside `'...'`.
    Single,
    /// Inside `$'...'` (bash, ksh, zsh; POSIX since 2024): single quotes with backslash escapes.
    DollarSingle,
    /// Inside `$(...)`, `$((...))` or `((...))`: shell text with its own nesting; `depth`
    /// counts the parentheses still open; `what` names it for messages.
    Substitution { depth: usize, what: &'static str },
    /// Inside backquotes.
    Backquote,
    /// Inside `${...}`; `depth` counts the braces still open.
    Parameter { depth: usize },
}

impl Context {
    /// Shell text in which words, comments and here-documents are recognised.
    fn is_code(self) -> bool {
        matches!(self, Context::Bare | Context::Substitution { .. })
    }

    /// Why a placeholder cannot stand here, if it cannot.
    fn refusal(self) -> Option<&'static str> {
        match self {
            Context::Substitution { what, .. } => Some(what),
            Context::Backquote => Some("backquotes"),
            Context::Parameter { .. } => Some("${...}"),
            _ => None,
        }
    }
}

/// A here-document whose body starts at the next newline of shell text.
struct PendingHereDoc {
    delimiter: Vec<u8>,
    strip_tabs: bool,
}

/// Scans `template` with the shell's quoting rules and writes the script, each placeholder
/// replaced by a reference to its positional parameter. `count` values are available.
pub fn render(template: &[u8], count: usize) -> Result<Vec<u8>, String> {
    let mut scanner = Scanner {
        input: template,
        at: 0,
        out: Vec::with_capacity(template.len() + 16),
        stack: vec![Context::Bare],
        here_docs: Vec::new(),
        used: vec![false; count],
        next_auto: 0,
        saw_numbered: false,
    };
    scanner.scan()?;
    if let Some(unused) = scanner.used.iter().position(|used| !used) {
        let n = unused + 1;
        return Err(format!(
            "--arg value {n} is not used by the --shell template; refer to it as {{}}, {{{n}}} or \"${n}\""
        ));
    }
    Ok(scanner.out)
}

struct Scanner<'t> {
    input: &'t [u8],
    at: usize,
    out: Vec<u8>,
    stack: Vec<Context>,
    here_docs: Vec<PendingHereDoc>,
    used: Vec<bool>,
    next_auto: usize,
    saw_numbered: bool,
}

impl<'t> Scanner<'t> {
    fn context(&self) -> Context {
        self.stack.last().copied().unwrap_or(Context::Bare)
    }

    fn rest(&self) -> &'t [u8] {
        &self.input[self.at..]
    }

    /// Copies `n` bytes through unchanged.
    fn copy(&mut self, n: usize) {
        let end = (self.at + n).min(self.input.len());
        self.out.extend_from_slice(&self.input[self.at..end]);
        self.at = end;
    }

    fn scan(&mut self) -> Result<(), String> {
        while self.at < self.input.len() {
            if self.rest().starts_with(b"{{}}") && self.context() != Context::Single {
                self.out.extend_from_slice(b"{}");
                self.at += 4;
                continue;
            }
            if let Some((index, len)) = self.placeholder()? {
                self.substitute(index, len)?;
                continue;
            }
            self.step()?;
        }
        Ok(())
    }

    /// Reads `{}` or `{N}` at the cursor: the 0-based value index and its length in bytes.
    fn placeholder(&mut self) -> Result<Option<(usize, usize)>, String> {
        let rest = self.rest();
        if rest.first() != Some(&b'{') {
            return Ok(None);
        }
        let Some(close) = rest.iter().position(|&b| b == b'}') else {
            return Ok(None);
        };
        let inner = &rest[1..close];
        if !inner.iter().all(u8::is_ascii_digit) {
            return Ok(None);
        }
        let name = String::from_utf8_lossy(&rest[..=close]).into_owned();
        let index = if inner.is_empty() {
            self.next_auto += 1;
            Some(self.next_auto - 1)
        } else {
            self.saw_numbered = true;
            std::str::from_utf8(inner)
                .ok()
                .and_then(|digits| digits.parse::<usize>().ok())
                .and_then(|n| n.checked_sub(1))
        };
        if self.next_auto > 0 && self.saw_numbered {
            return Err("the --shell template mixes {} with {N}; use one style".to_owned());
        }
        match index.filter(|&i| i < self.used.len()) {
            Some(index) => Ok(Some((index, close + 1))),
            None => Err(format!(
                "the --shell template's {name} has no value: {} --arg value(s) given",
                self.used.len()
            )),
        }
    }

    /// Writes the reference to value `index` for the current context, or refuses.
    fn substitute(&mut self, index: usize, len: usize) -> Result<(), String> {
        let name = String::from_utf8_lossy(&self.rest()[..len]).into_owned();
        if let Some(place) = self.stack.iter().rev().find_map(|c| c.refusal()) {
            return Err(refused(&name, place));
        }
        let reference = format!("${{{}}}", index + 1);
        match self.context() {
            Context::Double => self.out.extend_from_slice(reference.as_bytes()),
            Context::Single | Context::DollarSingle => {
                self.out
                    .extend_from_slice(format!("'\"{reference}\"'").as_bytes());
            }
            _ => self
                .out
                .extend_from_slice(format!("\"{reference}\"").as_bytes()),
        }
        self.used[index] = true;
        self.at += len;
        Ok(())
    }

    /// Moves over one piece of shell syntax in the current context.
    fn step(&mut self) -> Result<(), String> {
        let rest = self.rest();
        let byte = rest[0];
        let next = rest.get(1).copied();
        match self.context() {
            Context::Single => self.quoted(byte, b'\'', false),
            Context::DollarSingle => self.quoted(byte, b'\'', true),
            Context::Double => match byte {
                b'$' => self.dollar(),
                b'`' => {
                    self.stack.push(Context::Backquote);
                    self.copy(1);
                }
                _ => self.quoted(byte, b'"', true),
            },
            Context::Backquote => self.quoted(byte, b'`', true),
            Context::Parameter { depth } => match byte {
                b'\\' => self.copy(2),
                b'}' => {
                    self.stack.pop();
                    if depth > 1 {
                        self.stack.push(Context::Parameter { depth: depth - 1 });
                    }
                    self.copy(1);
                }
                b'{' => {
                    self.replace_top(Context::Parameter { depth: depth + 1 });
                    self.copy(1);
                }
                _ => return self.code_byte(byte, next),
            },
            Context::Bare | Context::Substitution { .. } => return self.code_byte(byte, next),
        }
        Ok(())
    }

    /// One byte inside quotes that end at `closer`: copied (with the byte after it, when a
    /// backslash `escapes` it there), leaving the quotes at the closer.
    fn quoted(&mut self, byte: u8, closer: u8, escapes: bool) {
        if escapes && byte == b'\\' {
            self.copy(2);
            return;
        }
        if byte == closer {
            self.stack.pop();
        }
        self.copy(1);
    }

    fn replace_top(&mut self, context: Context) {
        if let Some(top) = self.stack.last_mut() {
            *top = context;
        }
    }

    /// One byte of shell text (top level, or inside `$(...)` or `${...}`).
    fn code_byte(&mut self, byte: u8, next: Option<u8>) -> Result<(), String> {
        match byte {
            b'\\' => self.copy(2),
            b'\'' => {
                self.stack.push(Context::Single);
                self.copy(1);
            }
            b'"' => {
                self.stack.push(Context::Double);
                self.copy(1);
            }
            b'`' => {
                self.stack.push(Context::Backquote);
                self.copy(1);
            }
            b'$' => self.dollar(),
            // `((...))`: arithmetic (bash, ksh), where bash evaluates a variable's text as an
            // expression, `a[$(cmd)]` included.
            b'(' if next == Some(b'(') && self.context() == Context::Bare => {
                self.stack.push(Context::Substitution {
                    depth: 2,
                    what: "((...))",
                });
                self.copy(2);
            }
            b'(' => {
                if let Context::Substitution { depth, what } = self.context() {
                    self.replace_top(Context::Substitution {
                        depth: depth + 1,
                        what,
                    });
                }
                self.copy(1);
            }
            b')' => {
                if let Context::Substitution { depth, what } = self.context() {
                    self.stack.pop();
                    if depth > 1 {
                        self.stack.push(Context::Substitution {
                            depth: depth - 1,
                            what,
                        });
                    }
                }
                self.copy(1);
            }
            b'#' if self.context().is_code() && self.at_word_start() => self.comment(),
            b'<' if self.context().is_code() && next == Some(b'<') => self.here_doc_operator(),
            b'\n' if self.context().is_code() => {
                self.copy(1);
                return self.here_doc_bodies();
            }
            _ => self.copy(1),
        }
        Ok(())
    }

    /// Whether the byte at the cursor starts a word (so `#` begins a comment).
    fn at_word_start(&self) -> bool {
        self.at == 0
            || matches!(
                self.input[self.at - 1],
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
            )
    }

    /// A comment runs to the end of the line; nothing in it is quoting.
    fn comment(&mut self) {
        let len = self
            .rest()
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(self.rest().len());
        self.copy(len);
    }

    /// `$` followed by `(`, `((`, `{`, `'`, a positional parameter, or nothing special.
    fn dollar(&mut self) {
        let rest = self.rest();
        match rest.get(1).copied() {
            Some(b'(') => {
                self.stack.push(Context::Substitution {
                    depth: 1,
                    what: "$(...)",
                });
                self.copy(2);
            }
            Some(b'{') => {
                let digits = rest[2..].iter().take_while(|b| b.is_ascii_digit()).count();
                if digits > 0 && rest.get(2 + digits) == Some(&b'}') {
                    self.use_parameter(&rest[2..2 + digits]);
                }
                self.stack.push(Context::Parameter { depth: 1 });
                self.copy(2);
            }
            Some(b'\'') if self.context() != Context::Double => {
                self.stack.push(Context::DollarSingle);
                self.copy(2);
            }
            Some(digit) if digit.is_ascii_digit() => {
                self.use_parameter(&[digit]);
                self.copy(2);
            }
            Some(b'@' | b'*') => {
                self.used.iter_mut().for_each(|used| *used = true);
                self.copy(2);
            }
            _ => self.copy(1),
        }
    }

    /// `$N` or `${N}` written in the template refers to value N.
    fn use_parameter(&mut self, digits: &[u8]) {
        let index = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1));
        if let Some(used) = index.and_then(|i| self.used.get_mut(i)) {
            *used = true;
        }
    }

    /// `<<WORD` or `<<-WORD` (not bash's `<<<`): remember the delimiter; the body starts at
    /// the next newline.
    fn here_doc_operator(&mut self) {
        let rest = self.rest();
        if rest.get(2) == Some(&b'<') {
            self.copy(3);
            return;
        }
        let strip_tabs = rest.get(2) == Some(&b'-');
        let mut len = if strip_tabs { 3 } else { 2 };
        len += rest[len..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let mut delimiter = Vec::new();
        let mut quote = None;
        while let Some(&b) = rest.get(len) {
            match (quote, b) {
                (None, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')') => {
                    break;
                }
                (None, b'\'' | b'"') => quote = Some(b),
                (Some(q), b) if b == q => quote = None,
                (None, b'\\') => {
                    len += 1;
                    if let Some(&escaped) = rest.get(len) {
                        delimiter.push(escaped);
                    }
                }
                (_, b) => delimiter.push(b),
            }
            len += 1;
        }
        self.here_docs.push(PendingHereDoc {
            delimiter,
            strip_tabs,
        });
        self.copy(len);
    }

    /// Copies the bodies of the pending here-documents, which start here. A placeholder in
    /// one is refused (the body is either not expanded or expanded as text, never as a word);
    /// `{{}}` is still a literal `{}`.
    fn here_doc_bodies(&mut self) -> Result<(), String> {
        for doc in std::mem::take(&mut self.here_docs) {
            while self.at < self.input.len() {
                let rest = self.rest();
                let line_len = rest
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(rest.len(), |i| i + 1);
                let line = &rest[..line_len];
                let text = line.strip_suffix(b"\n").unwrap_or(line);
                let tabs = if doc.strip_tabs {
                    text.iter().take_while(|&&b| b == b'\t').count()
                } else {
                    0
                };
                if &text[tabs..] == doc.delimiter.as_slice() {
                    self.copy(line_len);
                    break;
                }
                let end = self.at + line_len;
                while self.at < end {
                    if self.rest().starts_with(b"{{}}") {
                        self.out.extend_from_slice(b"{}");
                        self.at += 4;
                    } else if let Some((_, len)) = self.placeholder()? {
                        let name = String::from_utf8_lossy(&self.rest()[..len]).into_owned();
                        return Err(refused(&name, "a here-document"));
                    } else {
                        self.copy(1);
                    }
                }
            }
        }
        Ok(())
    }
}

fn refused(name: &str, place: &str) -> String {
    format!(
        "the --shell template puts {name} inside {place}, where the shell would read the value \
         as code or not expand it; assign it first (v={name}; ...) and use \"$v\" there"
    )
}

/// The command as it would be typed into a shell to run it again: each word quoted only where
/// needed, `'...'` for printable text, `$'\n'`-style escapes for control characters and bytes
/// that are not UTF-8 (bash, ksh, zsh and POSIX sh since 2024 read those).
pub fn display_argv<S: AsRef<OsStr>>(argv: &[S]) -> String {
    argv.iter()
        .map(|word| quote_word(word.as_ref().as_bytes()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One word quoted for a shell, as [`display_argv`] does.
pub fn quote_word(word: &[u8]) -> String {
    let plain = |b: &u8| b.is_ascii_alphanumeric() || b"@%+=:,./-_".contains(b);
    if !word.is_empty() && word.iter().all(plain) {
        return String::from_utf8_lossy(word).into_owned();
    }
    if word.is_empty() {
        return "''".to_owned();
    }
    let mut out = String::new();
    let mut quoted = String::new();
    let flush = |quoted: &mut String, out: &mut String| {
        if !quoted.is_empty() {
            out.push('\'');
            out.push_str(&quoted.replace('\'', r"'\''"));
            out.push('\'');
            quoted.clear();
        }
    };
    for chunk in word.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                flush(&mut quoted, &mut out);
                match c {
                    '\n' => out.push_str(r"$'\n'"),
                    '\t' => out.push_str(r"$'\t'"),
                    '\r' => out.push_str(r"$'\r'"),
                    _ => {
                        let mut buf = [0; 4];
                        for b in c.encode_utf8(&mut buf).bytes() {
                            out.push_str(&format!(r"$'\x{b:02x}'"));
                        }
                    }
                }
            } else {
                quoted.push(c);
            }
        }
        if !chunk.invalid().is_empty() {
            flush(&mut quoted, &mut out);
            for b in chunk.invalid() {
                out.push_str(&format!(r"$'\x{b:02x}'"));
            }
        }
    }
    flush(&mut quoted, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn render_str(template: &str, count: usize) -> Result<String, String> {
        render(template.as_bytes(), count).map(|s| String::from_utf8(s).unwrap())
    }

    /// What `sh -c SCRIPT sh VALUES...` prints.
    fn run_sh(template: &[u8], values: &[Vec<u8>]) -> std::process::Output {
        let values: Vec<OsString> = values.iter().cloned().map(OsString::from_vec).collect();
        let argv = shell_argv(OsStr::from_bytes(template), &values).unwrap();
        std::process::Command::new(&argv[0])
            .args(&argv[1..])
            .output()
            .unwrap()
    }

    #[test]
    fn each_context_gets_its_own_reference() {
        assert_eq!(render_str("echo {}", 1).unwrap(), r#"echo "${1}""#);
        assert_eq!(
            render_str(r#"echo "a {} b""#, 1).unwrap(),
            r#"echo "a ${1} b""#
        );
        assert_eq!(
            render_str("echo 'a {} b'", 1).unwrap(),
            r#"echo 'a '"${1}"' b'"#
        );
        assert_eq!(
            render_str("x {2} {1} {2}", 2).unwrap(),
            r#"x "${2}" "${1}" "${2}""#
        );
        assert_eq!(render_str("echo hi", 0).unwrap(), "echo hi");
    }

    #[test]
    fn leaves_other_braces_to_the_shell() {
        assert_eq!(
            render_str("echo ${HOME} {a,b} {x} {} {", 1).unwrap(),
            r#"echo ${HOME} {a,b} {x} "${1}" {"#
        );
        assert_eq!(
            render_str(r"find . -exec echo {{}} {} \;", 1).unwrap(),
            r#"find . -exec echo {} "${1}" \;"#
        );
        assert_eq!(render_str(r"echo \{} {}", 1).unwrap(), r#"echo \{} "${1}""#);
    }

    #[test]
    fn comments_and_escapes_do_not_open_quotes() {
        assert_eq!(
            render_str("echo {} # don't\necho '{}'", 2).unwrap(),
            "echo \"${1}\" # don't\necho ''\"${2}\"''"
        );
        assert_eq!(render_str(r"echo \' {}", 1).unwrap(), r#"echo \' "${1}""#);
        assert_eq!(render_str(r#"echo "\"{}""#, 1).unwrap(), r#"echo "\"${1}""#);
    }

    #[test]
    fn refuses_placeholders_where_the_shell_reads_text_again() {
        for (template, place) in [
            ("echo $(printf %s {})", "$(...)"),
            ("echo \"$(echo '{}')\"", "$(...)"),
            ("echo $(( {} + 1 ))", "$(...)"),
            ("(( {} > 1 )) && echo big", "((...))"),
            ("echo `echo {}`", "backquotes"),
            ("echo \"`echo {}`\"", "backquotes"),
            ("echo ${x:-{}}", "${...}"),
            ("cat <<EOF\n{}\nEOF", "a here-document"),
            ("cat <<'EOF'\nx {} y\nEOF", "a here-document"),
            ("cat <<-EOF\n\t{}\n\tEOF", "a here-document"),
        ] {
            let err = render_str(template, 1).expect_err(template);
            assert!(err.contains(place), "{template}: {err}");
        }
        // After those constructs end, a placeholder is fine again.
        assert!(render_str("echo $(date) {}", 1).is_ok());
        assert!(render_str("(( 1 )) && echo {}", 1).is_ok());
        assert!(render_str("cat <<EOF\nbody {{}}\nEOF\necho {}", 1).is_ok());
        assert!(render_str("echo `date` ${HOME} {}", 1).is_ok());
    }

    #[test]
    fn rejects_mismatched_values() {
        assert!(render_str("{} {}", 1).is_err());
        assert!(render_str("{3}", 1).is_err());
        assert!(render_str("{0}", 1).is_err());
        assert!(render_str("echo", 1).is_err());
        assert!(render_str("{} {1}", 1).is_err());
        assert!(render_str("{99999999999999999999999}", 1).is_err());
    }

    #[test]
    fn positional_references_in_the_template_count_as_uses() {
        assert!(render_str(r#"printf %s "$1""#, 1).is_ok());
        assert!(render_str(r#"printf %s "${2}" {1}"#, 2).is_ok());
        assert!(render_str(r#"printf '%s\n' "$@""#, 3).is_ok());
        assert!(render_str(r#"printf %s "$2""#, 2).is_err());
    }

    #[test]
    fn quotes_words_so_they_paste_back() {
        assert_eq!(quote_word(b"plain/path-1.txt"), "plain/path-1.txt");
        assert_eq!(quote_word(b""), "''");
        assert_eq!(quote_word(b"a b"), "'a b'");
        assert_eq!(quote_word(b"it's"), r"'it'\''s'");
        assert_eq!(quote_word(b"a\nb"), r"'a'$'\n''b'");
        assert_eq!(quote_word(b"\xff\xfex"), r"$'\xff'$'\xfe''x'");
        assert_eq!(
            display_argv(&["sh", "-c", "kill -SEGV $$"]),
            "sh -c 'kill -SEGV $$'"
        );
    }

    fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            3 => prop::sample::select(b"'\"$`\\\n;&|(){}*?[]#~ !<>=%\t".to_vec()),
            1 => 1u8..=255,
        ];
        prop::collection::vec(byte, 0..24)
    }

    proptest! {
        #[test]
        fn render_never_panics(template in prop::collection::vec(any::<u8>(), 0..40), count in 0usize..3) {
            let _ = render(&template, count);
        }

        #[test]
        fn quoted_words_read_back_exactly_in_bash(word in hostile_bytes()) {
            let script = format!("printf %s {}", quote_word(&word));
            let out = std::process::Command::new("bash").arg("-c").arg(&script).output().unwrap();
            prop_assert_eq!(out.stdout, word);
        }

        /// The shell sees exactly the value in every context (the fuzz through the real binary
        /// is in tests/run_cmd.rs).
        #[test]
        fn the_shell_sees_exactly_the_value(value in hostile_bytes()) {
            let template = br#"printf '%s\0' {1} "{1}" '{1}' "x{1}y" 'x{1}y'"#;
            let out = run_sh(template, std::slice::from_ref(&value));
            prop_assert!(out.status.success(), "{:?}", out);
            let mut expected = Vec::new();
            for piece in [&value[..], &value, &value] {
                expected.extend_from_slice(piece);
                expected.push(0);
            }
            for _ in 0..2 {
                expected.push(b'x');
                expected.extend_from_slice(&value);
                expected.extend_from_slice(b"y\0");
            }
            prop_assert_eq!(out.stdout, expected);
        }
    }
}
