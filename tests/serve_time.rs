//! `tackle serve-time` through the real binary and real sockets: every reply format parsed back
//! and checked against the system clock, `--utc` versus `TZ`, RFC 868's binary reply, TCP's
//! reply-and-close, UDP from several clients and with empty datagrams, the per-source rate
//! limit, and bad flags. Servers bind port 0 and are found through their `listening` lines.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

use common::{Server, tackle};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// How long a test waits for any one reply before failing.
const PATIENCE: Duration = Duration::from_secs(5);

const FORMATS: [&str; 6] = ["ctime", "rfc3339", "rfc2822", "unix", "unix-ms", "rfc868"];

/// Starts `tackle serve-time ARGS` with `TZ=Asia/Shanghai` and waits for `listeners` lines.
fn serve(args: &[&str], listeners: usize) -> Server {
    tackle(["serve-time"].iter().chain(args))
        .env("TZ", "Asia/Shanghai")
        .serve(listeners)
}

fn addr(server: &Server, i: usize) -> SocketAddr {
    server.addr(i).parse().expect("announced address")
}

/// A UDP client socket on loopback (`local` is its address, port 0 for any), facing `server`.
fn udp_client(server: SocketAddr, local: &str) -> UdpSocket {
    let socket = UdpSocket::bind(local).expect("bind client");
    socket.set_read_timeout(Some(PATIENCE)).expect("timeout");
    socket.connect(server).expect("connect client");
    socket
}

/// Sends one datagram and returns the reply.
fn ask_udp(server: SocketAddr, payload: &[u8]) -> Vec<u8> {
    let local = if server.is_ipv6() {
        "[::1]:0"
    } else {
        "127.0.0.1:0"
    };
    let socket = udp_client(server, local);
    socket.send(payload).expect("send");
    receive(&socket)
}

fn receive(socket: &UdpSocket) -> Vec<u8> {
    let mut buf = [0u8; 1024];
    let n = socket.recv(&mut buf).expect("a reply within 5 s");
    buf[..n].to_vec()
}

/// Connects, optionally sends `payload` without reading first, and reads until the server
/// closes the connection.
fn ask_tcp(server: SocketAddr, payload: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(server).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    if !payload.is_empty() {
        stream.write_all(payload).expect("send");
    }
    let mut reply = Vec::new();
    stream
        .read_to_end(&mut reply)
        .expect("the server closes the connection after its reply");
    reply
}

/// A text reply without its mandatory `\r\n`.
fn line(reply: &[u8]) -> &str {
    let text = std::str::from_utf8(reply).expect("ASCII reply");
    text.strip_suffix("\r\n")
        .unwrap_or_else(|| panic!("reply {text:?} does not end in \\r\\n"))
}

fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").expect("tzdata for Asia/Shanghai")
}

/// Parses a reply in `format`; calendar formats without an offset are read in `tz`.
fn parse(format: &str, reply: &[u8], tz: &TimeZone) -> Timestamp {
    if format == "rfc868" {
        let bytes: [u8; 4] = reply
            .try_into()
            .expect("rfc868 replies are exactly 4 bytes");
        let since_1900 = i64::from(u32::from_be_bytes(bytes));
        // Valid until the counter wraps in 2036.
        return Timestamp::from_second(since_1900 - 2_208_988_800).expect("in range");
    }
    let text = line(reply);
    match format {
        "ctime" => jiff::fmt::strtime::parse("%a %b %e %H:%M:%S %Y", text)
            .and_then(|tm| tm.to_datetime())
            .and_then(|civil| civil.to_zoned(tz.clone()))
            .map(|zoned| zoned.timestamp()),
        "rfc3339" => text.parse::<Timestamp>(),
        "rfc2822" => jiff::fmt::rfc2822::parse(text).map(|zoned| zoned.timestamp()),
        "unix" => Timestamp::from_second(text.parse().expect("integer seconds")),
        "unix-ms" => Timestamp::from_millisecond(text.parse().expect("integer milliseconds")),
        _ => unreachable!("unknown format {format}"),
    }
    .unwrap_or_else(|e| panic!("{format} reply {text:?} does not parse: {e}"))
}

