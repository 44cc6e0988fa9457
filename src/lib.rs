//! tackle: classic Python networking and scripting recipes grown into one dependable CLI.
//!
//! The binary in `main.rs` is a thin shell over this crate: [`cli`] defines the command line,
//! [`cmd`] holds one module per subcommand, [`exit`] maps results to exit statuses and
//! [`logging`] sets up stderr logging. Shared domain code lives in its own named modules.
//!
//! Linux only: process supervision needs `pidfd_open` and `/proc`, pipes `F_SETPIPE_SZ`,
//! buffers `MADV_POPULATE_WRITE`. Other systems fail here, at build time, rather than later
//! in some subcommand.

#[cfg(not(target_os = "linux"))]
compile_error!(
    "tackle runs on Linux only (it uses pidfd_open, F_SETPIPE_SZ, MADV_POPULATE_WRITE and /proc)"
);

pub mod cidr;
pub mod cli;
pub mod cmd;
pub mod connect;
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
