//! AUTH mechanisms: PLAIN and LOGIN (RFC 4616, the LOGIN draft) with a password, XOAUTH2
//! (Google, Microsoft) and OAUTHBEARER (RFC 7628) with a bearer token. Every string built
//! from the secret lives in a buffer that is wiped when dropped; the log shows only that a
//! secret was sent.

use base64::Engine as _;
use zeroize::Zeroizing;

use crate::secret::Secret;

/// The mechanisms tackle speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mechanism {
    Plain,
    Login,
    Xoauth2,
    Oauthbearer,
}

impl Mechanism {
    /// The name in `AUTH <name>`.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::Xoauth2 => "XOAUTH2",
            Mechanism::Oauthbearer => "OAUTHBEARER",
        }
    }

    /// What the secret is called in messages.
    pub fn secret_name(self) -> &'static str {
        match self {
            Mechanism::Plain | Mechanism::Login => "password",
            Mechanism::Xoauth2 | Mechanism::Oauthbearer => "token",
        }
    }
}

/// One line the client sends during AUTH, and how `-v` shows it.
pub struct Step {
    pub line: Zeroizing<String>,
    pub shown: String,
}

fn b64(bytes: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The first command: `AUTH PLAIN <initial response>` or `AUTH LOGIN`, ...
pub fn initial(mechanism: Mechanism, user: &str, secret: &Secret, host: &str, port: u16) -> Step {
    let redacted = format!("<credentials for {user} redacted>");
    match mechanism {
        Mechanism::Plain => {
            let mut response = Zeroizing::new(Vec::with_capacity(user.len() + secret.len() + 2));
            response.push(0);
            response.extend_from_slice(user.as_bytes());
            response.push(0);
            response.extend_from_slice(secret.expose());
            Step {
                line: Zeroizing::new(format!("AUTH PLAIN {}", b64(&response).as_str())),
                shown: format!("AUTH PLAIN {redacted}"),
            }
        }
        Mechanism::Login => Step {
            line: Zeroizing::new("AUTH LOGIN".to_owned()),
            shown: "AUTH LOGIN".to_owned(),
        },
        Mechanism::Xoauth2 => {
            let mut response = Zeroizing::new(format!("user={user}\x01auth=Bearer ").into_bytes());
            response.extend_from_slice(secret.expose());
            response.extend_from_slice(b"\x01\x01");
            Step {
                line: Zeroizing::new(format!("AUTH XOAUTH2 {}", b64(&response).as_str())),
                shown: format!("AUTH XOAUTH2 {redacted}"),
            }
        }
        Mechanism::Oauthbearer => {
            let gs2_user = user.replace('=', "=3D").replace(',', "=2C");
            let mut response = Zeroizing::new(
                format!("n,a={gs2_user},\x01host={host}\x01port={port}\x01auth=Bearer ")
                    .into_bytes(),
            );
            response.extend_from_slice(secret.expose());
            response.extend_from_slice(b"\x01\x01");
            Step {
                line: Zeroizing::new(format!("AUTH OAUTHBEARER {}", b64(&response).as_str())),
                shown: format!("AUTH OAUTHBEARER {redacted}"),
            }
        }
    }
}

/// The answer to a `334` challenge, the `n`-th (from 0) of this exchange: LOGIN's user name
/// and password; for the bearer mechanisms the server is reporting an error and wants an
/// empty (XOAUTH2) or `\x01` (OAUTHBEARER) line before its final reply.
pub fn answer(mechanism: Mechanism, n: usize, user: &str, secret: &Secret) -> Option<Step> {
    match (mechanism, n) {
        (Mechanism::Login, 0) => Some(Step {
            line: b64(user.as_bytes()),
            shown: format!("<user name {user}, base64>"),
        }),
        (Mechanism::Login, 1) => Some(Step {
            line: b64(secret.expose()),
            shown: "<password redacted>".to_owned(),
        }),
        (Mechanism::Xoauth2, 0) => Some(Step {
            line: Zeroizing::new(String::new()),
            shown: "<empty line: acknowledging the error>".to_owned(),
        }),
        (Mechanism::Oauthbearer, 0) => Some(Step {
            line: b64(b"\x01"),
            shown: "AQ== <acknowledging the error>".to_owned(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(line: &str) -> Vec<u8> {
        let encoded = line.rsplit(' ').next().unwrap();
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap()
    }

    #[test]
    fn initial_responses_carry_the_secret_and_logs_do_not() {
        let secret = Secret::new(b"s3cret".to_vec());
        let plain = initial(Mechanism::Plain, "ann", &secret, "h", 25);
        assert_eq!(decode(&plain.line), b"\0ann\0s3cret");
        assert!(!plain.shown.contains("s3cret") && !plain.shown.contains("AGFubgBzM2NyZXQ="));
        let xoauth = initial(Mechanism::Xoauth2, "ann@x.org", &secret, "h", 25);
        assert_eq!(
            decode(&xoauth.line),
            b"user=ann@x.org\x01auth=Bearer s3cret\x01\x01"
        );
        let bearer = initial(Mechanism::Oauthbearer, "a,b", &secret, "mx", 587);
        assert_eq!(
            decode(&bearer.line),
            b"n,a=a=2Cb,\x01host=mx\x01port=587\x01auth=Bearer s3cret\x01\x01"
        );
        let login = answer(Mechanism::Login, 1, "ann", &secret).unwrap();
        assert_eq!(decode(&login.line), b"s3cret");
        assert!(!login.shown.contains("s3cret"));
        assert!(answer(Mechanism::Plain, 0, "ann", &secret).is_none());
    }
}