fn assert_close_to_now(format: &str, at: Timestamp) {
    let off = Timestamp::now().duration_since(at).abs();
    assert!(
        off <= SignedDuration::from_secs(2),
        "{format} reply {at} is {off:#} away from the system clock"
    );
}

#[test]
fn with_no_listener_flag_it_serves_tcp_and_udp_on_5567() {
    // The one test that uses the fixed default port.
    let server = serve(&["--format", "unix"], 2);
    let expected = [("tcp", "127.0.0.1:5567"), ("udp", "127.0.0.1:5567")];
    for (announced, (proto, addr)) in server.listeners.iter().zip(expected) {
        assert_eq!((announced.0.as_str(), announced.1.as_str()), (proto, addr));
    }
    assert_close_to_now(
        "unix",
        parse("unix", &ask_tcp(addr(&server, 0), b""), &shanghai()),
    );
    assert_close_to_now(
        "unix",
        parse("unix", &ask_udp(addr(&server, 1), b""), &shanghai()),
    );
}

#[test]
fn every_format_parses_back_within_2s_of_the_clock_over_udp_and_tcp() {
    for format in FORMATS {
        let server = serve(&["--udp", "0", "--tcp", "0", "--format", format], 2);
        assert_eq!(server.listeners[0].0, "udp");
        assert_eq!(server.listeners[1].0, "tcp");
        for reply in [
            ask_udp(addr(&server, 0), b"what time is it?"),
            ask_tcp(addr(&server, 1), b""),
        ] {
            assert_close_to_now(format, parse(format, &reply, &shanghai()));
        }
    }
}

#[test]
fn ctime_has_pythons_layout() {
    let server = serve(&["--udp", "0"], 1);
    let reply = ask_udp(addr(&server, 0), b"");
    let text = line(&reply);
    // "Sat Nov 21 22:44:21 2026" or "Sun Nov  1 02:03:04 2026": 24 characters, fixed columns.
    assert_eq!(text.len(), 24, "{text:?}");
    let expected = Timestamp::now()
        .to_zoned(shanghai())
        .strftime("%a %b %e")
        .to_string();
    // The date part can only differ if the day turned over between reply and check.
    let now = Timestamp::now().to_zoned(shanghai());
    if now.hour() != 0 || now.minute() != 0 || now.second() > 2 {
        assert!(text.starts_with(&expected), "{text:?} vs {expected:?}");
    }
}

#[test]
fn utc_flag_versus_tz_asia_shanghai() {
    let local = serve(&["--udp", "0", "--format", "rfc3339"], 1);
    let utc = serve(&["--udp", "0", "--format", "rfc3339", "--utc"], 1);
    let local_text = ask_udp(addr(&local, 0), b"");
    let utc_text = ask_udp(addr(&utc, 0), b"");
    assert!(line(&local_text).ends_with("+08:00"), "{local_text:?}");
    assert!(line(&utc_text).ends_with('Z'), "{utc_text:?}");
    assert_close_to_now("rfc3339", parse("rfc3339", &local_text, &shanghai()));
    assert_close_to_now("rfc3339", parse("rfc3339", &utc_text, &shanghai()));

    // ctime carries no offset: the wall clocks differ by Shanghai's eight hours.
    let local = serve(&["--udp", "0"], 1);
    let utc = serve(&["--udp", "0", "--utc"], 1);
    let wall = |server: &Server| -> DateTime {
        let reply = ask_udp(addr(server, 0), b"");
        jiff::fmt::strtime::parse("%a %b %e %H:%M:%S %Y", line(&reply))
            .and_then(|tm| tm.to_datetime())
            .expect("ctime parses")
    };
    let difference = wall(&local).duration_since(wall(&utc));
    let off = (difference - SignedDuration::from_hours(8)).abs();
    assert!(off <= SignedDuration::from_secs(2), "{difference:#}");
}

