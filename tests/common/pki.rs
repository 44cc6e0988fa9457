//! Certificates for the TLS tests, made at test time: a test CA (rcgen) and the certificates it
//! signs, a self-signed certificate marked CA:TRUE as `openssl req -x509` makes them, and (for
//! the interop stage) one made by `openssl req -x509` itself.

use std::path::Path;
use std::process::{Command, Stdio};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

/// A certificate and its private key, both PEM.
pub type Pair = (String, String);

/// A test certificate authority.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl TestCa {
    /// A new CA with this common name.
    pub fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().expect("CA key");
        TestCa {
            issuer: CertifiedIssuer::self_signed(params, key).expect("CA certificate"),
        }
    }

    /// The CA's certificate, PEM.
    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A certificate for `names` (DNS names or addresses) with this common name, signed by
    /// the CA.
    pub fn leaf(&self, names: &[&str], common_name: &str) -> Pair {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).expect("leaf params");
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        let key = KeyPair::generate().expect("leaf key");
        let cert = params.signed_by(&key, &self.issuer).expect("sign");
        (cert.pem(), key.serialize_pem())
    }

    /// Writes ca.pem, a server certificate for localhost and 127.0.0.1 (server.pem,
    /// server-key.pem) and a client certificate named `client_name` (client.pem,
    /// client-key.pem) into `dir`.
    pub fn write_files(&self, dir: &Path, client_name: &str) {
        let server = self.leaf(&["localhost", "127.0.0.1"], "localhost");
        let client = self.leaf(&["client"], client_name);
        for (name, contents) in [
            ("ca.pem", self.pem()),
            ("server.pem", server.0),
            ("server-key.pem", server.1),
            ("client.pem", client.0),
            ("client-key.pem", client.1),
        ] {
            std::fs::write(dir.join(name), contents).expect("write a PEM file");
        }
    }
}

/// A self-signed certificate for localhost and 127.0.0.1 marked CA:TRUE, as `openssl req
/// -x509` makes them.
pub fn self_signed_ca_certificate() -> Pair {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let mut params = CertificateParams::new(names).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let key = KeyPair::generate().expect("key");
    let cert = params.self_signed(&key).expect("self-sign");
    (cert.pem(), key.serialize_pem())
}

/// Runs `openssl req -x509` in `dir`: a self-signed certificate for localhost and 127.0.0.1
/// as cert.pem and its key as key.pem.
pub fn openssl_self_signed(dir: &Path) {
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
        ])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run openssl");
    assert!(status.success(), "openssl req -x509 failed");
}
