//! The client-side TLS flags, defined once for every subcommand that connects to a TLS server
//! (sendmail, connect), so that they read, conflict and explain themselves the same everywhere.
//! What they mean is [`super::client`]'s business.

use std::path::PathBuf;

use super::client::{Fingerprint, TrustSettings};

/// `--ca-file`, `--tls-fingerprint`, `--tls-insecure`, `--tls-cert`, `--tls-key`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ClientTlsArgs {
    /// Also trust the certificates in this PEM file (CAs, or the server's own certificate)
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,

    /// Trust exactly the certificate with this SHA-256 fingerprint (AB:CD:..., as msmtp)
    #[arg(long, value_name = "SHA256", conflicts_with_all = ["ca_file", "tls_insecure"])]
    pub tls_fingerprint: Option<Fingerprint>,

    /// Do not verify the server's certificate (warns on every use)
    #[arg(long, conflicts_with = "ca_file")]
    pub tls_insecure: bool,

    /// Client certificate (PEM) to present
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// Private key (PEM) of --tls-cert
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

impl ClientTlsArgs {
    /// Whether any of these flags was given (they only mean something over TLS).
    pub fn any_given(&self) -> bool {
        self.ca_file.is_some()
            || self.tls_fingerprint.is_some()
            || self.tls_insecure
            || self.tls_cert.is_some()
    }

    /// Whether a flag says which server certificates to trust (as opposed to the defaults).
    pub fn chooses_trust(&self) -> bool {
        self.ca_file.is_some() || self.tls_fingerprint.is_some() || self.tls_insecure
    }

    /// The trust settings the flags alone ask for: the platform's roots plus `--ca-file`,
    /// unless pinned or insecure.
    pub fn trust_settings(&self) -> TrustSettings {
        TrustSettings {
            ca_file: self.ca_file.clone(),
            no_system_roots: false,
            fingerprint: self.tls_fingerprint,
            insecure: self.tls_insecure,
            client_cert: self.client_cert(),
        }
    }

    /// The client certificate and its key, when both were given.
    pub fn client_cert(&self) -> Option<(PathBuf, PathBuf)> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
            _ => None,
        }
    }
}