#[test]
fn an_unusable_tz_falls_back_to_utc_with_a_warning() {
    let server = tackle(["serve-time", "--udp", "0", "--format", "rfc3339"])
        .env("TZ", "Not/A_Zone")
        .serve(1);
    let reply = ask_udp(addr(&server, 0), b"");
    assert!(line(&reply).ends_with('Z'), "{reply:?}");
    assert_close_to_now("rfc3339", parse("rfc3339", &reply, &TimeZone::UTC));
    let stderr = server.stderr();
    assert!(
        stderr.contains("[WARN]") && stderr.contains("using UTC"),
        "no warning about TZ:\n{stderr}"
    );
}

#[test]
fn rfc868_is_four_big_endian_bytes_from_1900() {
    let server = serve(&["--udp", "0", "--tcp", "0", "--format", "rfc868"], 2);
    for reply in [
        ask_udp(addr(&server, 0), b""),
        ask_tcp(addr(&server, 1), b""),
    ] {
        assert_eq!(reply.len(), 4, "{reply:?}");
        let since_1900 = i64::from(u32::from_be_bytes(reply[..].try_into().unwrap()));
        let unix = Timestamp::now().as_second();
        assert!(
            (since_1900 - 2_208_988_800 - unix).abs() <= 2,
            "{since_1900}"
        );
    }
}

#[test]
fn rfc868_help_says_the_counter_wraps_after_2036() {
    tackle(["serve-time", "--help"])
        .run()
        .success()
        .stdout_contains("2036");
}

#[test]
fn tcp_replies_and_closes_without_waiting_for_input() {
    let server = serve(&["--tcp", "0"], 1);
    // The client sends nothing and keeps its side open: the reply and the close come anyway.
    let reply = ask_tcp(addr(&server, 0), b"");
    assert_close_to_now("ctime", parse("ctime", &reply, &shanghai()));
}

#[test]
fn tcp_closes_after_the_reply_even_when_the_client_sends_data() {
    let server = serve(&["--tcp", "0", "--format", "unix"], 1);
    for payload in [&b"GET / HTTP/1.0\r\n\r\n"[..], &[b'x'; 200_000][..]] {
        let reply = ask_tcp(addr(&server, 0), payload);
        // Exactly one reply: what the client sent was ignored, not answered or echoed.
        assert_close_to_now("unix", parse("unix", &reply, &shanghai()));
    }
}

#[test]
fn udp_answers_several_clients_each_once() {
    let server = serve(&["--udp", "0", "--format", "unix-ms"], 1);
    let server_addr = addr(&server, 0);
    let clients: Vec<UdpSocket> = (0..10)
        .map(|_| udp_client(server_addr, "127.0.0.1:0"))
        .collect();
    for (i, client) in clients.iter().enumerate() {
        client.send(format!("client {i}").as_bytes()).expect("send");
    }
    for client in &clients {
        assert_close_to_now("unix-ms", parse("unix-ms", &receive(client), &shanghai()));
    }
}

#[test]
fn an_empty_datagram_is_answered() {
    let server = serve(&["--udp", "0", "--format", "unix"], 1);
    let reply = ask_udp(addr(&server, 0), b"");
    assert_close_to_now("unix", parse("unix", &reply, &shanghai()));
}

#[test]
fn udp_over_ipv6() {
    let server = serve(&["--udp", "[::1]:0", "--format", "rfc2822"], 1);
    assert!(server.addr(0).starts_with("[::1]:"), "{}", server.addr(0));
    let reply = ask_udp(addr(&server, 0), b"");
    assert_close_to_now("rfc2822", parse("rfc2822", &reply, &shanghai()));
}

