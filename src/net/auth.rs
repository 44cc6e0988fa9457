//! The recipes' HMAC challenge-response handshake, with SHA-256, in front of any stream
//! [`Session`].
//!
//! On connect the server sends 32 random bytes; the client must answer with
//! HMAC-SHA256(key, challenge), 32 bytes, before the deadline. The answer is checked in
//! constant time. On success the inner session starts (bytes the client sent after its answer
//! go straight to it); on a wrong answer or silence the connection is closed with nothing
//! more sent, and the failure is counted and logged at warn with the peer address (at most
//! one warning a second, saying how many failed meanwhile).
//!
//! The key ([`AuthKey`]) is read once, from a file only its owner can read or from an
//! environment variable that is then removed, checked for length, and turned into the keyed
//! HMAC state at once: each connection clones that state instead of hashing the key again.
//! The client side of the handshake (`connect`) answers with [`AuthKey::answer`].

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::stream::{Session, SessionOutput, Step};
use crate::exit;
use crate::secret::{self, FilePolicy, Secret};

/// Length of the challenge and of the answer.
pub const CHALLENGE_LEN: usize = 32;

/// Keys shorter than this are refused: a 1-byte key falls to 256 guesses from one captured
/// exchange.
pub const MIN_KEY_LEN: usize = 4;

/// Keys shorter than this get a warning at start.
pub const WEAK_KEY_LEN: usize = 16;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of `challenge` under `key`: what a client must answer.
pub fn answer(key: &[u8], challenge: &[u8]) -> [u8; CHALLENGE_LEN] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(challenge);
    mac.finalize().into_bytes().into()
}

/// A shared HMAC key, ready to use: the keyed state is computed once. The key bytes
/// themselves are wiped as soon as that is done.
#[derive(Clone)]
pub struct AuthKey {
    keyed: HmacSha256,
    len: usize,
}

impl AuthKey {
    /// A key from these bytes; refuses an empty key and one under [`MIN_KEY_LEN`] bytes.
    /// `source` names where it came from, for the messages (`--auth-key-file key`).
    pub fn new(key: Secret, source: &str) -> anyhow::Result<AuthKey> {
        if key.is_empty() {
            return Err(exit::usage(format!("{source}: the key is empty")));
        }
        if key.len() < MIN_KEY_LEN {
            return Err(exit::usage(format!(
                "{source}: the key is {} byte(s); use at least {MIN_KEY_LEN} (better 32 random \
                 bytes: head -c 32 /dev/urandom > key)",
                key.len()
            )));
        }
        if key.len() < WEAK_KEY_LEN {
            tracing::warn!(
                "{source}: the key is only {} bytes; one captured exchange lets an attacker \
                 guess it offline: use at least {WEAK_KEY_LEN} random bytes",
                key.len()
            );
        }
        let keyed =
            HmacSha256::new_from_slice(key.expose()).expect("HMAC takes keys of any length");
        Ok(AuthKey {
            keyed,
            len: key.len(),
        })
    }

    /// Reads the key from `path` (its bytes exactly as stored), refusing under
    /// [`FilePolicy::OwnerOnly`] a file that group or others may read; then keeps this
    /// process out of core dumps.
    pub fn from_file(path: &Path, policy: FilePolicy) -> anyhow::Result<AuthKey> {
        let source = format!("--auth-key-file {}", path.display());
        let key = match secret::read_file(path, policy) {
            Ok(key) => key,
            Err(e @ secret::SecretError::Unreadable { .. }) => {
                return Err(exit::failure(
                    exit::FAILURE,
                    format!("{source}: cannot read the key: {e}"),
                ));
            }
            Err(e) => {
                return Err(exit::failure(
                    exit::FAILURE,
                    format!("--auth-key-file: {e}"),
                ));
            }
        };
        secret::forbid_core_dumps();
        AuthKey::new(key, &source)
    }

    /// Takes the key from environment variable `var` and removes the variable; then keeps
    /// this process out of core dumps.
    pub fn from_env(var: &str) -> anyhow::Result<AuthKey> {
        let source = format!("--auth-key-env {var}");
        let key = secret::take_env(var)
            .map_err(|_| exit::usage(format!("{source}: the variable is not set")))?;
        secret::forbid_core_dumps();
        AuthKey::new(key, &source)
    }

    /// The key `--auth-key-file FILE` or `--auth-key-env VAR` names, if either was given (the
    /// file wins; callers make the two flags exclusive).
    pub fn from_flags(
        file: Option<&Path>,
        env: Option<&str>,
        policy: FilePolicy,
    ) -> anyhow::Result<Option<AuthKey>> {
        match (file, env) {
            (Some(path), _) => AuthKey::from_file(path, policy).map(Some),
            (None, Some(var)) => AuthKey::from_env(var).map(Some),
            (None, None) => Ok(None),
        }
    }

