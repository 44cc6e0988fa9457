//! `--shell TEMPLATE --arg VALUE`: the recipe's `safe()` (`shlex.quote` before `shell=True`)
//! built in.
//!
//! In the template, `{}` takes the next `--arg` value and `{1}`, `{2}`, ... take the first,
//! second, ... value (one style per template, as in Python's `str.format`). Each value is
//! shell-quoted before it is put in, so `--shell 'du -sh {}' --arg '/dev/null; ls -l /tmp'` runs
//! `du` on a file of that odd name and nothing else. `{{}}` writes a literal `{}` (for
//! `find -exec`); every other brace (`${HOME}`, `{a,b}`) is left for the shell.

use std::ffi::OsStr;

/// Renders `template` with each placeholder replaced by the matching quoted value.
pub fn render(template: &str, values: &[String]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut used = vec![false; values.len()];
    // `{}` placeholders seen so far, which is also the index of the next one's value.
    let mut next_auto = 0usize;
    let mut saw_numbered = false;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let at = &rest[open..];
        if let Some(after) = at.strip_prefix("{{}}") {
            out.push_str("{}");
            rest = after;
            continue;
        }
        let Some((index, name, after)) = placeholder(at, &mut next_auto, &mut saw_numbered) else {
            out.push('{');
            rest = &at[1..];
            continue;
        };
        if next_auto > 0 && saw_numbered {
            return Err("the --shell template mixes {} with {N}; use one style".to_owned());
        }
        let (index, value) = index
            .and_then(|i| values.get(i).map(|value| (i, value)))
            .ok_or_else(|| {
                format!(
                    "the --shell template's {name} has no value: {} --arg value(s) given",
                    values.len()
                )
            })?;
        used[index] = true;
        out.push_str(&shell_quote(value));
        rest = after;
    }
    out.push_str(rest);
    if let Some(unused) = used.iter().position(|u| !u) {
        return Err(format!(
            "--arg value {} ({:?}) is not used by the --shell template; refer to it as {{}} or {{{}}}",
            unused + 1,
            values[unused],
            unused + 1
        ));
    }
    Ok(out)
}

/// Reads `{}` or `{N}` at the start of `text`: the 0-based value index (`None` for `{0}` or a
/// number too large to name a value), the placeholder as written, and the text after it.
fn placeholder<'t>(
    text: &'t str,
    next_auto: &mut usize,
    saw_numbered: &mut bool,
) -> Option<(Option<usize>, &'t str, &'t str)> {
    let close = text.find('}')?;
    let (name, after) = (&text[..=close], &text[close + 1..]);
    let inner = &name[1..name.len() - 1];
    if inner.is_empty() {
        *next_auto += 1;
        return Some((Some(*next_auto - 1), name, after));
    }
    if !inner.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    *saw_numbered = true;
    let index = inner.parse::<usize>().ok().and_then(|n| n.checked_sub(1));
    Some((index, name, after))
}

/// Quotes `word` for a POSIX shell, like Python's `shlex.quote`: plain words stay as they
/// are, anything else goes in single quotes with embedded quotes written as `'"'"'`.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@%+=:,./-_".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r#"'"'"'"#))
    }
}

/// The command as a person would type it, for messages: words quoted only where needed.
pub fn display_argv<S: AsRef<OsStr>>(argv: &[S]) -> String {
    argv.iter()
        .map(|word| shell_quote(&word.as_ref().to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn quotes_like_shlex() {
        assert_eq!(shell_quote("plain/path-1.txt"), "plain/path-1.txt");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r#"'it'"'"'s'"#);
        assert_eq!(
            shell_quote("/dev/null; ls -l /tmp"),
            "'/dev/null; ls -l /tmp'"
        );
    }

    #[test]
    fn fills_automatic_and_numbered_placeholders() {
        let values = strings(&["a b", "c"]);
        assert_eq!(render("x {} {}", &values), Ok("x 'a b' c".to_owned()));
        assert_eq!(render("{2} {1} {2}", &values), Ok("c 'a b' c".to_owned()));
        assert_eq!(render("echo hi", &[]), Ok("echo hi".to_owned()));
    }

    #[test]
    fn leaves_other_braces_to_the_shell() {
        let values = strings(&["v"]);
        assert_eq!(
            render("echo ${HOME} {a,b} {x} {} {", &values),
            Ok("echo ${HOME} {a,b} {x} v {".to_owned())
        );
        assert_eq!(
            render("find . -exec echo {{}} {} \\;", &values),
            Ok("find . -exec echo {} v \\;".to_owned())
        );
    }

    #[test]
    fn rejects_mismatched_values() {
        assert!(render("{} {}", &strings(&["a"])).is_err());
        assert!(render("{3}", &strings(&["a"])).is_err());
        assert!(render("{0}", &strings(&["a"])).is_err());
        assert!(render("echo", &strings(&["a"])).is_err());
        assert!(render("{} {1}", &strings(&["a"])).is_err());
        assert!(render("{99999999999999999999999}", &strings(&["a"])).is_err());
    }

    #[test]
    fn displays_argv_quoted_where_needed() {
        assert_eq!(display_argv(&["ls", "-l", "my dir"]), "ls -l 'my dir'");
    }

    proptest! {
        #[test]
        fn render_never_panics(template in ".{0,30}", values in prop::collection::vec(".{0,5}", 0..3)) {
            let _ = render(&template, &values);
        }

        /// The real test of the quoting: a shell given the rendered command sees exactly the
        /// value, whatever it contains.
        #[test]
        fn the_shell_sees_exactly_the_value(value in "[^\u{0}]{0,40}") {
            let command = render("printf %s {}", std::slice::from_ref(&value)).unwrap();
            let out = std::process::Command::new("/bin/sh").arg("-c").arg(&command).output().unwrap();
            prop_assert!(out.status.success(), "{command}: {out:?}");
            prop_assert_eq!(String::from_utf8_lossy(&out.stdout), value);
        }
    }
}