#[test]
fn rate_limit_drops_replies_beyond_n_per_second_per_source() {
    let server = serve(&["--udp", "0", "--rate-limit", "5", "--format", "unix"], 1);
    let server_addr = addr(&server, 0);
    let flood = udp_client(server_addr, "127.0.0.1:0");
    let started = Timestamp::now();
    for _ in 0..30 {
        flood.send(b"").expect("send");
    }
    // Another source address is not limited by the first one's flood. The server handles its
    // socket's datagrams in order, so once this reply is back every flood reply has been sent.
    let probe = udp_client(server_addr, "127.0.0.2:0");
    probe.send(b"").expect("send probe");
    receive(&probe);
    let elapsed = Timestamp::now().duration_since(started).as_secs_f64();

    flood.set_nonblocking(true).expect("nonblocking");
    let mut answered = 0;
    let mut buf = [0u8; 64];
    while flood.recv(&mut buf).is_ok() {
        answered += 1;
    }
    // A burst of 5, plus one more for every 200 ms the test took.
    let most = 5 + (elapsed * 5.0).ceil() as usize;
    assert!(
        (5..=most).contains(&answered),
        "{answered} replies to 30 datagrams with --rate-limit 5 in {elapsed:.3}s"
    );

    server.signal(libc::SIGTERM);
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    let dropped = 30 - answered;
    assert!(
        stderr.contains(&format!("{dropped} rate-limited")),
        "the summary does not count {dropped} rate-limited datagrams:\n{stderr}"
    );
}

#[test]
fn threads_share_one_rate_limit() {
    let server = serve(
        &[
            "--udp",
            "0",
            "--threads",
            "2",
            "--rate-limit",
            "5",
            "--format",
            "unix",
        ],
        1,
    );
    let server_addr = addr(&server, 0);
    // Ten client ports, so SO_REUSEPORT spreads the flood over both threads' sockets.
    let flood: Vec<UdpSocket> = (0..10)
        .map(|_| udp_client(server_addr, "127.0.0.1:0"))
        .collect();
    let started = Timestamp::now();
    for _ in 0..3 {
        for client in &flood {
            client.send(b"").expect("send");
        }
    }
    // Probes from twenty other addresses reach both sockets (all twenty landing on one has
    // odds of 2^-19); once each is answered, so is every earlier datagram on its socket.
    let probes: Vec<UdpSocket> = (2..22)
        .map(|n| udp_client(server_addr, &format!("127.0.0.{n}:0")))
        .collect();
    for probe in &probes {
        probe.send(b"").expect("send probe");
    }
    for probe in &probes {
        receive(probe);
    }
    let elapsed = Timestamp::now().duration_since(started).as_secs_f64();
    let mut answered = 0;
    let mut buf = [0u8; 64];
    for client in &flood {
        client.set_nonblocking(true).expect("nonblocking");
        while client.recv(&mut buf).is_ok() {
            answered += 1;
        }
    }
    // One allowance for 127.0.0.1 in all, not one per thread.
    let most = 5 + (elapsed * 5.0).ceil() as usize;
    assert!(
        (5..=most).contains(&answered),
        "{answered} replies to 30 datagrams over 2 threads with --rate-limit 5 in {elapsed:.3}s"
    );
}

#[test]
fn rate_limit_zero_disables_the_limit() {
    let server = serve(&["--udp", "0", "--rate-limit", "0", "--format", "unix"], 1);
    let client = udp_client(addr(&server, 0), "127.0.0.1:0");
    // One at a time, so nothing can be lost to a full socket buffer: all 300 are answered.
    for _ in 0..300 {
        client.send(b"").expect("send");
        receive(&client);
    }
}

#[test]
fn sigterm_stops_the_server_with_a_summary() {
    let server = serve(&["--udp", "0", "--tcp", "0"], 2);
    ask_udp(addr(&server, 0), b"");
    ask_tcp(addr(&server, 1), b"");
    server.signal(libc::SIGTERM);
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("serve-time: in ")
            && stderr.contains("s, 1 connection served")
            && stderr.contains("1 datagram in"),
        "no summary line:\n{stderr}"
    );
    // serve-time has no HMAC handshake: its summary does not mention one.
    assert!(!stderr.contains("auth"), "{stderr}");
}

