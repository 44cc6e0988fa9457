//! Client-side TLS trust, for every subcommand that connects to a TLS server (sendmail today,
//! `connect` next): which certificates are trusted and what to tell the user when the server's
//! is not.
//!
//! The rules, in order:
//! - `--tls-fingerprint SHA256` pins exactly one certificate: the server's end-entity
//!   certificate must have this SHA-256 digest; nothing else is checked or trusted (msmtp's
//!   `tls_fingerprint`).
//! - `--tls-insecure` trusts any certificate (the caller warns every time).
//! - Otherwise the chain must lead to the platform's roots or to a certificate in
//!   `--ca-file`, and the name must match. A certificate in `--ca-file` that is byte for byte
//!   the one the server presents is trusted as it is, even when it says `CA:TRUE` (what
//!   `openssl req -x509` makes): its name must still match.
//! - `--tls-cert`/`--tls-key` present a client certificate.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_name};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::server::ParsedCertificate;
use rustls::{
    AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore,
    SignatureScheme,
};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};

use super::pem;

/// A SHA-256 certificate fingerprint, written as msmtp prints and reads it: 32 bytes in
/// upper-case hex separated by colons.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER certificate.
    pub fn of(cert: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(cert).into())
    }
}

impl std::str::FromStr for Fingerprint {
    type Err = String;