    /// The key's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Never true: an empty key is refused when it is made.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The answer to `challenge`: what the client side of the handshake sends.
    pub fn answer(&self, challenge: &[u8]) -> [u8; CHALLENGE_LEN] {
        self.mac_of(challenge).finalize().into_bytes().into()
    }

    /// Whether `answer` is the right one for `challenge`, compared in constant time.
    pub fn verify(&self, challenge: &[u8], answer: &[u8]) -> bool {
        self.mac_of(challenge).verify_slice(answer).is_ok()
    }

    fn mac_of(&self, challenge: &[u8]) -> HmacSha256 {
        let mut mac = self.keyed.clone();
        mac.update(challenge);
        mac
    }
}

impl std::fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        write!(f, "<HMAC key, {} bytes>", self.len)
    }
}

/// The shared key and how long a client has to answer.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    key: Arc<AuthKey>,
    timeout: Duration,
}

impl AuthConfig {
    /// A handshake with this key and answer timeout.
    pub fn new(key: AuthKey, timeout: Duration) -> AuthConfig {
        AuthConfig {
            key: Arc::new(key),
            timeout,
        }
    }
}

/// A session that first runs the handshake, then hands over to `inner`.
pub struct Authenticated<P: Session> {
    config: AuthConfig,
    challenge: [u8; CHALLENGE_LEN],
    answer: Vec<u8>,
    passed: bool,
    inner: P,
}

impl<P: Session> Authenticated<P> {
    /// Wraps `inner` behind the handshake.
    pub fn new(config: AuthConfig, inner: P) -> Authenticated<P> {
        Authenticated {
            config,
            challenge: [0; CHALLENGE_LEN],
            answer: Vec::with_capacity(CHALLENGE_LEN),
            passed: false,
            inner,
        }
    }

    fn fail(&self, out: &mut SessionOutput<'_>, why: &str) -> Step {
        out.report_auth_failure(why);
        Step::Close
    }
}

impl<P: Session> Session for Authenticated<P> {
    fn start(&mut self, out: &mut SessionOutput<'_>) -> Step {
        if let Err(e) = getrandom::fill(&mut self.challenge) {
            tracing::error!("no randomness for an authentication challenge: {e}");
            return Step::Close;
        }
        out.send(&self.challenge);
        out.set_deadline(out.now().checked_add(self.config.timeout));
        Step::Continue
    }

    fn received(&mut self, data: &[u8], out: &mut SessionOutput<'_>) -> Step {
        if self.passed {
            return self.inner.received(data, out);
        }
        let take = (CHALLENGE_LEN - self.answer.len()).min(data.len());
        self.answer.extend_from_slice(&data[..take]);
        if self.answer.len() < CHALLENGE_LEN {
            return Step::Continue;
        }
        if !self.config.key.verify(&self.challenge, &self.answer) {
            return self.fail(out, "wrong digest");
        }
        self.passed = true;
        self.answer = Vec::new();
        out.set_deadline(None);
        if !out.handshake_complete() {
            return Step::Close;
        }
        tracing::debug!(peer = out.peer(), "authenticated");
        match self.inner.start(out) {
            Step::Continue if take < data.len() => self.inner.received(&data[take..], out),
            step => step,
        }
    }

    fn peer_closed(&mut self, out: &mut SessionOutput<'_>) -> Step {
        if self.passed {
            return self.inner.peer_closed(out);
        }
        self.fail(out, "closed before answering the challenge")
    }

    fn deadline(&mut self, out: &mut SessionOutput<'_>) -> Step {
        if self.passed {
            return self.inner.deadline(out);
        }
        let why = format!("no answer within {:?}", self.config.timeout);
        self.fail(out, &why)
    }