#[test]
fn json_logs_make_the_summary_json_too() {
    let server = serve(&["--log-format", "json", "--udp", "0", "--tcp", "0"], 2);
    ask_udp(addr(&server, 0), b"");
    ask_tcp(addr(&server, 1), b"");
    server.signal(libc::SIGTERM);
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    let summary: serde_json::Value = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .find(|l: &serde_json::Value| l["summary"] == "serve-time")
        .unwrap_or_else(|| panic!("no summary object in:\n{stderr}"));
    assert_eq!(summary["connections"], 1, "{stderr}");
    assert_eq!(summary["datagrams_in"], 1, "{stderr}");
}

/// serve-time over TLS: the reply comes once the handshake is done, then close_notify.
#[test]
fn tls_sends_the_reply_after_the_handshake_and_closes_with_close_notify() {
    use std::sync::Arc;

    use rcgen::{CertifiedIssuer, KeyPair};
    use rustls::pki_types::ServerName;
    use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

    let cert = CertifiedIssuer::self_signed(
        rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params"),
        KeyPair::generate().expect("key"),
    )
    .expect("certificate");
    let server = tackle([
        "serve-time",
        "--tls",
        "0",
        "--tls-cert",
        "cert.pem",
        "--tls-key",
        "key.pem",
        "--format",
        "unix",
    ])
    .file("cert.pem", cert.pem())
    .file("key.pem", cert.key().serialize_pem())
    .serve(1);
    assert_eq!(server.listeners[0].0, "tls");
    let mut roots = RootCertStore::empty();
    roots.add(cert.der().clone()).expect("trust");
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
    let tcp = TcpStream::connect(server.addr(0)).expect("connect");
    tcp.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let conn = ClientConnection::new(
        Arc::new(config),
        ServerName::try_from("localhost").expect("name"),
    )
    .expect("client");
    let mut tls = StreamOwned::new(conn, tcp);
    let mut reply = Vec::new();
    // read_to_end fails on an end without close_notify.
    tls.read_to_end(&mut reply)
        .expect("the reply, then close_notify");
    assert_close_to_now("unix", parse("unix", &reply, &TimeZone::UTC));
    server.signal(libc::SIGTERM);
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("0 TLS handshake failures"), "{stderr}");
}

#[test]
fn bad_flags_are_usage_errors() {
    for (flag, value) in [
        ("--format", "iso"),
        ("--rate-limit", "-1"),
        ("--rate-limit", "many"),
        ("--udp", "nowhere"),
    ] {
        tackle(["serve-time".to_owned(), format!("{flag}={value}")])
            .run()
            .code(2)
            .stderr_contains(flag);
    }
}

#[test]
fn a_port_in_use_is_a_runtime_error_naming_the_listener() {
    let taken = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    tackle(["serve-time", "--udp", &port])
        .run()
        .code(1)
        .stderr_contains("--udp");
}

