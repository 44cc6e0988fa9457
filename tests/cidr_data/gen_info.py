#!/usr/bin/env python3
"""Generates tests/cidr_data/python313_info.jsonl: what Python 3.13's ipaddress says about
random networks and addresses, biased towards the special-purpose blocks, for the fields
`tackle cidr-expand --info --json` prints.

The machine that made the vectors has CPython 3.11 only, so this script runs 3.11's
ipaddress with the rules that changed by 3.13 put back in, re-typed from CPython 3.13's
Lib/ipaddress.py (the CVE-2024-4032 lists and exceptions, network-level is_private,
IPv4-mapped addresses judged by their IPv4 address, their dotted text and exploded form).
It also prints, on stderr, which fields 3.11 would have answered differently and how
often: README.md lists those differences.

    python3 tests/cidr_data/gen_info.py > tests/cidr_data/python313_info.jsonl

`cargo test` reads the committed file; it never runs Python.
"""

import functools
import ipaddress as ip
import json
import random
import sys

N = 1500
rng = random.Random(20241)

# --- 3.11's answers, kept before patching -------------------------------------------------

def snapshot(text):
    return describe(text)

# --- the rules 3.13 changed ----------------------------------------------------------------

V4_PRIVATE = [ip.IPv4Network(n) for n in [
    "0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.0.170/31", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32"]]
V4_EXCEPTIONS = [ip.IPv4Network(n) for n in ["192.0.0.9/32", "192.0.0.10/32"]]
V6_PRIVATE = [ip.IPv6Network(n) for n in [
    "::1/128", "::/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
    "2001:db8::/32", "2002::/16", "3fff::/20", "fc00::/7", "fe80::/10"]]
V6_EXCEPTIONS = [ip.IPv6Network(n) for n in [
    "2001:1::1/128", "2001:1::2/128", "2001:3::/32", "2001:4:112::/48", "2001:20::/28",
    "2001:30::/28"]]
SHARED = ip.IPv4Network("100.64.0.0/10")


def patch_to_313():
    ip._IPv4Constants._private_networks = V4_PRIVATE
    ip._IPv4Constants._private_networks_exceptions = V4_EXCEPTIONS
    ip._IPv6Constants._private_networks = V6_PRIVATE
    ip._IPv6Constants._private_networks_exceptions = V6_EXCEPTIONS

    def addr_private(self):
        c = self._constants
        return (any(self in n for n in c._private_networks)
                and all(self not in n for n in c._private_networks_exceptions))

    ip.IPv4Address.is_private = property(addr_private)
    ip.IPv4Address.is_global = property(lambda self: self not in SHARED and not self.is_private)

    def mapped_or(name, own):
        def prop(self):
            m = self.ipv4_mapped
            return getattr(m, name) if m is not None else own(self)
        return property(prop)

    ip.IPv6Address.is_private = mapped_or("is_private", addr_private)
    ip.IPv6Address.is_global = mapped_or("is_global", lambda s: not s.is_private)
    ip.IPv6Address.is_multicast = mapped_or(
        "is_multicast", lambda s: s in s._constants._multicast_network)
    ip.IPv6Address.is_reserved = mapped_or(
        "is_reserved", lambda s: any(s in x for x in s._constants._reserved_networks))
    ip.IPv6Address.is_link_local = mapped_or(
        "is_link_local", lambda s: s in s._constants._linklocal_network)
    ip.IPv6Address.is_unspecified = mapped_or("is_unspecified", lambda s: s._ip == 0)
    ip.IPv6Address.is_loopback = mapped_or("is_loopback", lambda s: s._ip == 1)

    def net_private(self):
        c = self._constants
        return (any(self.network_address in n and self.broadcast_address in n
                    for n in c._private_networks)
                and all(self.network_address not in n and self.broadcast_address not in n
                        for n in c._private_networks_exceptions))

    ip._BaseNetwork.is_private = property(net_private)
    ip._BaseNetwork.is_global = property(lambda self: not self.is_private)
    ip.IPv4Network.is_global = property(
        lambda self: not (self.network_address in SHARED and self.broadcast_address in SHARED)
        and not self.is_private)

    # IPv4-mapped addresses print as ::ffff:a.b.c.d (3.13), exploded with a dotted tail.
    plain_str = ip.IPv6Address.__str__

    def v6_str(self):
        m = self.ipv4_mapped
        if m is None:
            return plain_str(self)
        return "%s:%s" % (self._string_from_ip_int(self._ip >> 32), m)

    ip.IPv6Address.__str__ = v6_str
    base_explode = ip._BaseV6._explode_shorthand_ip_string

    def v6_explode(self):
        m = self.ipv4_mapped if isinstance(self, ip.IPv6Address) else None
        if isinstance(self, ip.IPv6Network) or m is None:
            return base_explode(self)
        return base_explode(self)[:30] + str(m)

    ip.IPv6Address._explode_shorthand_ip_string = v6_explode

    # The reverse pointer stays in nibbles, mapped or not.
    def v6_reverse(self):
        return ".".join(("%032x" % self._ip)[::-1]) + ".ip6.arpa"

    ip.IPv6Address._reverse_pointer = v6_reverse


# --- what --info prints ----------------------------------------------------------------------

PREDICATES = ["is_private", "is_global", "is_multicast", "is_loopback", "is_link_local",
              "is_reserved", "is_unspecified"]


def describe(text):
    iface = ip.ip_interface(text)
    net, addr = iface.network, iface.ip
    # One address is judged as ip_address, a larger network as ip_network.
    judged = addr if net.prefixlen == net.max_prefixlen else net
    out = {
        "entry": text,
        "network": str(net),
        "address": str(addr),
        "netmask": str(net.netmask),
        "hostmask": str(net.hostmask),
        "broadcast": str(net.broadcast_address),
        "prefix": net.prefixlen,
        "num_addresses": str(net.num_addresses),
        "version": net.version,
        "with_netmask": net.with_netmask,
        "with_hostmask": net.with_hostmask,
        "exploded": net.exploded,
        "compressed": net.compressed,
        "reverse_pointer": addr.reverse_pointer,
    }
    for name in PREDICATES:
        out[name] = getattr(judged, name)
    if net.version == 6:
        out["is_site_local"] = judged.is_site_local
        m, s, t = addr.ipv4_mapped, addr.sixtofour, addr.teredo
        out["ipv4_mapped"] = None if m is None else str(m)
        out["sixtofour"] = None if s is None else str(s)
        out["teredo"] = None if t is None else {"server": str(t[0]), "client": str(t[1])}
    else:
        out["is_site_local"] = out["ipv4_mapped"] = out["sixtofour"] = out["teredo"] = None
    return out


SPECIAL = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.0.8/29", "192.0.0.168/29", "192.0.2.0/24",
    "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.0/24",
    "::/120", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
    "2001::/32", "2001:1::/120", "2001:2::/48", "2001:3::/32", "2001:4:112::/48",
    "2001:10::/28", "2001:20::/28", "2001:30::/28", "2001:db8::/32", "2002::/16",
    "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    "2000::/3", "4000::/2", "::/8",
]


def random_entry():
    roll = rng.random()
    if roll < 0.15:
        v4 = ip.IPv4Address(rng.getrandbits(32))
        return f"{v4}/{rng.randint(0, 32)}" if rng.random() < 0.5 else str(v4)
    if roll < 0.25:
        v6 = ip.IPv6Address(rng.getrandbits(128))
        return f"{v6}/{rng.randint(0, 128)}" if rng.random() < 0.5 else str(v6)
    block = ip.ip_network(rng.choice(SPECIAL))
    if block.version == 4 and rng.random() < 0.2:
        # The same block mapped into IPv6.
        inner = block.network_address + rng.getrandbits(32 - block.prefixlen)
        addr = ip.IPv6Address((0xFFFF << 32) | int(inner))
        bits = 128
        low = 96 + block.prefixlen
    else:
        addr = block.network_address + rng.getrandbits(block.max_prefixlen - block.prefixlen)
        bits = block.max_prefixlen
        low = block.prefixlen
    if rng.random() < 0.4:
        return str(addr)
    prefix = rng.randint(max(0, low - 3), bits)
    return f"{addr}/{prefix}"


def main():
    entries = [random_entry() for _ in range(N)]
    before = [snapshot(e) for e in entries]
    patch_to_313()
    differ = {}
    for entry, old in zip(entries, before):
        new = describe(entry)
        for key in new:
            if new[key] != old[key]:
                differ.setdefault(key, []).append(entry)
        print(json.dumps(new, sort_keys=True))
    print(f"{N} entries (Python {sys.version.split()[0]} patched to 3.13's rules)", file=sys.stderr)
    for key, examples in sorted(differ.items()):
        print(f"  3.11 differs on {key}: {len(examples)} entries, e.g. {examples[:3]}", file=sys.stderr)


if __name__ == "__main__":
    main()
