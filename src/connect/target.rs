//! Where `connect` goes and from where: the ADDR (and nc-style PORT) arguments, `--source`,
//! `--ipv4`/`--ipv6`, and the addresses a name resolves to, filtered by family.
//!
//! ADDR takes the servers' forms (`PORT` on 127.0.0.1, `HOST:PORT`, `[V6]:PORT`, `NAME:PORT`,
//! parsed by `net::listen`), or, as nc takes them, a host and a separate PORT. Names are
//! resolved when connecting; a name that does not resolve is a runtime failure (exit 1).

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use crate::net::listen::{ListenAddr, parse_listen_addr};

/// An internet host and port, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InetTarget(ListenAddr);

impl InetTarget {
    /// The target `ADDR`, or with `port` (nc style) the host `ADDR` and that port. Port 0
    /// cannot be connected to.
    pub fn parse(addr: &str, port: Option<&str>) -> Result<InetTarget, String> {
        let target = match port {
            None => parse_listen_addr(addr)?,
            Some(port) => host_and_port(addr, port)?,
        };
        let port = match &target {
            ListenAddr::Addr(addr) => addr.port(),
            ListenAddr::Name { port, .. } => *port,
        };
        if port == 0 {
            return Err(format!("{target}: port 0 cannot be connected to"));
        }
        Ok(InetTarget(target))
    }

    /// The host part: a name, or an address (without brackets), for TLS's server name.
    pub fn host(&self) -> String {
        match &self.0 {
            ListenAddr::Addr(addr) => addr.ip().to_string(),
            ListenAddr::Name { host, .. } => host.clone(),
        }
    }

    /// Whether the target is given by name (so the address tried is worth showing).
    pub fn is_name(&self) -> bool {
        matches!(self.0, ListenAddr::Name { .. })
    }

    /// The addresses to try, in the resolver's order, keeping only those of `family`.
    pub fn candidates(&self, family: Family) -> Result<Vec<SocketAddr>, String> {
        let all = self.0.resolve_all().map_err(|e| e.to_string())?;
        let kept: Vec<SocketAddr> = all.into_iter().filter(|a| family.admits(a.ip())).collect();
        if kept.is_empty() {
            return Err(format!("has no {} address", family.describe()));
        }
        Ok(kept)
    }
}

impl fmt::Display for InetTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// `HOST PORT` as nc takes them: an address (IPv6 with or without brackets) or a name.
fn host_and_port(host: &str, port: &str) -> Result<ListenAddr, String> {
    let port: u16 = port
        .parse()
        .map_err(|_| format!("invalid port {port:?}; expected a number from 1 to 65535"))?;
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(ListenAddr::Addr(SocketAddr::new(ip, port)));
    }
    // A name: the same characters a listener's name may hold.
    parse_listen_addr(&format!("{host}:{port}"))
        .map_err(|_| format!("invalid host {host:?}; expected an address or a host name"))
}

/// Which address family a name may resolve to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    #[default]
    Any,
    V4,
    V6,
}

impl Family {
    /// The family of `--source`, or of `--ipv4`/`--ipv6`; they must agree.
    pub fn chosen(ipv4: bool, ipv6: bool, source: Option<&SocketAddr>) -> Result<Family, String> {
        let flag = match (ipv4, ipv6) {
            (true, _) => Family::V4,
            (_, true) => Family::V6,
            _ => Family::Any,
        };
        let from_source = match source {
            Some(SocketAddr::V4(_)) => Family::V4,
            Some(SocketAddr::V6(_)) => Family::V6,
            None => Family::Any,
        };
        match (flag, from_source) {
            (Family::Any, f) | (f, Family::Any) => Ok(f),
            (a, b) if a == b => Ok(a),
            (a, _) => Err(format!(
                "--source is an {} address, which cannot reach an {} one",
                if a == Family::V4 { "IPv6" } else { "IPv4" },
                a.describe()
            )),
        }
    }

    fn admits(self, ip: IpAddr) -> bool {
        match self {
            Family::Any => true,
            Family::V4 => ip.is_ipv4(),
            Family::V6 => ip.is_ipv6(),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Family::Any => "usable",
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// Parses `--source`: `IP`, `IP:PORT`, `[V6]` or `[V6]:PORT` (port 0 or none: any port).
pub fn parse_source(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let bare = text
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(text);
    bare.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 0))
        .map_err(|_| {
            format!("invalid source address {text:?}; expected IP, IP:PORT, [IPV6] or [IPV6]:PORT")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str) -> InetTarget {
        InetTarget(ListenAddr::Addr(text.parse().unwrap()))
    }

    #[test]
    fn takes_the_servers_forms_and_nc_style_host_and_port() {
        assert_eq!(
            InetTarget::parse("7000", None).unwrap(),
            at("127.0.0.1:7000")
        );
        assert_eq!(InetTarget::parse("[::1]:7", None).unwrap(), at("[::1]:7"));
        assert_eq!(InetTarget::parse("::1", Some("7")).unwrap(), at("[::1]:7"));
        assert_eq!(
            InetTarget::parse("[::1]", Some("7")).unwrap(),
            at("[::1]:7")
        );
        assert_eq!(
            InetTarget::parse("10.0.0.1", Some("7")).unwrap(),
            at("10.0.0.1:7")
        );
        let named = InetTarget::parse("localhost", Some("25")).unwrap();
        assert_eq!(named.to_string(), "localhost:25");
        assert!(named.is_name());
        assert_eq!(named.host(), "localhost");
        assert_eq!(at("[::1]:7").host(), "::1");
    }

    #[test]
    fn refuses_port_zero_and_junk() {
        for (addr, port) in [
            ("0", None),
            ("localhost:0", None),
            ("localhost", Some("0")),
            ("localhost", Some("x")),
            ("a b", Some("7")),
            ("", None),
            ("::1", None),
        ] {
            assert!(InetTarget::parse(addr, port).is_err(), "{addr} {port:?}");
        }
    }

    #[test]
    fn families_filter_and_must_agree_with_the_source() {
        let v6: SocketAddr = "[::1]:0".parse().unwrap();
        assert_eq!(Family::chosen(false, false, Some(&v6)), Ok(Family::V6));
        assert!(Family::chosen(true, false, Some(&v6)).is_err());
        assert_eq!(Family::chosen(false, true, None), Ok(Family::V6));
        let err = at("127.0.0.1:7").candidates(Family::V6).unwrap_err();
        assert!(err.contains("IPv6"), "{err}");
        assert_eq!(
            at("127.0.0.1:7").candidates(Family::V4).unwrap(),
            vec!["127.0.0.1:7".parse::<SocketAddr>().unwrap()]
        );
    }

    #[test]
    fn source_addresses() {
        assert_eq!(
            parse_source("10.0.0.1").unwrap(),
            "10.0.0.1:0".parse().unwrap()
        );
        assert_eq!(parse_source("[::1]").unwrap(), "[::1]:0".parse().unwrap());
        assert_eq!(parse_source("::1").unwrap(), "[::1]:0".parse().unwrap());
        assert_eq!(
            parse_source("10.0.0.1:99").unwrap(),
            "10.0.0.1:99".parse().unwrap()
        );
        assert!(parse_source("localhost").is_err());
        assert!(parse_source("10.0.0.1:x").is_err());
    }

    proptest! {
        #[test]
        fn parsing_never_panics(addr in "\\PC{0,40}", port in proptest::option::of("\\PC{0,8}")) {
            let _ = InetTarget::parse(&addr, port.as_deref());
            let _ = parse_source(&addr);
        }
    }
}