    /// `AB:CD:...` (32 pairs); colons may be left out, case does not matter.
    fn from_str(text: &str) -> Result<Fingerprint, String> {
        let hex: String = text.chars().filter(|&c| c != ':').collect();
        let bad = || {
            format!(
                "{text:?} is not a SHA-256 fingerprint (64 hex digits, colons allowed: AB:CD:...; `openssl x509 -noout -fingerprint -sha256 -in cert.pem` prints one)"
            )
        };
        if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Fingerprint(bytes))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex: Vec<String> = self.0.iter().map(|b| format!("{b:02X}")).collect();
        f.write_str(&hex.join(":"))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// What to trust and who we are, as the user gave it.
#[derive(Debug, Clone, Default)]
pub struct TrustSettings {
    /// PEM certificates trusted in addition to the platform's roots (CAs, or the server's own
    /// certificate, which is then trusted exactly).
    pub ca_file: Option<PathBuf>,
    /// Leave out the platform's roots (msmtp's `tls_trust_file` naming a file).
    pub no_system_roots: bool,
    /// Trust exactly the certificate with this digest.
    pub fingerprint: Option<Fingerprint>,
    /// Trust any certificate.
    pub insecure: bool,
    /// A client certificate chain and its key.
    pub client_cert: Option<(PathBuf, PathBuf)>,
}

/// A client configuration and the verifier behind it, which remembers the certificate the
/// server presented so that an error can name its fingerprint.
#[derive(Clone)]
pub struct ClientTrust {
    pub config: Arc<ClientConfig>,
    verifier: Arc<Verifier>,
}

impl ClientTrust {
    /// The fingerprint of the certificate the server presented, once it has.
    pub fn presented(&self) -> Option<Fingerprint> {
        self.verifier
            .presented
            .lock()
            .ok()
            .and_then(|presented| *presented)
    }
}

/// Why a client configuration could not be built: the sentence says what to fix.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SetupError(pub String);

/// Builds the client configuration `settings` ask for (ring provider, TLS 1.2 and 1.3).
pub fn client_config(settings: &TrustSettings) -> Result<ClientTrust, SetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut exact = Vec::new();
    let mut roots = RootCertStore::empty();
    if let Some(path) = &settings.ca_file {
        let certs =
            pem::load_certificates(path).map_err(|e| SetupError(format!("--ca-file {e:#}")))?;
        for cert in certs {
            // A certificate webpki cannot take as an anchor is still trusted exactly.
            let _ = roots.add(cert.clone());
            exact.push(cert);
        }
    }
    let wants_roots = settings.fingerprint.is_none() && !settings.insecure;
    if wants_roots && !settings.no_system_roots {
        let found = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(found.certs);
    }
    let chain = if wants_roots {
        if roots.is_empty() {
            return Err(SetupError(
                "no trusted certificates: the system has no CA certificates (install the ca-certificates package) and no --ca-file was given".into(),
            ));
        }
        Some(
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| SetupError(format!("cannot use the trusted certificates: {e}")))?,
        )
    } else {
        None
    };
    let policy = match (settings.fingerprint, settings.insecure) {
        (Some(fingerprint), _) => Policy::Pinned(fingerprint),
        (None, true) => Policy::Anything,
        (None, false) => Policy::Chain,
    };
    let verifier = Arc::new(Verifier {
        policy,
        exact,
        chain,
        algorithms: provider.signature_verification_algorithms,
        presented: Mutex::new(None),
    });
    let builder = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| SetupError(format!("cannot set up TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone());
    let config = match &settings.client_cert {
        Some((cert, key)) => {
            let chain = pem::load_certificates(cert)
                .map_err(|e| SetupError(format!("--tls-cert {e:#}")))?;
            let key =
                pem::load_private_key(key).map_err(|e| SetupError(format!("--tls-key {e:#}")))?;
            builder.with_client_auth_cert(chain, key).map_err(|e| {
                SetupError(format!(
                    "--tls-cert and --tls-key do not go together: {}",
                    describe(&e)
                ))
            })?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(ClientTrust {
        config: Arc::new(config),
        verifier,
    })
}

/// Which certificates the verifier accepts.
#[derive(Debug)]
enum Policy {
    Pinned(Fingerprint),
    Anything,
    Chain,
}

#[derive(Debug)]
struct Verifier {
    policy: Policy,
    /// Certificates from `--ca-file`, trusted when the server presents one of them exactly.
    exact: Vec<CertificateDer<'static>>,
    chain: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
    presented: Mutex<Option<Fingerprint>>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let fingerprint = Fingerprint::of(end_entity);
        if let Ok(mut presented) = self.presented.lock() {
            *presented = Some(fingerprint);
        }
        match (&self.policy, &self.chain) {
            (Policy::Pinned(pinned), _) if *pinned == fingerprint => {
                Ok(ServerCertVerified::assertion())
            }
            (Policy::Pinned(_), _) => Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            )),
            (Policy::Anything, _) => Ok(ServerCertVerified::assertion()),
            (Policy::Chain, _) if self.exact.iter().any(|c| c.as_ref() == end_entity.as_ref()) => {
                let parsed = ParsedCertificate::try_from(end_entity)?;
                verify_server_name(&parsed, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            (Policy::Chain, Some(chain)) => {
                chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            (Policy::Chain, None) => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A sentence saying what went wrong in a TLS handshake with `server` and what to do about
/// it: no Rust debug values, the presented certificate's fingerprint when there was one.
pub fn explain(err: &rustls::Error, server: &str, trust: &ClientTrust) -> String {
    let presented = trust.presented();
    let pin_hint = |fp: Option<Fingerprint>| {
        match fp {
        Some(fp) => format!(
            "give the CA's certificate with --ca-file, or trust exactly this certificate with --tls-fingerprint {fp}"
        ),
        None => "give the CA's certificate with --ca-file, or trust exactly the server's certificate with --tls-fingerprint".to_owned(),
    }
    };
    match err {
        rustls::Error::InvalidCertificate(cert_err) => match cert_err {
            CertificateError::ApplicationVerificationFailure => {
                match (&trust.verifier.policy, presented) {
                    (Policy::Pinned(pinned), Some(fp)) => format!(
                        "the certificate of {server} has the SHA-256 fingerprint {fp}, not the one given with --tls-fingerprint ({pinned}); if the server's certificate changed on purpose, pin the new one"
                    ),
                    _ => format!("the certificate of {server} was refused by the pinning rules"),
                }
            }
            CertificateError::UnknownIssuer => format!(
                "the certificate of {server} is not signed by a CA tackle trusts (neither the system's nor --ca-file); {}",
                pin_hint(presented)
            ),
            CertificateError::Other(other) => {
                explain_webpki(&other.to_string(), server, &pin_hint(presented))
            }
            CertificateError::NotValidForName => format!(
                "the certificate of {server} is not issued for that name; connect by a name the certificate lists, or pin it with --tls-fingerprint"
            ),
            CertificateError::NotValidForNameContext {
                presented: names, ..
            } => format!(
                "the certificate of {server} is issued for {}, not for {server}; connect by one of those names, or pin it with --tls-fingerprint",
                if names.is_empty() {
                    "no names at all".to_owned()
                } else {
                    names.join(", ")
                }
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => format!(
                "the certificate of {server} has expired (or this machine's clock is wrong); the server must renew it"
            ),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                format!("the certificate of {server} is not valid yet (check this machine's clock)")
            }
            CertificateError::Revoked => format!("the certificate of {server} has been revoked"),
            CertificateError::BadSignature => {
                format!("the certificate of {server} carries a signature that does not verify")
            }
            CertificateError::BadEncoding => format!("the certificate of {server} is malformed"),
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                format!("the certificate of {server} is not meant for a TLS server")
            }
            CertificateError::UnhandledCriticalExtension => {
                explain_webpki("UnsupportedCriticalExtension", server, &pin_hint(presented))
            }
            #[allow(deprecated)]
            CertificateError::UnsupportedSignatureAlgorithm
            | CertificateError::UnsupportedSignatureAlgorithmContext { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => format!(
                "the certificate of {server} (or a CA certificate in its chain) is signed with an algorithm tackle does not accept, such as SHA-1 or DSA (tackle takes RSA with SHA-256 or better, ECDSA P-256 or P-384, Ed25519); the server needs a new certificate, or trust exactly this one with --tls-fingerprint{}",
                presented.map(|fp| format!(" {fp}")).unwrap_or_default()
            ),
            CertificateError::UnknownRevocationStatus
            | CertificateError::ExpiredRevocationList
            | CertificateError::ExpiredRevocationListContext { .. }
            | CertificateError::InvalidOcspResponse => format!(
                "the revocation status of the certificate of {server} could not be established"
            ),
            other => format!(
                "the certificate of {server} was refused{}",
                in_words(other)
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default()
            ),
        },
        rustls::Error::AlertReceived(alert) => match alert {
            AlertDescription::CertificateRequired | AlertDescription::HandshakeFailure
                if trust.config.client_auth_cert_resolver.has_certs() =>
            {
                format!(
                    "{server} ended the handshake ({}); it may not accept the client certificate given with --tls-cert",
                    alert_name(*alert)
                )
            }
            AlertDescription::CertificateRequired => format!(
                "{server} requires a client certificate: give one with --tls-cert and --tls-key"
            ),
            AlertDescription::ProtocolVersion | AlertDescription::HandshakeFailure => format!(
                "{server} and tackle have no TLS version or cipher in common ({}; tackle speaks TLS 1.2 and 1.3)",
                alert_name(*alert)
            ),
            other => format!(
                "{server} ended the handshake with the alert {}",
                alert_name(*other)
            ),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => format!(
            "{server} did not answer in TLS (is this a plain-text port? port 465 speaks TLS from the first byte, 587 and 25 use STARTTLS)"
        ),
        // Our own ClientHello came back: the port echoes what it gets.
        rustls::Error::InappropriateHandshakeMessage {
            got_type: rustls::HandshakeType::ClientHello,
            ..
        } => format!(
            "{server} sent back our own TLS greeting: it echoes what it receives, so it is a plain-text port (an echo server?), not TLS"
        ),
        rustls::Error::NoCertificatesPresented => format!("{server} presented no certificate"),
        rustls::Error::PeerIncompatible(_) => format!(
            "{server} and tackle have no TLS version or cipher in common (tackle speaks TLS 1.2 and 1.3)"
        ),
        other => describe(other),
    }
}

/// A certificate error webpki reports as "other": its name, a sentence, and what to do.
fn explain_webpki(name: &str, server: &str, pin_hint: &str) -> String {
    match name {
        "CaUsedAsEndEntity" => format!(
            "{server} presented a CA certificate as its own and it is not in --ca-file; put exactly that certificate in --ca-file or {pin_hint}"
        ),
        "EndEntityUsedAsCa" => {
            format!("the chain of {server} uses a server certificate as a CA; {pin_hint}")
        }
        "NameConstraintViolation" => format!(
            "the CA that signed the certificate of {server} may not issue certificates for that name (name constraints)"
        ),
        "PathLenConstraintViolated" | "MaximumPathDepthExceeded" => {
            format!("the certificate chain of {server} is longer than its CAs allow")
        }
        "UnsupportedCriticalExtension" => format!(
            "the certificate of {server} has a critical extension tackle does not understand, so it cannot be checked; {pin_hint}"
        ),
        "UnsupportedCertVersion" => {
            format!("the certificate of {server} is not an X.509 version 3 certificate; {pin_hint}")
        }
        "RequiredEkuNotFound" => {
            format!("the certificate of {server} is not meant for a TLS server")
        }
        other => format!(
            "the certificate of {server} was refused{}",
            words_of_name(other)
                .map(|w| format!(" ({w})"))
                .unwrap_or_default()
        ),
    }
}

/// `TLSv1.3, TLS13_AES_256_GCM_SHA384`: the version and cipher suite a session agreed on, for
/// log lines.
pub fn session_summary(state: &rustls::CommonState) -> String {
    let version = state
        .protocol_version()
        .and_then(|v| v.as_str())
        .unwrap_or("TLS");
    let suite = state
        .negotiated_cipher_suite()
        .and_then(|s| s.suite().as_str())
        .unwrap_or("unknown cipher");
    format!("{version}, {suite}")
}

/// A sentence for a rustls error that the cases above do not name: never a Rust debug value.
fn describe(err: &rustls::Error) -> String {
    match err {
        rustls::Error::InappropriateHandshakeMessage { .. } => {
            "the server sent TLS handshake messages out of order".into()
        }
        rustls::Error::PeerMisbehaved(why) => format!(
            "the server broke the rules of TLS{}",
            in_words(why).map(|w| format!(" ({w})")).unwrap_or_default()
        ),
        rustls::Error::DecryptError => {
            "what the server sent does not decrypt; the connection was broken or tampered with"
                .into()
        }
        rustls::Error::PeerSentOversizedRecord => {
            "the server sent a TLS record bigger than TLS allows".into()
        }
        rustls::Error::InconsistentKeys(_) => {
            "the private key is not the key of the certificate".into()
        }
        rustls::Error::InvalidCertificate(_) => "the certificate was refused".into(),
        rustls::Error::General(text) => text.clone(),
        rustls::Error::Other(other) => other.to_string(),
        other => in_words(other).unwrap_or_else(|| "an error in the TLS layer".into()),
    }
}

/// An enum value without data as lower-case words (`DecryptError` → `decrypt error`); `None`
/// when its Debug form carries data, which is never shown.
fn in_words(value: &impl fmt::Debug) -> Option<String> {
    words_of_name(&format!("{value:?}"))
}

/// `CaUsedAsEndEntity` → `ca used as end entity`; `None` for anything but a bare name.
fn words_of_name(name: &str) -> Option<String> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(split_name(name, ' '))
}

fn split_name(name: &str, separator: char) -> String {
    let mut words = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            words.push(separator);
        }
        words.push(c.to_ascii_lowercase());
    }
    words
}

/// An alert as its RFC 8446 name (`handshake_failure`).
fn alert_name(alert: AlertDescription) -> String {
    let debug = format!("{alert:?}");
    if debug.starts_with("Unknown") || debug.contains('(') {
        return format!("number {}", u8::from(alert));
    }
    split_name(&debug, '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fingerprints_read_and_print_as_msmtp_does() {
        let digest = Fingerprint::of(b"certificate");
        let text = digest.to_string();
        assert_eq!(text.len(), 95);
        assert_eq!(text.parse::<Fingerprint>().unwrap(), digest);
        assert_eq!(
            text.replace(':', "")
                .to_lowercase()
                .parse::<Fingerprint>()
                .unwrap(),
            digest
        );
        assert!("AB:CD".parse::<Fingerprint>().is_err());
        assert!("zz".repeat(32).parse::<Fingerprint>().is_err());
    }

    #[test]
    fn alerts_get_their_rfc_names() {
        assert_eq!(
            alert_name(AlertDescription::HandshakeFailure),
            "handshake_failure"
        );
        assert_eq!(alert_name(AlertDescription::Unknown(200)), "number 200");
    }

    /// No Rust debug value: no braces, brackets, paths or CamelCase words.
    fn assert_plain(text: &str) {
        assert!(
            !text.contains(['{', '}', '[', ']']) && !text.contains("::"),
            "{text}"
        );
        for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            let camel = word
                .as_bytes()
                .windows(2)
                .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
            assert!(!camel, "{word:?} in {text}");
        }
    }

    #[test]
    fn every_tls_error_is_explained_without_debug_values() {
        use rustls::{
            CertRevocationListError, EncryptedClientHelloError, ExtendedKeyPurpose,
            InconsistentKeys, InvalidMessage, OtherError, PeerIncompatible, PeerMisbehaved,
        };
        let trust = client_config(&TrustSettings {
            ca_file: None,
            no_system_roots: true,
            fingerprint: None,
            insecure: true,
            client_cert: None,
        })
        .expect("config");
        let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_700_000_000));
        let other = |text: &str| OtherError(Arc::new(std::io::Error::other(text.to_owned())));
        #[allow(deprecated)]
        let certificate_errors = vec![
            CertificateError::BadEncoding,
            CertificateError::Expired,
            CertificateError::ExpiredContext {
                time,
                not_after: time,
            },
            CertificateError::NotValidYet,
            CertificateError::NotValidYetContext {
                time,
                not_before: time,
            },
            CertificateError::Revoked,
            CertificateError::UnhandledCriticalExtension,
            CertificateError::UnknownIssuer,
            CertificateError::UnknownRevocationStatus,
            CertificateError::ExpiredRevocationList,
            CertificateError::ExpiredRevocationListContext {
                time,
                next_update: time,
            },
            CertificateError::BadSignature,
            CertificateError::UnsupportedSignatureAlgorithm,
            CertificateError::UnsupportedSignatureAlgorithmContext {
                signature_algorithm_id: vec![6, 9, 42],
                supported_algorithms: vec![],
            },
            CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext {
                signature_algorithm_id: vec![6, 9, 42],
                public_key_algorithm_id: vec![6, 7],
            },
            CertificateError::NotValidForName,
            CertificateError::NotValidForNameContext {
                expected: ServerName::try_from("mx.example.org").expect("name"),
                presented: vec!["other.example.org".into()],
            },
            CertificateError::InvalidPurpose,
            CertificateError::InvalidPurposeContext {
                required: ExtendedKeyPurpose::ServerAuth,
                presented: vec![ExtendedKeyPurpose::ClientAuth],
            },
            CertificateError::InvalidOcspResponse,
            CertificateError::ApplicationVerificationFailure,
            CertificateError::Other(other("CaUsedAsEndEntity")),
            CertificateError::Other(other("EndEntityUsedAsCa")),
            CertificateError::Other(other("NameConstraintViolation")),
            CertificateError::Other(other("UnsupportedCriticalExtension")),
            CertificateError::Other(other("SomethingNewInWebpki")),
            CertificateError::Other(other("Weird { data: [1, 2] }")),
        ];
        let mut errors: Vec<rustls::Error> = certificate_errors
            .into_iter()
            .map(rustls::Error::InvalidCertificate)
            .collect();
        errors.extend([
            rustls::Error::InappropriateMessage {
                expect_types: vec![rustls::ContentType::Handshake],
                got_type: rustls::ContentType::ApplicationData,
            },
            rustls::Error::InappropriateHandshakeMessage {
                expect_types: vec![rustls::HandshakeType::ServerHello],
                got_type: rustls::HandshakeType::Finished,
            },
            rustls::Error::InappropriateHandshakeMessage {
                expect_types: vec![rustls::HandshakeType::ServerHello],
                got_type: rustls::HandshakeType::ClientHello,
            },
            rustls::Error::InvalidEncryptedClientHello(
                EncryptedClientHelloError::InvalidConfigList,
            ),
            rustls::Error::InvalidMessage(InvalidMessage::InvalidContentType),
            rustls::Error::NoCertificatesPresented,
            rustls::Error::UnsupportedNameType,
            rustls::Error::DecryptError,
            rustls::Error::EncryptError,
            rustls::Error::PeerIncompatible(PeerIncompatible::NoCipherSuitesInCommon),
            rustls::Error::PeerMisbehaved(PeerMisbehaved::IllegalMiddleboxChangeCipherSpec),
            rustls::Error::AlertReceived(AlertDescription::BadCertificate),
            rustls::Error::AlertReceived(AlertDescription::Unknown(250)),
            rustls::Error::InvalidCertRevocationList(CertRevocationListError::BadSignature),
            rustls::Error::General("something went wrong".into()),
            rustls::Error::FailedToGetCurrentTime,
            rustls::Error::FailedToGetRandomBytes,
            rustls::Error::HandshakeNotComplete,
            rustls::Error::PeerSentOversizedRecord,
            rustls::Error::NoApplicationProtocol,
            rustls::Error::BadMaxFragmentSize,
            rustls::Error::InconsistentKeys(InconsistentKeys::KeyMismatch),
            rustls::Error::Other(other("a sentence from elsewhere")),
        ]);
        for err in &errors {
            let text = explain(err, "mx.example.org", &trust);
            assert_plain(&text);
            assert!(!text.is_empty());
        }
        assert!(
            explain(&errors[6], "mx.example.org", &trust).contains("critical extension"),
            "the explanations are not the ones meant"
        );
    }

    proptest! {
        #[test]
        fn fingerprint_parsing_never_panics(text in "\\PC{0,100}") {
            let _ = text.parse::<Fingerprint>();
        }
    }
}
