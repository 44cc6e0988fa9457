//! The `tackle` binary: parse the command line, set up logging, run one subcommand and turn
//! its result into an exit status. Everything else lives in the library crate.

fn main() {
    let args = tackle::cli::with_personality(std::env::args_os().collect());
    let cli = match tackle::cli::parse(&args) {
        Ok(cli) => cli,
        Err(err) => tackle::cli::exit_on_parse_error(err, &args),
    };
    tackle::logging::init(cli.global.log_settings());
    let name = cli.command.name();
    let result = cli.command.run();
    std::process::exit(tackle::exit::status_of(name, result));
}
