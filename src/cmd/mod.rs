//! One module per subcommand. Each owns its clap `Args` (with examples in its help) and a
//! `run(args)` that validates the arguments once and hands off to the domain code.

pub mod cidr_expand;
pub mod connect;
pub mod csv_convert;
pub mod run_cmd;
pub mod sendmail;
pub mod serve_echo;
pub mod serve_time;
