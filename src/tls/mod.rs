//! TLS pieces shared by every subcommand that speaks TLS: reading certificates and keys from
//! PEM files ([`pem`]) and the client-side trust rules (CA files, exact certificates,
//! fingerprints, client certificates) with errors that say what to do ([`client`]).

pub mod client;
pub mod pem;
