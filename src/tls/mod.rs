//! TLS pieces shared by every subcommand that speaks TLS: reading certificates and keys from
//! PEM files ([`pem`]). Client-side trust rules (CA files, exact pinning, fingerprints) and the
//! server-side stream layer build on these.

pub mod pem;
