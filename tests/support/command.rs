//! The `tackle sendmail` command lines both test stages build, so that a test and its twin
//! against another server send the same thing.

/// `sendmail`, then `base` (where and how to connect), then `more`.
pub fn args(base: &[impl AsRef<str>], more: &[&str]) -> Vec<String> {
    let mut all = vec!["sendmail".to_owned()];
    all.extend(base.iter().map(|s| s.as_ref().to_owned()));
    all.extend(more.iter().map(|s| s.to_string()));
    all
}

/// The command line most tests send: `sendmail`, `base`, `--from me@example.org --to
/// you@example.org`, then `more`.
pub fn me_to_you(base: &[impl AsRef<str>], more: &[&str]) -> Vec<String> {
    let mut all = args(
        base,
        &["--from", "me@example.org", "--to", "you@example.org"],
    );
    all.extend(more.iter().map(|s| s.to_string()));
    all
}

/// `sendmail`, `base`, a message from ann@example.org to you@example.org, then `more`.
pub fn ann_to_you(base: &[String], more: &[&str]) -> Vec<String> {
    let mut all = args(
        base,
        &[
            "--from",
            "ann@example.org",
            "--to",
            "you@example.org",
            "--body",
            "x",
        ],
    );
    all.extend(more.iter().map(|s| s.to_string()));
    all
}