/// The recipe's `event_loop([UDPTimeServer(...), UDPEchoServer(...)])`: one reactor, one
/// thread, the real time service and an echo service side by side, through the library.
#[test]
fn one_reactor_serves_time_and_echo_together() {
    use std::cell::RefCell;
    use std::rc::Rc;

    use tackle::daytime::reply::{Format, Zone};
    use tackle::daytime::server::{TimeConfig, TimeService};
    use tackle::net::datagram::Packet;
    use tackle::net::listen::{Bound, ListenOptions, ListenSpec, bind_one};
    use tackle::net::server::{ServerSettings, Service, add_socket};
    use tackle::net::shared::ServerShared;
    use tackle::net::stream::{Session, SessionOutput, Step};
    use tackle::reactor::Reactor;

    /// A minimal echo service: datagrams and stream bytes go back as they came.
    #[derive(Clone)]
    struct Echo;
    struct EchoBytes;
    impl Session for EchoBytes {
        fn received(&mut self, data: &[u8], out: &mut SessionOutput<'_>) -> Step {
            out.send(data);
            Step::Continue
        }
    }
    impl Service for Echo {
        type Session = EchoBytes;
        fn open(&mut self, _peer: &str) -> EchoBytes {
            EchoBytes
        }
        fn datagram(&mut self, packet: &Packet<'_>) {
            packet.reply(packet.data());
        }
    }

    let options = ListenOptions::default();
    let any: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    let bind = |spec| bind_one(&spec, &options).expect("bind");
    let local = |bound: &Bound| match bound {
        Bound::Udp(socket) => socket.local_addr().expect("addr"),
        Bound::Tcp(listener) | Bound::Tls(listener) => listener.local_addr().expect("addr"),
        Bound::Unix(..) => unreachable!("no Unix listener here"),
    };
    let (time_udp, time_tcp, echo_udp) = (
        bind(ListenSpec::Udp(any.into())),
        bind(ListenSpec::Tcp(any.into())),
        bind(ListenSpec::Udp(any.into())),
    );
    let addrs = (local(&time_udp), local(&time_tcp), local(&echo_udp));

    let mut reactor = Reactor::new().expect("reactor");
    reactor.set_drain(Duration::ZERO);
    let shared = std::sync::Arc::new(ServerShared::for_settings(&ServerSettings::default()));
    let time = Rc::new(RefCell::new(TimeService::new(TimeConfig {
        format: Format::Unix,
        zone: Zone::Utc,
        rate_limit: 100,
    })));
    add_socket(&mut reactor, time_udp, &time, &shared, None).expect("time over UDP");
    add_socket(&mut reactor, time_tcp, &time, &shared, None).expect("time over TCP");
    add_socket(
        &mut reactor,
        echo_udp,
        &Rc::new(RefCell::new(Echo)),
        &shared,
        None,
    )
    .expect("echo");

    /// Stops the loop when the client is done, even if it panicked, so the test cannot hang.
    struct StopOnDrop(tackle::reactor::StopHandle);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            let _ = self.0.request_stop();
        }
    }

    // The handlers are not Send, so the loop runs here and the client on another thread.
    let stop = StopOnDrop(reactor.stop_handle());
    let client = std::thread::spawn(move || {
        let _stop = stop;
        let (time_udp, time_tcp, echo_udp) = addrs;
        (
            ask_udp(time_udp, b"time?"),
            ask_udp(echo_udp, b"echo me"),
            ask_tcp(time_tcp, b""),
            ask_udp(echo_udp, b""),
        )
    });
    reactor.run().expect("the loop runs");
    let (time_reply, echo_reply, tcp_reply, empty_echo) = client.join().expect("client");
    assert_close_to_now("unix", parse("unix", &time_reply, &TimeZone::UTC));
    assert_eq!(echo_reply, b"echo me");
    assert_close_to_now("unix", parse("unix", &tcp_reply, &TimeZone::UTC));
    assert!(empty_echo.is_empty());
}

#[test]
fn udp_from_a_low_source_port_gets_no_reply_unless_allowed() {
    common::low_ports::run_where_low_ports_bind(
        "udp_from_a_low_source_port_gets_no_reply_unless_allowed",
        low_source_ports_get_no_reply_unless_allowed,
    );
}

fn low_source_ports_get_no_reply_unless_allowed() {
    for allowed in [false, true] {
        let mut args = vec!["--udp", "0"];
        if allowed {
            args.push("--allow-low-ports");
        }
        let server = serve(&args, 1);
        let low = common::low_ports::udp_socket_on_a_low_port().expect("a UDP port below 1024");
        low.connect(addr(&server, 0)).expect("connect");
        low.send(b"").expect("send from the low port");
        // Datagrams are answered in arrival order: once this later one is answered, a reply
        // to the low port, had there been one, is already waiting in its buffer.
        assert!(!ask_udp(addr(&server, 0), b"").is_empty());
        low.set_nonblocking(true).expect("nonblocking");
        let mut buf = [0u8; 64];
        let low_reply = low.recv(&mut buf);
        assert_eq!(low_reply.is_ok(), allowed, "{low_reply:?}");
        server.signal(libc::SIGTERM);
        let (status, stderr) = server.wait();
        assert_eq!(status.code(), Some(0), "{stderr}");
        let dropped = if allowed { 0 } else { 1 };
        assert!(stderr.contains(&format!("{dropped} dropped")), "{stderr}");
    }
}
