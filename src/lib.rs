//! tackle: classic Python networking and scripting recipes grown into one dependable CLI.
//!
//! The binary in `main.rs` is a thin shell over this crate: [`cli`] defines the command line,
//! [`cmd`] holds one module per subcommand, [`exit`] maps results to exit statuses and
//! [`logging`] sets up stderr logging. Shared domain code lives in its own named modules.

pub mod cidr;
pub mod cli;
pub mod cmd;
pub mod daytime;
pub mod duration;
pub mod exit;
pub mod generate;
pub mod logging;
pub mod mail;
pub mod net;
pub mod process;
pub mod reactor;
pub mod secret;
pub mod size;
pub mod tabular;
pub mod tls;
