//! TLS pieces shared by every subcommand that speaks TLS: reading certificates and keys from
//! PEM files ([`pem`]), the client-side trust rules (CA files, exact certificates,
//! fingerprints, client certificates) with errors that say what to do ([`client`]) and the
//! flags that choose them ([`args`]), and naming a certificate's subject for log lines
//! ([`subject`]). The servers' TLS stream layer
//! (`net::tls`) builds on these.

pub mod args;
pub mod client;
pub mod pem;
pub mod subject;
