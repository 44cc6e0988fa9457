//! TLS pieces shared by every subcommand that speaks TLS: reading certificates and keys from
//! PEM files ([`pem`]) and naming a certificate's subject ([`subject`]). Client-side trust
//! rules (CA files, exact pinning, fingerprints) and the server-side stream layer
//! (`net::tls`) build on these.

pub mod pem;
pub mod subject;
