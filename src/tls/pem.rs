//! Certificates and private keys read from PEM files, with errors that name the file and say
//! what was wrong with it.

use std::path::Path;

use anyhow::{Context as _, bail};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Every certificate in the PEM file at `path`, in order (a chain starts with the leaf).
/// A file that holds none is an error.
pub fn load_certificates(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let bytes = read(path)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            anyhow::anyhow!("{}: not a valid PEM certificate file: {e}", path.display())
        })?;
    if certs.is_empty() {
        bail!(
            "{}: holds no certificate (expected a PEM block 'BEGIN CERTIFICATE')",
            path.display()
        );
    }
    Ok(certs)
}

/// The first private key (PKCS#8, PKCS#1 or SEC1) in the PEM file at `path`.
pub fn load_private_key(path: &Path) -> anyhow::Result<PrivateKeyDer<'static>> {
    let bytes = read(path)?;
    if is_encrypted_key(&bytes) {
        bail!(
            "{}: the private key is encrypted with a passphrase, which tackle does not ask for; write a decrypted copy readable only by you (`openssl pkey -in {} -out key.pem`, then `chmod 600 key.pem`)",
            path.display(),
            path.display()
        );
    }
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: holds no usable private key (expected a PEM block 'BEGIN PRIVATE KEY', 'BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY'): {e}",
            path.display()
        )
    })
}

/// Whether the PEM text holds a passphrase-protected key: PKCS#8 `ENCRYPTED PRIVATE KEY`, or
/// OpenSSL's traditional `Proc-Type: 4,ENCRYPTED` header.
fn is_encrypted_key(bytes: &[u8]) -> bool {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    has(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") || has(b"Proc-Type: 4,ENCRYPTED")
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_and_key_load_back() {
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let dir = tempfile::tempdir().expect("tempdir");
        let cert_path = dir.path().join("cert.pem");
        let key_path = dir.path().join("key.pem");
        std::fs::write(&cert_path, cert.cert.pem()).expect("write cert");
        std::fs::write(&key_path, cert.signing_key.serialize_pem()).expect("write key");
        assert_eq!(load_certificates(&cert_path).expect("certs").len(), 1);
        load_private_key(&key_path).expect("key");
    }

    #[test]
    fn an_encrypted_key_is_refused_saying_how_to_decrypt_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in [
            (
                "pkcs8.pem",
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0w\n-----END ENCRYPTED PRIVATE KEY-----\n",
            ),
            (
                "traditional.pem",
                "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n",
            ),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("write");
            let err = load_private_key(&path).expect_err("encrypted").to_string();
            assert!(err.contains(name) && err.contains("encrypted"), "{err}");
            assert!(err.contains("openssl pkey -in"), "{err}");
        }
    }

    #[test]
    fn a_file_without_certificates_or_keys_is_refused_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "nothing here\n").expect("write");
        let err = load_certificates(&path).expect_err("no certs").to_string();
        assert!(
            err.contains("empty.pem") && err.contains("no certificate"),
            "{err}"
        );
        let err = load_private_key(&path).expect_err("no key").to_string();
        assert!(
            err.contains("empty.pem") && err.contains("no usable private key"),
            "{err}"
        );
        let err = load_certificates(&dir.path().join("missing.pem")).expect_err("missing");
        assert!(format!("{err:#}").contains("cannot read"), "{err:#}");
    }
}