    fn is_handshaking(&self) -> bool {
        !self.passed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::stream::TestOutput;
    use proptest::prelude::*;
    use std::sync::atomic::Ordering;

    /// Echoes what it gets.
    struct Echo;

    impl Session for Echo {
        fn received(&mut self, data: &[u8], out: &mut SessionOutput<'_>) -> Step {
            out.send(data);
            Step::Continue
        }
    }

    /// Starts a handshake; returns the session, the output and the challenge sent.
    fn start(key: &[u8]) -> (Authenticated<Echo>, TestOutput, Vec<u8>) {
        let key = AuthKey::new(Secret::new(key.to_vec()), "test").unwrap();
        let config = AuthConfig::new(key, Duration::from_secs(5));
        let mut session = Authenticated::new(config, Echo);
        let mut out = TestOutput::default();
        assert_eq!(out.with(|o| session.start(o)), Step::Continue);
        assert!(out.deadline.is_some());
        let challenge = std::mem::take(&mut out.sent);
        assert_eq!(challenge.len(), CHALLENGE_LEN);
        (session, out, challenge)
    }

    /// Feeds `input` in pieces cut at `cuts`; returns the last step.
    fn feed(
        session: &mut Authenticated<Echo>,
        out: &mut TestOutput,
        input: &[u8],
        cuts: &[usize],
    ) -> Step {
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
        points.extend([0, input.len()]);
        points.sort_unstable();
        points.dedup();
        let mut step = Step::Continue;
        for pair in points.windows(2) {
            step = out.with(|o| session.received(&input[pair[0]..pair[1]], o));
            if step != Step::Continue {
                break;
            }
        }
        step
    }

    proptest! {
        #[test]
        fn the_right_answer_in_any_pieces_opens_the_echo(
            key in proptest::collection::vec(any::<u8>(), 4..80),
            payload in proptest::collection::vec(any::<u8>(), 0..200),
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
        ) {
            let (mut session, mut out, challenge) = start(&key);
            let mut input = answer(&key, &challenge).to_vec();
            input.extend_from_slice(&payload);
            prop_assert_eq!(feed(&mut session, &mut out, &input, &cuts), Step::Continue);
            prop_assert_eq!(&out.sent, &payload);
            prop_assert!(out.deadline.is_none());
            prop_assert_eq!(out.stats().auth_failures.load(Ordering::Relaxed), 0);
        }

        #[test]
        fn a_wrong_answer_in_any_pieces_closes_with_nothing_echoed(
            key in proptest::collection::vec(any::<u8>(), 4..80),
            flip in 0usize..CHALLENGE_LEN,
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
        ) {
            let (mut session, mut out, challenge) = start(&key);
            let mut input = answer(&key, &challenge).to_vec();
            input[flip] ^= 1;
            input.extend_from_slice(b"not for you");
            prop_assert_eq!(feed(&mut session, &mut out, &input, &cuts), Step::Close);
            prop_assert!(out.sent.is_empty());
            prop_assert_eq!(out.stats().auth_failures.load(Ordering::Relaxed), 1);
        }
    }

    #[test]
    fn silence_and_early_close_fail() {
        let (mut session, mut out, _) = start(b"kkkk");
        assert_eq!(out.with(|o| session.deadline(o)), Step::Close);
        let (mut session, mut out, _) = start(b"kkkk");
        assert_eq!(out.with(|o| session.received(b"short", o)), Step::Continue);
        assert_eq!(out.with(|o| session.peer_closed(o)), Step::Close);
        assert_eq!(out.stats().auth_failures.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn keys_under_four_bytes_are_refused_and_the_recipes_key_works() {
        for short in [&b""[..], b"k", b"abc"] {
            let err = AuthKey::new(Secret::new(short.to_vec()), "--auth-key-file key").unwrap_err();
            assert!(err.to_string().contains("--auth-key-file key"), "{err}");
        }
        let key = AuthKey::new(Secret::new(b"peekaboo".to_vec()), "k").unwrap();
        let challenge = [7u8; CHALLENGE_LEN];
        assert_eq!(key.answer(&challenge), answer(b"peekaboo", &challenge));
        assert!(key.verify(&challenge, &answer(b"peekaboo", &challenge)));
        assert!(!key.verify(&challenge, &answer(b"peekabo0", &challenge)));
        assert_eq!(format!("{key:?}"), "<HMAC key, 8 bytes>");
    }

    #[test]
    fn a_key_from_the_environment_leaves_it_and_keeps_the_process_out_of_cores() {
        let var = "TACKLE_AUTH_TEST_KEY_7D1F";
        // SAFETY: this variable is used by this test only.
        unsafe { std::env::set_var(var, "peekaboo") };
        let key = AuthKey::from_env(var).unwrap();
        assert_eq!(key.len(), 8);
        assert!(std::env::var_os(var).is_none(), "the variable is still set");
        // SAFETY: PR_GET_DUMPABLE only reads a flag of this process.
        assert_eq!(unsafe { libc::prctl(libc::PR_GET_DUMPABLE) }, 0);
        assert!(AuthKey::from_env(var).is_err());
    }

    #[test]
    fn answer_matches_a_known_hmac_sha256() {
        // RFC 4231 test case 2.
        let digest = answer(b"Jefe", b"what do ya want for nothing?");
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
