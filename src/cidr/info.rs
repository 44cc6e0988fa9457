//! The `--info` record of one network: ipcalc's facts (netmask, broadcast, host range,
//! sizes), Python's forms (`with_netmask`, `exploded`, `reverse_pointer`, ...) and address
//! types (`is_private`, ..., `ipv4_mapped`, `teredo`) after Python 3.13, and the IANA
//! address space name. Text is one `key: value` line per field; JSON one object.

use super::addr::{Family, Network, Range};
use super::format::{MAX_ADDRESS_LEN, Style, address_text, address_text_in, put_v6_groups};
use super::output::json_string;
use super::parse::network_text;
use super::special::{Predicate, address_space, ipv4_mapped, sixtofour, teredo};

/// One field's value.
enum Value {
    Text(String),
    Number(String),
    Bool(bool),
    Null,
    /// Teredo's (server, client).
    Pair(String, String),
}

impl Value {
    fn json(&self) -> String {
        match self {
            Value::Text(text) => json_string(text),
            Value::Number(n) => n.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".to_owned(),
            Value::Pair(server, client) => format!(
                "{{\"server\":{},\"client\":{}}}",
                json_string(server),
                json_string(client)
            ),
        }
    }

    fn text(&self) -> String {
        match self {
            Value::Text(text) | Value::Number(text) => text.clone(),
            Value::Bool(b) => if *b { "True" } else { "False" }.to_owned(),
            Value::Null => "None".to_owned(),
            Value::Pair(server, client) => format!("server {server}, client {client}"),
        }
    }
}

/// The `--info` record of `net`, entered as `address` (host bits as typed).
pub fn info_record(net: Network, address: u128, json: bool) -> String {
    let fields = info_fields(net, address);
    if json {
        let parts: Vec<String> = fields
            .iter()
            .map(|(key, value)| format!("\"{key}\":{}", value.json()))
            .collect();
        format!("{{{}}}", parts.join(","))
    } else {
        let lines: Vec<String> = fields
            .iter()
            .map(|(key, value)| format!("{:<16} {}", format!("{key}:"), value.text()))
            .collect();
        lines.join("\n")
    }
}

fn info_fields(net: Network, address: u128) -> Vec<(&'static str, Value)> {
    let family = net.family;
    let hosts = net.hosts();
    let text = |addr| Value::Text(address_text(family, addr));
    let with = |mask| {
        Value::Text(format!(
            "{}/{}",
            address_text(family, net.addr),
            address_text(family, mask)
        ))
    };
    let v4_text = |addr: u32| address_text(Family::V4, u128::from(addr));
    let v6_only = |value: Option<String>| match (family, value) {
        (Family::V6, Some(v)) => Value::Text(v),
        _ => Value::Null,
    };
    // One address is judged as ip_address; anything larger as ip_network.
    let judged: Range = net.range();
    let mut fields = vec![
        ("network", Value::Text(network_text(net))),
        ("address", text(address)),
        ("netmask", text(net.netmask())),
        ("hostmask", text(net.hostmask())),
        ("broadcast", text(net.last())),
        ("first_host", text(hosts.first)),
        ("last_host", text(hosts.last)),
        ("prefix", Value::Number(net.prefix.to_string())),
        (
            "num_addresses",
            Value::Number(net.range().count().to_string()),
        ),
        ("num_hosts", Value::Number(hosts.count().to_string())),
        ("version", Value::Number(family.version().to_string())),
        ("with_netmask", with(net.netmask())),
        ("with_hostmask", with(net.hostmask())),
        ("exploded", Value::Text(exploded_network(net))),
        ("compressed", Value::Text(network_text(net))),
        (
            "reverse_pointer",
            Value::Text(address_text_in(family, address, Style::Reverse)),
        ),
        (
            "address_space",
            Value::Text(address_space(judged).to_owned()),
        ),
    ];
    for predicate in Predicate::ALL {
        let value = match predicate {
            Predicate::SiteLocal if family == Family::V4 => Value::Null,
            Predicate::Ipv4Mapped | Predicate::SixToFour | Predicate::Teredo => continue,
            _ => Value::Bool(predicate.holds(judged)),
        };
        fields.push((predicate.key(), value));
    }
    fields.push(("ipv4_mapped", v6_only(ipv4_mapped(address).map(v4_text))));
    fields.push(("sixtofour", v6_only(sixtofour(address).map(v4_text))));
    fields.push((
        "teredo",
        match (family, teredo(address)) {
            (Family::V6, Some((server, client))) => Value::Pair(v4_text(server), v4_text(client)),
            _ => Value::Null,
        },
    ));
    fields
}

/// Python's `IPv6Network.exploded`: eight four-digit groups (IPv4-mapped ones too), then
/// the prefix; IPv4 networks are as compressed.
fn exploded_network(net: Network) -> String {
    match net.family {
        Family::V4 => network_text(net),
        Family::V6 => {
            let mut buf = [0u8; MAX_ADDRESS_LEN];
            let len = put_v6_groups(net.addr, false, &mut buf);
            format!("{}/{}", String::from_utf8_lossy(&buf[..len]), net.prefix)
        }
    }
}
