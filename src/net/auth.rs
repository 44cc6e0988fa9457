//! The recipes' HMAC challenge-response handshake, with SHA-256, in front of any stream
//! [`Session`].
//!
//! On connect the server sends 32 random bytes; the client must answer with
//! HMAC-SHA256(key, challenge), 32 bytes, before the deadline. The answer is checked in
//! constant time. On success the inner session starts (bytes the client sent after its answer
//! go straight to it); on a wrong answer or silence the connection is closed with nothing
//! more sent, and the failure is logged at warn with the peer address and counted.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::stream::{Output, Session, Step};

/// Length of the challenge and of the answer.
pub const CHALLENGE_LEN: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of `challenge` under `key`: what a client must answer.
pub fn answer(key: &[u8], challenge: &[u8]) -> [u8; CHALLENGE_LEN] {
    keyed_mac(key, challenge).finalize().into_bytes().into()
}

/// The HMAC of `challenge` under `key`, to finalize or to verify an answer against.
fn keyed_mac(key: &[u8], challenge: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(challenge);
    mac
}

/// The shared secret and how long a client has to answer.
#[derive(Clone)]
pub struct AuthConfig {
    key: Arc<[u8]>,
    timeout: Duration,
}

impl AuthConfig {
    /// A handshake with this key (not empty: checked by the caller) and answer timeout.
    pub fn new(key: Vec<u8>, timeout: Duration) -> AuthConfig {
        AuthConfig {
            key: key.into(),
            timeout,
        }
    }
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("AuthConfig")
            .field("key", &format_args!("<{} bytes>", self.key.len()))
            .field("timeout", &self.timeout)
            .finish()
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

    fn fail(&self, out: &mut Output<'_>, why: &str) -> Step {
        tracing::warn!("authentication failed for {}: {why}", out.peer());
        out.stats().auth_failures.fetch_add(1, Ordering::Relaxed);
        Step::Close
    }
}

impl<P: Session> Session for Authenticated<P> {
    fn start(&mut self, out: &mut Output<'_>) -> Step {
        if let Err(e) = getrandom::fill(&mut self.challenge) {
            tracing::error!("no randomness for an authentication challenge: {e}");
            return Step::Close;
        }
        out.send(&self.challenge);
        out.set_deadline(Some(out.now() + self.config.timeout));
        Step::Continue
    }

    fn received(&mut self, data: &[u8], out: &mut Output<'_>) -> Step {
        if self.passed {
            return self.inner.received(data, out);
        }
        let take = (CHALLENGE_LEN - self.answer.len()).min(data.len());
        self.answer.extend_from_slice(&data[..take]);
        if self.answer.len() < CHALLENGE_LEN {
            return Step::Continue;
        }
        let mac = keyed_mac(&self.config.key, &self.challenge);
        // verify_slice compares in constant time.
        if mac.verify_slice(&self.answer).is_err() {
            return self.fail(out, "wrong digest");
        }
        self.passed = true;
        self.answer = Vec::new();
        out.set_deadline(None);
        tracing::debug!("{} authenticated", out.peer());
        match self.inner.start(out) {
            Step::Continue if take < data.len() => self.inner.received(&data[take..], out),
            step => step,
        }
    }

    fn peer_closed(&mut self, out: &mut Output<'_>) -> Step {
        if self.passed {
            return self.inner.peer_closed(out);
        }
        self.fail(out, "closed before answering the challenge")
    }

    fn deadline(&mut self, out: &mut Output<'_>) -> Step {
        if self.passed {
            return self.inner.deadline(out);
        }
        let why = format!("no answer within {:?}", self.config.timeout);
        self.fail(out, &why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::stream::TestOutput;
    use proptest::prelude::*;

    /// Echoes what it gets.
    struct Echo;

    impl Session for Echo {
        fn received(&mut self, data: &[u8], out: &mut Output<'_>) -> Step {
            out.send(data);
            Step::Continue
        }
    }

    /// Starts a handshake; returns the session, the output and the challenge sent.
    fn start(key: &[u8]) -> (Authenticated<Echo>, TestOutput, Vec<u8>) {
        let config = AuthConfig::new(key.to_vec(), Duration::from_secs(5));
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
            key in proptest::collection::vec(any::<u8>(), 1..80),
            payload in proptest::collection::vec(any::<u8>(), 0..200),
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
        ) {
            let (mut session, mut out, challenge) = start(&key);
            let mut input = answer(&key, &challenge).to_vec();
            input.extend_from_slice(&payload);
            prop_assert_eq!(feed(&mut session, &mut out, &input, &cuts), Step::Continue);
            prop_assert_eq!(&out.sent, &payload);
            prop_assert!(out.deadline.is_none());
            prop_assert_eq!(out.stats.auth_failures.load(Ordering::Relaxed), 0);
        }

        #[test]
        fn a_wrong_answer_in_any_pieces_closes_with_nothing_echoed(
            key in proptest::collection::vec(any::<u8>(), 1..80),
            flip in 0usize..CHALLENGE_LEN,
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
        ) {
            let (mut session, mut out, challenge) = start(&key);
            let mut input = answer(&key, &challenge).to_vec();
            input[flip] ^= 1;
            input.extend_from_slice(b"not for you");
            prop_assert_eq!(feed(&mut session, &mut out, &input, &cuts), Step::Close);
            prop_assert!(out.sent.is_empty());
            prop_assert_eq!(out.stats.auth_failures.load(Ordering::Relaxed), 1);
        }
    }

    #[test]
    fn silence_and_early_close_fail() {
        let (mut session, mut out, _) = start(b"k");
        assert_eq!(out.with(|o| session.deadline(o)), Step::Close);
        let (mut session, mut out, _) = start(b"k");
        assert_eq!(out.with(|o| session.received(b"short", o)), Step::Continue);
        assert_eq!(out.with(|o| session.peer_closed(o)), Step::Close);
        assert_eq!(out.stats.auth_failures.load(Ordering::Relaxed), 1);
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
