//! Shell completions and man pages, generated from the clap definition.
//!
//! `tackle generate DIR` writes `DIR/completions/*` and `DIR/man/*.1`. The checked-in copies at
//! the repository root are made with `cargo run -- generate .`, and a test fails when they
//! differ from what the current definition produces.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap_complete::Shell;

/// Arguments of the hidden `generate` subcommand.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write `completions/` and `man/` into
    pub dir: PathBuf,
}

/// Writes every generated file under `args.dir`.
pub fn run(args: Args) -> anyhow::Result<()> {
    for (relative, contents) in generated_files()? {
        let path = args.dir.join(&relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))?;
        tracing::info!("wrote {}", path.display());
    }
    Ok(())
}

/// Every generated file as (path relative to the repository root, contents).
pub fn generated_files() -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = completion_files();
    files.extend(man_pages()?);
    Ok(files)
}

fn completion_files() -> Vec<(PathBuf, Vec<u8>)> {
    let shells = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ];
    shells
        .into_iter()
        .map(|shell| {
            let mut cmd = crate::cli::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "tackle", &mut out);
            let name = clap_complete::Generator::file_name(&shell, "tackle");
            (Path::new("completions").join(name), out)
        })
        .collect()
}

fn man_pages() -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut top = crate::cli::command();
    top.build();
    // clap's `help` subcommand has no page of its own: listing `tackle-help(1)` would point
    // to nothing (`tackle help SUBCOMMAND` is `tackle SUBCOMMAND --help`).
    let top_page = top.clone().mut_subcommand("help", |help| help.hide(true));
    let mut pages = vec![(PathBuf::from("man/tackle.1"), render_man(top_page)?)];
    for sub in top
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = format!("tackle-{}", sub.get_name());
        let page = render_man(sub.clone().name(name.clone()))?;
        pages.push((Path::new("man").join(format!("{name}.1")), page));
    }
    Ok(pages)
}

fn render_man(cmd: clap::Command) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut out)
        .context("cannot render man page")?;
    Ok(out)
}
