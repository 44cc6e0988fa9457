//! `tackle cidr-expand` through the real binary: the seed recipe's vectors, every mode,
//! input forms, error paths and pipelines; and property tests over the library for the
//! parser and for the laws between modes (count equals lines expanded, aggregate of an
//! expansion is the input, exclude partitions).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::tackle;

fn expand(args: &[&str]) -> Vec<String> {
    let out = tackle(std::iter::once("cidr-expand").chain(args.iter().copied())).run();
    out.success().stderr_empty();
    out.stdout_str().lines().map(str::to_owned).collect()
}

fn cidr(args: &[&str]) -> common::Outcome {
    tackle(std::iter::once("cidr-expand").chain(args.iter().copied())).run()
}

// --- the seed recipe ---------------------------------------------------------------------

#[test]
fn seed_ipv4_network_has_32_addresses_from_64_to_95() {
    let lines = expand(&["123.45.67.64/27"]);
    assert_eq!(lines.len(), 32);
    assert_eq!(lines[0], "123.45.67.64");
    assert_eq!(lines[1], "123.45.67.65");
    assert_eq!(lines[31], "123.45.67.95");
    cidr(&["--count", "123.45.67.64/27"])
        .success()
        .stdout_is("123.45.67.64/27 32\ntotal 32\n");
    cidr(&["--index", "-1", "123.45.67.64/27"])
        .success()
        .stdout_is("123.45.67.95\n");
    cidr(&["--index", "1", "123.45.67.64/27"])
        .success()
        .stdout_is("123.45.67.65\n");
}

#[test]
fn seed_ipv6_network_has_8_addresses() {
    let want: Vec<String> = (0..8)
        .map(|i| format!("12:3456:78:90ab:cd:ef01:23:3{i}"))
        .collect();
    assert_eq!(expand(&["12:3456:78:90ab:cd:ef01:23:30/125"]), want);
}

#[test]
fn interface_with_host_bits_means_its_network_unless_strict() {
    assert_eq!(expand(&["123.45.67.73/27"]), expand(&["123.45.67.64/27"]));
    cidr(&["--strict", "123.45.67.73/27"])
        .code(1)
        .stdout_is("")
        .stderr_contains(
            "tackle: cidr-expand: 123.45.67.73/27: has host bits set (the network is 123.45.67.64/27)",
        )
        .stderr_contains("(argument 1)");
    cidr(&["--strict", "123.45.67.64/27", "--count"]).success();
}

// --- expansion and hosts() ---------------------------------------------------------------

#[test]
fn hosts_follow_python_edge_cases() {
    assert_eq!(
        expand(&["--hosts", "10.0.0.0/30"]),
        ["10.0.0.1", "10.0.0.2"]
    );
    assert_eq!(
        expand(&["--hosts", "10.0.0.0/31"]),
        ["10.0.0.0", "10.0.0.1"]
    );
    assert_eq!(expand(&["--hosts", "10.0.0.7/32"]), ["10.0.0.7"]);
    assert_eq!(
        expand(&["--hosts", "2001:db8::/127"]),
        ["2001:db8::", "2001:db8::1"]
    );
    assert_eq!(expand(&["--hosts", "2001:db8::5/128"]), ["2001:db8::5"]);
    assert_eq!(
        expand(&["--hosts", "2001:db8::/126"]),
        ["2001:db8::1", "2001:db8::2", "2001:db8::3"]
    );
    cidr(&["--hosts", "--count", "0.0.0.0/0", "::/0"])
        .success()
        .stdout_is(
            "0.0.0.0/0 4294967294\n::/0 340282366920938463463374607431768211455\n\
         total 340282366920938463463374607436063178749\n",
        );
    assert_eq!(
        expand(&["--hosts", "--limit", "2", "0.0.0.0/0"]),
        ["0.0.0.1", "0.0.0.2"]
    );
    // A range has no network or broadcast address to drop.
    assert_eq!(
        expand(&["--hosts", "10.0.0.0-10.0.0.2"]),
        ["10.0.0.0", "10.0.0.1", "10.0.0.2"]
    );
}

#[test]
fn ranges_bare_addresses_and_mapped_addresses_expand() {
    assert_eq!(
        expand(&["10.0.0.254-10.0.1.1", "1.2.3.4"]),
        [
            "10.0.0.254",
            "10.0.0.255",
            "10.0.1.0",
            "10.0.1.1",
            "1.2.3.4"
        ]
    );
    assert_eq!(
        expand(&["2001:db8::fffe-2001:db8::1:1"]),
        [
            "2001:db8::fffe",
            "2001:db8::ffff",
            "2001:db8::1:0",
            "2001:db8::1:1"
        ]
    );
    assert_eq!(
        expand(&["::ffff:10.0.0.0/127"]),
        ["::ffff:10.0.0.0", "::ffff:10.0.0.1"]
    );
    assert_eq!(
        expand(&["10.0.0.0/255.255.255.254"]),
        ["10.0.0.0", "10.0.0.1"]
    );
}

#[test]
fn ipv6_text_is_compressed_like_python() {
    // Crossing a zero last group changes where `::` goes.
    assert_eq!(
        expand(&["1:0:0:0:0:0:0:ffff-1:0:0:0:0:0:1:1"]),
        ["1::ffff", "1::1:0", "1::1:1"]
    );
    assert_eq!(expand(&["::/127"]), ["::", "::1"]);
    assert_eq!(
        expand(&["1:0:0:1:0:0:0:0/127"]),
        ["1:0:0:1::", "1:0:0:1::1"]
    );
}

#[test]
fn huge_networks_stream_and_a_closed_pipe_exits_quietly() {
    for network in ["::/0", "0.0.0.0/0"] {
        let mut child = Command::new(common::bin())
            .args(["cidr-expand", network])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn tackle");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut lines = Vec::new();
        for _ in 0..3 {
            let mut line = String::new();
            stdout.read_line(&mut line).expect("read a line");
            lines.push(line);
        }
        drop(stdout);
        let out = child.wait_with_output().expect("wait for tackle");
        assert_eq!(out.status.code(), Some(0), "{network}: {out:?}");
        assert!(out.stderr.is_empty(), "{network}: {out:?}");
        let first = if network == "::/0" {
            "::\n"
        } else {
            "0.0.0.0\n"
        };
        assert_eq!(lines[0], first);
    }
}

// --- count -------------------------------------------------------------------------------

#[test]
fn count_is_exact_past_two_to_the_128() {
    cidr(&["--count", "::/0", "::/0"]).success().stdout_is(
        "::/0 340282366920938463463374607431768211456\n\
         ::/0 340282366920938463463374607431768211456\n\
         total 680564733841876926926749214863536422912\n",
    );
    cidr(&["--count", "2001:db8::/64", "10.0.0.5-10.0.0.20"])
        .success()
        .stdout_is(
            "2001:db8::/64 18446744073709551616\n10.0.0.5-10.0.0.20 16\n\
             total 18446744073709551632\n",
        );
}

#[test]
fn count_json_is_an_array_with_a_total() {
    let out = cidr(&["--count", "--json", "--hosts", "10.0.0.0/24", "::/0"]);
    out.success();
    // Python reads big integers exactly; check the text as well as the shape.
    out.stdout_contains("\"count\":340282366920938463463374607431768211455");
    let value: serde_json::Value = serde_json::from_str(out.stdout_str()).expect("JSON");
    assert_eq!(value[0]["input"], "10.0.0.0/24");
    assert_eq!(value[0]["count"], 254);
    assert_eq!(value[1]["input"], "::/0");
    assert!(value[2]["total"].is_number());
}

// --- aggregate, exclude, unique ----------------------------------------------------------

#[test]
fn aggregate_collapses_and_sorts_ipv4_first() {
    cidr(&[
        "--aggregate",
        "2001:db8::/33",
        "10.0.0.128/25",
        "2001:db8:8000::/33",
        "10.0.0.0/25",
        "192.168.0.5-192.168.0.20",
        "10.0.0.77",
    ])
    .success()
    .stdout_is(
        "10.0.0.0/24\n192.168.0.5/32\n192.168.0.6/31\n192.168.0.8/29\n192.168.0.16/30\n\
         192.168.0.20/32\n2001:db8::/32\n",
    );
    let out = cidr(&["--aggregate", "--json", "10.0.0.0/25", "10.0.0.128/25"]);
    out.success().stdout_is("[\n  \"10.0.0.0/24\"\n]\n");
    cidr(&["--aggregate", "--json", "--skip-invalid", "nonsense"])
        .success()
        .stdout_is("[]\n");
}

#[test]
fn exclude_matches_address_exclude_sorted() {
    // Python: list(ip_network('10.0.0.0/24').address_exclude(ip_network('10.0.0.64/26')))
    // gives 10.0.0.128/25 and 10.0.0.0/26; sorted here.
    cidr(&["--aggregate", "--exclude", "10.0.0.64/26", "10.0.0.0/24"])
        .success()
        .stdout_is("10.0.0.0/26\n10.0.0.128/25\n");
    assert_eq!(
        expand(&[
            "--exclude",
            "10.0.0.1",
            "--exclude",
            "10.0.0.2-10.0.0.3",
            "10.0.0.0/29"
        ]),
        ["10.0.0.0", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7"]
    );
    cidr(&["--count", "--exclude", "10.0.0.0/25", "10.0.0.0/24", "::/0"])
        .success()
        .stdout_is(
            "10.0.0.0/24 128\n::/0 340282366920938463463374607431768211456\n\
             total 340282366920938463463374607431768211584\n",
        );
}

#[test]
fn exclude_file_takes_entries_with_comments() {
    tackle([
        "cidr-expand",
        "--aggregate",
        "--exclude-file",
        "skip.txt",
        "10.0.0.0/24",
    ])
    .file("skip.txt", "# reserved\n10.0.0.0/25\n\n  10.0.0.255  \n")
    .run()
    .success()
    .stdout_is("10.0.0.128/26\n10.0.0.192/27\n10.0.0.224/28\n10.0.0.240/29\n10.0.0.248/30\n10.0.0.252/31\n10.0.0.254/32\n");
    tackle(["cidr-expand", "--exclude-file", "skip.txt", "10.0.0.0/24"])
        .file("skip.txt", "10.0.0.0/25\n10.0.0.300\n")
        .run()
        .code(1)
        .stderr_contains("10.0.0.300: not an address, network, range or target")
        .stderr_contains("(skip.txt line 2)");
    cidr(&["--exclude-file", "missing.txt", "10.0.0.0/24"])
        .code(1)
        .stderr_contains("missing.txt");
}

#[test]
fn unique_dedupes_overlapping_inputs_in_order() {
    assert_eq!(
        expand(&[
            "--unique",
            "10.0.0.2/31",
            "10.0.0.0/30",
            "10.0.0.3-10.0.0.4",
            "::1"
        ]),
        [
            "10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "::1"
        ]
    );
    assert_eq!(expand(&["10.0.0.0/31", "10.0.0.0/31"]).len(), 4);
}

// --- split, index, info ------------------------------------------------------------------

#[test]
fn split_gives_python_subnets() {
    let quarters = [
        "10.0.0.0/26",
        "10.0.0.64/26",
        "10.0.0.128/26",
        "10.0.0.192/26",
    ];
    assert_eq!(expand(&["--split", "/26", "10.0.0.0/24"]), quarters);
    assert_eq!(expand(&["--split", "26", "10.0.0.0/24"]), quarters);
    assert_eq!(expand(&["--split-count", "4", "10.0.0.0/24"]), quarters);
    assert_eq!(
        expand(&["--split", "/34", "2001:db8::/32"]),
        [
            "2001:db8::/34",
            "2001:db8:4000::/34",
            "2001:db8:8000::/34",
            "2001:db8:c000::/34"
        ]
    );
    assert_eq!(expand(&["--split", "24", "10.0.0.0/24"]), ["10.0.0.0/24"]);
    assert_eq!(
        expand(&["--split", "128", "--limit", "2", "::/0"]),
        ["::/128", "::1/128"]
    );
    let out = cidr(&["--split-count", "2", "--json", "10.0.0.0/24"]);
    out.success()
        .stdout_is("[\n  \"10.0.0.0/25\",\n  \"10.0.0.128/25\"\n]\n");
}

#[test]
fn split_rejects_what_python_rejects() {
    cidr(&["--split", "/20", "10.0.0.0/24"])
        .code(1)
        .stderr_contains("10.0.0.0/24: cannot split a /24 into /20s");
    cidr(&["--split", "/33", "10.0.0.0/24"])
        .code(1)
        .stderr_contains("IPv4 allows at most /32");
    cidr(&["--split-count", "4", "10.0.0.0/31"])
        .code(1)
        .stderr_contains("cannot split a /31 into 4 parts: it has only 2 addresses");
    cidr(&["--split", "/26", "10.0.0.5-10.0.0.20"])
        .code(1)
        .stderr_contains("a range that is not a single network cannot be split");
    // A range that is exactly one network splits like it.
    assert_eq!(expand(&["--split", "/25", "10.0.0.0-10.0.0.255"]).len(), 2);
    cidr(&["--split-count", "0", "10.0.0.0/24"])
        .code(2)
        .stderr_contains("at least 1");
    cidr(&["--split", "/129", "10.0.0.0/24"]).code(2);
}

#[test]
fn index_picks_from_either_end() {
    assert_eq!(
        expand(&["--index", "0", "10.0.0.0/24", "2001:db8::/64"]),
        ["10.0.0.0", "2001:db8::"]
    );
    assert_eq!(
        expand(&["--index=-1", "10.0.0.0/24", "2001:db8::/64"]),
        ["10.0.0.255", "2001:db8::ffff:ffff:ffff:ffff"]
    );
    assert_eq!(expand(&["--index", "-256", "10.0.0.0/24"]), ["10.0.0.0"]);
    assert_eq!(
        expand(&["--hosts", "--index", "-1", "10.0.0.0/24"]),
        ["10.0.0.254"]
    );
    assert_eq!(
        expand(&["--index", "340282366920938463463374607431768211455", "::/0"]),
        ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]
    );
    assert_eq!(
        expand(&["--json", "--index", "2", "10.0.0.0/24"]),
        ["\"10.0.0.2\""]
    );
    cidr(&["--index", "256", "10.0.0.0/24"])
        .code(1)
        .stderr_contains("10.0.0.0/24: index 256 is out of range for 256 addresses (argument 1)");
    cidr(&["--index", "-257", "10.0.0.0/24"])
        .code(1)
        .stderr_contains("index -257 is out of range");
    cidr(&["--index", "x", "10.0.0.0/24"]).code(2);
    // Python: net[-0] is net[0].
    cidr(&["--index", "-0", "10.0.0.0/24"])
        .success()
        .stdout_is("10.0.0.0\n");
}

#[test]
fn info_describes_a_network_like_ipcalc() {
    cidr(&["--info", "123.45.67.73/27"]).success().stdout_is(
        "network:         123.45.67.64/27\n\
         address:         123.45.67.73\n\
         netmask:         255.255.255.224\n\
         hostmask:        0.0.0.31\n\
         broadcast:       123.45.67.95\n\
         first_host:      123.45.67.65\n\
         last_host:       123.45.67.94\n\
         prefix:          27\n\
         num_addresses:   32\n\
         num_hosts:       30\n\
         version:         4\n\
         with_netmask:    123.45.67.64/255.255.255.224\n\
         with_hostmask:   123.45.67.64/0.0.0.31\n\
         exploded:        123.45.67.64/27\n\
         compressed:      123.45.67.64/27\n\
         reverse_pointer: 73.67.45.123.in-addr.arpa\n\
         address_space:   Internet\n\
         is_private:      False\n\
         is_global:       True\n\
         is_multicast:    False\n\
         is_loopback:     False\n\
         is_link_local:   False\n\
         is_reserved:     False\n\
         is_unspecified:  False\n\
         is_site_local:   None\n\
         ipv4_mapped:     None\n\
         sixtofour:       None\n\
         teredo:          None\n",
    );
    let out = cidr(&["--info", "--json", "2001:db8::/64", "10.0.0.0/31"]);
    out.success();
    let value: serde_json::Value = serde_json::from_str(out.stdout_str()).expect("JSON");
    let v6 = &value[0];
    assert_eq!(v6["network"], "2001:db8::/64");
    assert_eq!(v6["netmask"], "ffff:ffff:ffff:ffff::");
    assert_eq!(v6["hostmask"], "::ffff:ffff:ffff:ffff");
    assert_eq!(v6["broadcast"], "2001:db8::ffff:ffff:ffff:ffff");
    assert_eq!(v6["first_host"], "2001:db8::1");
    assert_eq!(v6["prefix"], 64);
    assert_eq!(v6["num_addresses"].as_u64(), None); // 2^64 is past u64; still exact text
    out.stdout_contains("\"num_addresses\":18446744073709551616");
    assert_eq!(v6["version"], 6);
    let v4 = &value[1];
    assert_eq!(v4["first_host"], "10.0.0.0");
    assert_eq!(v4["last_host"], "10.0.0.1");
    assert_eq!(v4["num_hosts"], 2);
    cidr(&["--info", "10.0.0.1-10.0.0.2"])
        .code(1)
        .stderr_contains("has no netmask");
}

// --- limit, shuffle ----------------------------------------------------------------------

#[test]
fn limit_counts_lines_across_inputs() {
    assert_eq!(
        expand(&["--limit", "3", "10.0.0.0/31", "::/0"]),
        ["10.0.0.0", "10.0.0.1", "::"]
    );
    assert_eq!(
        expand(&["--limit", "0", "10.0.0.0/24"]),
        Vec::<String>::new()
    );
    assert_eq!(
        expand(&["--aggregate", "--limit", "1", "10.0.0.0/24", "::/0"]),
        ["10.0.0.0/24"]
    );
}

#[test]
fn shuffle_is_a_seeded_permutation_of_the_union() {
    let args = [
        "--shuffle",
        "--seed",
        "42",
        "10.0.0.0/24",
        "10.0.0.128/25",
        "::/124",
    ];
    let shuffled = expand(&args);
    assert_eq!(shuffled, expand(&args), "same seed, same order");
    let mut sorted = shuffled.clone();
    sorted.sort();
    let mut want = expand(&["--unique", "10.0.0.0/24", "::/124"]);
    want.sort();
    assert_eq!(sorted, want, "every address exactly once");
    assert_ne!(shuffled, expand(&["--unique", "10.0.0.0/24", "::/124"]));
    assert_ne!(
        shuffled,
        expand(&["--shuffle", "--seed", "43", "10.0.0.0/24", "::/124"])
    );
    // No seed: still a permutation.
    let mut unseeded = expand(&["--shuffle", "10.0.0.0/28"]);
    unseeded.sort();
    let mut all = expand(&["10.0.0.0/28"]);
    all.sort();
    assert_eq!(unseeded, all);
}

#[test]
fn shuffle_starts_at_once_on_the_largest_spaces() {
    let lines = expand(&["--shuffle", "--limit", "3", "::/0"]);
    assert_eq!(lines.len(), 3);
    let lines = expand(&[
        "--shuffle",
        "--seed",
        "1",
        "--limit",
        "3",
        "--hosts",
        "0.0.0.0/0",
    ]);
    assert_eq!(lines.len(), 3);
    cidr(&["--shuffle", "::/0", "10.0.0.0/32"])
        .code(1)
        .stderr_contains("at most 2^128 addresses");
    cidr(&["--seed", "1", "10.0.0.0/32"]).code(2);
}

// --- output formats ----------------------------------------------------------------------

#[test]
fn json_lines_integers_and_delimiters() {
    cidr(&["--json", "10.0.0.0/31", "::/127"])
        .success()
        .stdout_is("\"10.0.0.0\"\n\"10.0.0.1\"\n\"::\"\n\"::1\"\n");
    cidr(&["--format", "dec", "10.0.0.0/31"])
        .success()
        .stdout_is("167772160\n167772161\n");
    cidr(&["--format", "hex", "10.0.0.254/31", "::ff/128"])
        .success()
        .stdout_is("a0000fe\na0000ff\nff\n");
    cidr(&["--format", "dec", "--json", "10.0.0.0/31"])
        .success()
        .stdout_is("167772160\n167772161\n");
    cidr(&["--delimiter", ",", "10.0.0.0/30", "10.0.0.9"])
        .success()
        .stdout_is("10.0.0.0,10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.9\n");
    cidr(&["--delimiter", "\\t", "--aggregate", "10.0.0.0/24", "::/0"])
        .success()
        .stdout_is("10.0.0.0/24\t::/0\n");
    cidr(&["--delimiter", "-->-->-->-->-->-->", "::fffe/127"])
        .success()
        .stdout_is("::fffe-->-->-->-->-->-->::ffff\n");
    cidr(&["--json", "--delimiter", ",", "10.0.0.0/30"]).code(2);
    cidr(&["--format", "hex", "--count", "10.0.0.0/30"]).code(2);
}

#[test]
fn large_runs_match_a_reference_line_by_line() {
    // 70 000 addresses crossing IPv6 group and IPv4 octet boundaries, checked against
    // formatting done with the standard library.
    let lines = expand(&["2001:db8::fff0-2001:db8::2:1170", "10.0.255.250-10.1.1.4"]);
    let v6 = |text: &str| text.parse::<std::net::Ipv6Addr>().expect("v6").to_bits();
    let v4 = |text: &str| text.parse::<std::net::Ipv4Addr>().expect("v4").to_bits();
    let mut want: Vec<String> = (v6("2001:db8::fff0")..=v6("2001:db8::2:1170"))
        .map(|a| std::net::Ipv6Addr::from_bits(a).to_string())
        .collect();
    want.extend(
        (v4("10.0.255.250")..=v4("10.1.1.4")).map(|a| std::net::Ipv4Addr::from_bits(a).to_string()),
    );
    assert_eq!(lines.len(), want.len());
    assert!(lines == want, "expansion differs from the reference");
}

// --- input -------------------------------------------------------------------------------

#[test]
fn stdin_lines_are_trimmed_and_comments_skipped() {
    tackle(["cidr-expand"])
        .stdin("# my networks\n  10.0.0.0/31  \n\n\t::1\n")
        .run()
        .success()
        .stdout_is("10.0.0.0\n10.0.0.1\n::1\n");
    tackle(["cidr-expand", "--count", "10.0.0.0/30", "-", "10.0.0.9"])
        .stdin("10.0.1.0/24\n")
        .run()
        .success()
        .stdout_is("10.0.0.0/30 4\n10.0.1.0/24 256\n10.0.0.9/32 1\ntotal 261\n");
}

#[test]
fn bad_stdin_line_is_named_by_number_and_earlier_output_kept() {
    tackle(["cidr-expand"])
        .stdin("10.0.0.0/31\n# fine\n10.0.0.0/40\n10.0.0.4\n")
        .run()
        .code(1)
        .stdout_is("10.0.0.0\n10.0.0.1\n")
        .stderr_contains(
            "tackle: cidr-expand: 10.0.0.0/40: prefix length /40 is out of range for IPv4 (0-32) (stdin line 3)",
        );
}

#[test]
fn runaway_and_non_utf8_lines_are_errors() {
    let mut long = vec![b'1'; 70_000];
    long.push(b'\n');
    tackle(["cidr-expand"])
        .stdin(long)
        .run()
        .code(1)
        .stderr_contains("1111111111...: line longer than 65536 bytes (stdin line 1)");
    tackle(["cidr-expand"])
        .stdin(b"10.0.0.1\n10.0.0.\xff\n".to_vec())
        .run()
        .code(1)
        .stdout_is("10.0.0.1\n")
        .stderr_contains("not valid UTF-8 (stdin line 2)");
}

#[test]
fn skip_invalid_warns_and_goes_on() {
    let out = tackle([
        "cidr-expand",
        "--skip-invalid",
        "10.0.0.0/31",
        "bogus",
        "10.0.0.9",
    ])
    .stdin("")
    .run();
    out.success()
        .stdout_is("10.0.0.0\n10.0.0.1\n10.0.0.9\n")
        .stderr_contains("skipped bogus: not an address, network, range or target (forms: ");
    tackle([
        "cidr-expand",
        "--skip-invalid",
        "--index",
        "5",
        "10.0.0.0/30",
        "10.0.0.0/29",
    ])
    .run()
    .success()
    .stdout_is("10.0.0.5\n")
    .stderr_contains("index 5 is out of range for 4 addresses (argument 1)");
}

#[test]
fn every_bad_entry_gets_a_clear_error() {
    let cases = [
        ("fe80::1%eth0", "zone ids (%...) are not supported"),
        ("10.0.0.1:80", "ports are not supported"),
        ("[2001:db8::1]:443", "ports are not supported"),
        (
            "10.0.0.0/33",
            "prefix length /33 is out of range for IPv4 (0-32)",
        ),
        (
            "2001:db8::/129",
            "prefix length /129 is out of range for IPv6 (0-128)",
        ),
        ("10.0.0.0/abc", "prefix length /abc is not a number"),
        (
            "10.0.0.0/255.0.255.0",
            "255.0.255.0 is not a valid netmask or hostmask",
        ),
        ("10.0.0.1-2001:db8::1", "a range must not mix IPv4 and IPv6"),
        ("10.0.0.9-10.0.0.1", "range ends before it starts"),
        (
            "10.0.0.256",
            "not an address, network, range or target (forms: ",
        ),
        ("01.2.3.4", "not an address, network, range or target"),
        (
            "hello",
            "10.0.0.1-5, 10.0-3.1.1,3, 10.0.0.*, 2001:db8::/64, 2001:db8::1-ff)",
        ),
        ("", "\"\": empty entry"),
    ];
    for (entry, why) in cases {
        cidr(&["10.0.0.0/32", entry])
            .code(1)
            .stdout_is("10.0.0.0\n")
            .stderr_contains(&format!("tackle: cidr-expand: {entry}"))
            .stderr_contains(why)
            .stderr_contains("(argument 2)");
    }
    cidr(&["--exclude", "10.0.0.0/99", "10.0.0.0/24"])
        .code(2)
        .stderr_contains(
            "10.0.0.0/99: prefix length /99 is out of range for IPv4 (0-32) (--exclude 1)",
        );
}

#[test]
fn conflicting_modes_are_usage_errors() {
    for args in [
        vec!["--count", "--split", "/26"],
        vec!["--total", "--info"],
        vec!["--split", "/26", "--split-count", "2"],
        vec!["--aggregate", "--format", "dec"],
        vec!["--count", "--format", "range"],
        vec!["--shuffle", "--format", "range"],
        vec!["--invert"],
        vec!["--match", "10.0.0.0/8", "--aggregate"],
        vec!["--terminator"],
        vec!["--step", "0"],
        vec!["--filter", "privat"],
        vec!["--contains", "10.0.0.300"],
        vec!["--info", "--hosts"],
        vec!["--unique", "--shuffle"],
        vec!["--limit", "-1"],
        vec!["--index", "1", "--exclude", "10.0.0.0/32"],
    ] {
        let mut full = args.clone();
        full.push("10.0.0.0/24");
        cidr(&full).code(2);
    }
}

// --- issue 18: targets, types, matching, extraction, more modes -----------------------

#[test]
fn nmap_targets_and_several_entries_per_line() {
    assert_eq!(
        expand(&["10.0.0.1-3"]),
        ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    );
    assert_eq!(
        expand(&["10.0-1.1.1,3"]),
        ["10.0.1.1", "10.0.1.3", "10.1.1.1", "10.1.1.3"]
    );
    assert_eq!(
        expand(&["--count", "10.0.0.*"])[0],
        "10.0.0.0-10.0.0.255 256"
    );
    assert_eq!(
        expand(&["2001:db8::fe-ff"]),
        ["2001:db8::fe", "2001:db8::ff"]
    );
    tackle(["cidr-expand"])
        .stdin("10.0.0.1, 10.0.0.2 10.0.0.4-5 # comment 10.9.9.9\n10.0.0.8 - 10.0.0.9\n")
        .run()
        .success()
        .stdout_is("10.0.0.1\n10.0.0.2\n10.0.0.4\n10.0.0.5\n10.0.0.8\n10.0.0.9\n");
    cidr(&["10.0.0.1-0"])
        .code(1)
        .stderr_contains("octet range 1-0 ends before it starts");
    cidr(&["10.0.0.1-0"]).code(1);
    cidr(&["--info", "10.0.0.1,3"])
        .code(1)
        .stderr_contains("has no netmask");
}

#[test]
fn fixed_bugs_from_issue_18() {
    // Any number of leading zeros in a prefix, as Python.
    assert_eq!(expand(&["--count", "::/0128"])[0], "::/128 1");
    assert_eq!(expand(&["--count", "10.0.0.0/0024"])[0], "10.0.0.0/24 256");
    // A 65,536-byte line plus its newline is fine.
    let mut line = vec![b' '; 65_536 - 8];
    line.extend_from_slice(b"10.0.0.1\n");
    tackle(["cidr-expand"])
        .stdin(line)
        .run()
        .success()
        .stdout_is("10.0.0.1\n");
    // --skip-invalid goes past an over-long line, in the documented form.
    let mut input = b"10.0.0.1\n".to_vec();
    input.extend(vec![b'x'; 70_000]);
    input.extend_from_slice(b"\n10.0.0.2\n");
    let out = tackle(["cidr-expand", "--skip-invalid"]).stdin(input).run();
    out.success()
        .stdout_is("10.0.0.1\n10.0.0.2\n")
        .stderr_contains("skipped xxxxxxxx")
        .stderr_contains("...: line longer than 65536 bytes (stdin line 2)");
    // A BOM at the start of stdin.
    tackle(["cidr-expand"])
        .stdin(b"\xef\xbb\xbf10.0.0.1\n".to_vec())
        .run()
        .success()
        .stdout_is("10.0.0.1\n");
    // --exclude-file - reads stdin.
    tackle(["cidr-expand", "--exclude-file", "-", "10.0.0.0/30"])
        .stdin("10.0.0.1\n10.0.0.2\n")
        .run()
        .success()
        .stdout_is("10.0.0.0\n10.0.0.3\n");
    tackle(["cidr-expand", "--exclude-file", "-"])
        .stdin("10.0.0.1\n")
        .run()
        .code(2)
        .stderr_contains("stdin can be read only once");
}

/// `address_space` names as the IANA special-purpose registries print them (as updated
/// 2025-10-09): the translation prefixes are "Translat.", the DET block ends in "Prefix",
/// and the NAT64/DNS64 discovery record holds both of its addresses.
#[test]
fn address_space_names_follow_the_registries() {
    let out = cidr(&[
        "--info",
        "--json",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "2001:30::/28",
        "192.0.0.170/31",
        "192.88.99.2",
    ]);
    out.success();
    let v: serde_json::Value = serde_json::from_str(out.stdout_str()).expect("JSON");
    let spaces: Vec<&str> = (0..5)
        .map(|i| v[i]["address_space"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        spaces,
        [
            "IPv4-IPv6 Translat.",
            "IPv4-IPv6 Translat.",
            "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
            "NAT64/DNS64 Discovery",
            "6a44-relay anycast address",
        ]
    );
}

#[test]
fn info_has_python_forms_and_address_types() {
    let out = cidr(&[
        "--info",
        "--json",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "::ffff:192.0.2.1",
        "100.64.0.0/10",
        "fd00::/8",
    ]);
    out.success();
    let v: serde_json::Value = serde_json::from_str(out.stdout_str()).expect("JSON");
    assert_eq!(v[0]["teredo"]["server"], "65.54.227.120");
    assert_eq!(v[0]["teredo"]["client"], "192.0.2.45");
    assert_eq!(v[0]["address_space"], "TEREDO");
    assert_eq!(v[1]["ipv4_mapped"], "192.0.2.1");
    assert_eq!(v[1]["is_private"], true);
    assert_eq!(
        v[1]["exploded"],
        "0000:0000:0000:0000:0000:ffff:c000:0201/128"
    );
    assert_eq!(v[2]["is_private"], false);
    assert_eq!(v[2]["is_global"], false);
    assert_eq!(v[2]["address_space"], "Shared Address Space");
    assert_eq!(v[2]["is_site_local"], serde_json::Value::Null);
    assert_eq!(v[3]["address_space"], "Unique Local");
    assert_eq!(v[3]["with_netmask"], "fd00::/ff00::");
    assert_eq!(
        v[3]["reverse_pointer"],
        "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa"
    );
}

#[test]
fn filters_keep_entries_of_a_type_in_any_mode() {
    let entries = [
        "10.0.0.1",
        "8.8.8.8",
        "224.0.0.1",
        "100.64.0.1",
        "fe80::1",
        "2606:4700::1",
    ];
    let run = |filters: &[&str]| {
        let mut args = vec!["cidr-expand"];
        for f in filters {
            args.extend(["--filter", f]);
        }
        args.extend(entries);
        let out = tackle(args).run();
        out.success();
        out.stdout_str().to_owned()
    };
    assert_eq!(run(&["private"]), "10.0.0.1\nfe80::1\n");
    // Python 3.13: multicast is global; the shared address space is neither.
    assert_eq!(run(&["global"]), "8.8.8.8\n224.0.0.1\n2606:4700::1\n");
    assert_eq!(run(&["!global", "!private"]), "100.64.0.1\n");
    assert_eq!(run(&["multicast"]), "224.0.0.1\n");
    cidr(&[
        "--count",
        "--total",
        "--filter",
        "link-local",
        "fe80::/64",
        "10.0.0.0/8",
    ])
    .success()
    .stdout_is("18446744073709551616\n");
}

#[test]
fn match_selects_lines_like_grepcidr() {
    let log = "10.1.2.3 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 200\n\
               192.0.2.7 - - [10/Oct/2000:13:55:37 -0700] \"GET /x HTTP/1.1\" 404\n\
               from [2001:db8::5]:443 to 10.9.9.9\n\
               Chrome/120.0.0.0 v10.1.1.1 1.2.3.4.5\n";
    let grep = |args: &[&str]| {
        let mut full = vec!["cidr-expand"];
        full.extend(args);
        tackle(full).file("access.log", log).run()
    };
    grep(&["--match", "10.0.0.0/8", "access.log"])
        .success()
        .stdout_is(&format!(
            "{}\n{}\n",
            log.lines().next().unwrap(),
            log.lines().nth(2).unwrap()
        ));
    grep(&["--match", "10.0.0.0/8", "--only-matching", "access.log"])
        .success()
        .stdout_is("10.1.2.3\n10.9.9.9\n");
    grep(&[
        "--match",
        "2001:db8::/32",
        "--match",
        "192.0.2.0-192.0.2.9",
        "--count-matches",
        "access.log",
    ])
    .success()
    .stdout_is("2\n");
    grep(&[
        "--match",
        "10.0.0.0/8",
        "--invert",
        "--count-matches",
        "access.log",
    ])
    .success()
    .stdout_is("2\n");
    grep(&["--match", "172.16.0.0/12", "access.log"])
        .code(1)
        .stdout_is("")
        .stderr_empty();
    grep(&[
        "--match",
        "0.0.0.0/0",
        "--filter",
        "!private",
        "-o",
        "access.log",
    ])
    .code(2);
    tackle(["cidr-expand", "--match-file", "nets.txt"])
        .file("nets.txt", "# mine\n192.0.2.0/24, 2001:db8::/32\n")
        .stdin(log)
        .run()
        .success()
        .stdout_contains("192.0.2.7 - -")
        .stdout_contains("[2001:db8::5]:443");
    grep(&["--match", "bogus", "access.log"])
        .code(2)
        .stderr_contains("bogus: not an address")
        .stderr_contains("(--match 1)");
}

#[test]
fn extract_feeds_any_mode() {
    let text = "<a href=\"http://10.0.0.1/\">x</a> {\"ip\": \"10.0.0.2\"} net 10.0.0.4/31 \
                version 1.2.3.4.5 at 12:30:45, v6 2001:db8::1.\n";
    tackle(["cidr-expand", "--extract"])
        .stdin(text)
        .run()
        .success()
        .stdout_is("10.0.0.1\n10.0.0.2\n10.0.0.4\n10.0.0.5\n2001:db8::1\n");
    tackle(["cidr-expand", "--extract", "--aggregate"])
        .stdin(text)
        .run()
        .success()
        .stdout_is("10.0.0.1/32\n10.0.0.2/32\n10.0.0.4/31\n2001:db8::1/128\n");
    tackle(["cidr-expand", "--extract", "--count", "--unique", "-"])
        .stdin(text)
        .run()
        .success()
        .stdout_is("5\n");
}

/// Text that looks like addresses and is not (hex words, C++ and Rust paths, EUI-64s and
/// WWNs, versions, timestamps, MACs) finds nothing; addresses in the punctuation logs put
/// around them (`src:`, a trailing `:`, ellipses, a CIDR ending a sentence) are found.
#[test]
fn extract_skips_look_alikes_and_sees_through_log_punctuation() {
    let look_alikes = "dead:beef cafe::babe A::f Dad::Bad std::mem::swap Foo::1 add:: \
                       wwn 21:00:00:24:ff:4c:5e:12 mac 00:1a:2b:3c:4d:5e v1.2.3.4 \
                       1.2.3.4.5 13:55:36 x2001:db8::1\n";
    tackle(["cidr-expand", "--extract"])
        .stdin(look_alikes)
        .run()
        .success()
        .stdout_is("");
    let log = "sshd: src:192.0.2.7 closed; fe80::1: no route; connecting...198.51.100.9... \
               blocked 203.0.113.0/24.\n";
    tackle(["cidr-expand", "--extract", "--aggregate"])
        .stdin(log)
        .run()
        .success()
        .stdout_is("192.0.2.7/32\n198.51.100.9/32\n203.0.113.0/24\nfe80::1/128\n");
    // --match reads lines with the same scanner.
    tackle([
        "cidr-expand",
        "--match",
        "fe80::/10",
        "--match",
        "203.0.113.0/24",
    ])
    .stdin(format!("{look_alikes}{log}"))
    .run()
    .success()
    .stdout_is(log);
}

/// A bad entry comes back in the error cut to 100 characters, with control characters
/// escaped: a 64 KiB line does not flood stderr, and a line cannot drive the terminal.
#[test]
fn bad_entries_are_shown_short_and_escaped() {
    let long = "1".repeat(60_000);
    let out = tackle(["cidr-expand"]).stdin(format!("{long}\n")).run();
    out.code(1);
    let stderr = out.stderr_str();
    assert!(stderr.len() < 500, "{} bytes of error", stderr.len());
    assert!(
        stderr.starts_with(&format!(
            "tackle: cidr-expand: {}...: not an address",
            &long[..100]
        )),
        "{stderr}"
    );
    tackle(["cidr-expand"])
        .stdin("10.0.0.1\x1b[31mred\n")
        .run()
        .code(1)
        .stderr_contains("10.0.0.1\\u{1b}[31mred: not an address");
    let out = tackle(["cidr-expand"]).stdin("10.0.0.1\x1b[31mred\n").run();
    assert!(!out.stderr_str().contains('\x1b'), "{}", out.stderr_str());
}

#[test]
fn contains_answers_which_entries_hold_an_address() {
    cidr(&[
        "--contains",
        "10.0.0.5",
        "10.0.0.0/24",
        "192.168.0.0/16",
        "10.0.0.4-10.0.0.9",
        "10.0.0.1,5",
    ])
    .success()
    .stdout_is("10.0.0.0/24\n10.0.0.4-10.0.0.9\n10.0.0.1,5\n");
    cidr(&["--contains", "10.0.0.5", "192.168.0.0/16"])
        .code(1)
        .stdout_is("")
        .stderr_empty();
}

#[test]
fn counts_of_unions_and_totals() {
    cidr(&["--count", "--unique", "10.0.0.0/24", "10.0.0.128/25"])
        .success()
        .stdout_is("256\n");
    cidr(&[
        "--count",
        "--aggregate",
        "10.0.0.0/25",
        "10.0.0.128/25",
        "10.0.1.0/32",
    ])
    .success()
    .stdout_is("10.0.0.0/24 256\n10.0.1.0/32 1\ntotal 257\n");
    cidr(&["--total", "10.0.0.0/24", "10.0.0.0/24"])
        .success()
        .stdout_is("512\n");
    cidr(&["--total", "--json", "::/0"])
        .success()
        .stdout_is("340282366920938463463374607431768211456\n");
}

#[test]
fn sort_and_formats() {
    cidr(&["--sort", "10.0.1.0/24", "::/0", "10.0.0.0/8", "10.0.0.0/24"])
        .success()
        .stdout_is("10.0.0.0/8\n10.0.0.0/24\n10.0.1.0/24\n::/0\n");
    cidr(&[
        "--aggregate",
        "--format",
        "range",
        "10.0.0.0/25",
        "10.0.0.128/25",
    ])
    .success()
    .stdout_is("10.0.0.0-10.0.0.255\n");
    cidr(&["--format", "range", "--exclude", "10.0.0.5", "10.0.0.0/29"])
        .success()
        .stdout_is("10.0.0.0-10.0.0.4\n10.0.0.6-10.0.0.7\n");
    cidr(&["--format", "reverse", "10.0.0.1", "2001:db8::1"])
        .success()
        .stdout_is(
            "1.0.0.10.in-addr.arpa\n\
             1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa\n",
        );
    cidr(&["--format", "exploded", "2001:db8::1"])
        .success()
        .stdout_is("2001:0db8:0000:0000:0000:0000:0000:0001\n");
    cidr(&["--format", "exploded", "--aggregate", "2001:db8::/32"])
        .success()
        .stdout_is("2001:0db8:0000:0000:0000:0000:0000:0000/32\n");
    cidr(&["--format", "bin", "10.0.0.1"])
        .success()
        .stdout_is("00001010000000000000000000000001\n");
}

#[test]
fn vlsm_and_host_splits() {
    assert_eq!(
        expand(&["--split-count", "3", "10.0.0.0/24"]),
        ["10.0.0.0/25", "10.0.0.128/26", "10.0.0.192/26"]
    );
    assert_eq!(
        expand(&["--split-hosts", "60", "10.0.0.0/24"]),
        [
            "10.0.0.0/26",
            "10.0.0.64/26",
            "10.0.0.128/26",
            "10.0.0.192/26"
        ]
    );
    cidr(&["--split-hosts", "300", "10.0.0.0/24"])
        .code(1)
        .stderr_contains("a /24 holds at most 254 usable hosts, not 300");
}

#[test]
fn step_and_terminators() {
    assert_eq!(
        expand(&["--step", "3", "10.0.0.0/29"]),
        ["10.0.0.0", "10.0.0.3", "10.0.0.6"]
    );
    assert_eq!(
        expand(&["--step", "2", "--exclude", "10.0.0.2", "10.0.0.0/29"]),
        ["10.0.0.0", "10.0.0.4", "10.0.0.6"]
    );
    cidr(&["--delimiter", "\\0", "10.0.0.0/31"])
        .success()
        .stdout_is("10.0.0.0\u{0}10.0.0.1\u{0}");
    cidr(&["--delimiter", ",", "10.0.0.0/31"])
        .success()
        .stdout_is("10.0.0.0,10.0.0.1\n");
    cidr(&["--delimiter", ",", "--terminator", "10.0.0.0/31"])
        .success()
        .stdout_is("10.0.0.0,10.0.0.1,");
}

// --- properties over the library ---------------------------------------------------------

mod properties {
    use proptest::prelude::*;
    use tackle::cidr::addr::{Family, Network, Range};
    use tackle::cidr::format::{Style, address_text};
    use tackle::cidr::input::{Policy, Source};
    use tackle::cidr::job::{CountOf, Counting, Input, Job, Mode};
    use tackle::cidr::parse::{Entry, network_text, parse_entry};
    use tackle::cidr::set::Exclusions;

    fn job(mode: Mode, hosts: bool, exclusions: Vec<Range>) -> Job {
        Job {
            mode,
            hosts,
            policy: Policy::default(),
            exclusions: Exclusions::new(exclusions),
            limit: None,
            style: Style::Text,
            json: false,
            delimiter: b"\n".to_vec(),
            terminated: true,
            step: None,
            filters: Vec::new(),
            input: Input::Entries,
        }
    }

    fn run(job: &Job, entries: &[String]) -> Vec<String> {
        let sources: Vec<Source> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| Source::Argument(e.clone(), i + 1))
            .collect();
        let mut out = Vec::new();
        job.run(&sources, &mut out).expect("job runs");
        String::from_utf8(out)
            .expect("UTF-8")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn family() -> impl Strategy<Value = Family> {
        prop_oneof![Just(Family::V4), Just(Family::V6)]
    }

    /// Any network of either family.
    fn network() -> impl Strategy<Value = Network> {
        (family(), any::<u128>(), any::<u8>()).prop_map(|(family, addr, prefix)| {
            let addr = addr & family.max();
            Network::containing(family, addr, prefix % (family.bits() + 1))
        })
    }

    /// A range of at most 600 addresses, near interesting boundaries.
    fn small_range() -> impl Strategy<Value = Range> {
        (
            family(),
            any::<u128>(),
            0u128..600,
            prop_oneof![Just(0u128), Just(0xffff), Just(0xff)],
        )
            .prop_map(|(family, base, len, align)| {
                let first = (base & family.max() & !align).min(family.max() - len);
                Range {
                    family,
                    first,
                    last: first + len,
                }
            })
    }

    fn range_text(r: Range) -> String {
        format!(
            "{}-{}",
            address_text(r.family, r.first),
            address_text(r.family, r.last)
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn parser_round_trips_networks(net in network()) {
            let entry = parse_entry(&network_text(net), true).expect("canonical text parses");
            prop_assert_eq!(entry.network(), Some(net));
        }

        #[test]
        fn parser_round_trips_ranges(r in small_range()) {
            let entry = parse_entry(&range_text(r), true).expect("range parses");
            prop_assert_eq!(entry, Entry::Range(r));
        }

        #[test]
        fn entry_texts_split_what_was_joined(nets in prop::collection::vec(network(), 1..5), seps in prop::collection::vec(prop::sample::select(vec![" ", ",", ", ", "\t", " ,"]), 5)) {
            let texts: Vec<String> = nets.iter().map(|n| network_text(*n)).collect();
            let mut line = String::new();
            for (i, text) in texts.iter().enumerate() {
                if i > 0 {
                    line.push_str(seps[i % seps.len()]);
                }
                line.push_str(text);
            }
            line.push_str(" # 10.9.9.9");
            let got: Vec<String> = tackle::cidr::parse::entry_texts(&line).iter().map(|t| t.to_string()).collect();
            prop_assert_eq!(got, texts);
        }

        #[test]
        fn parser_never_panics(text in "[0-9a-fA-F:./%\\[\\] *,-]{0,45}") {
            let _ = parse_entry(&text, false);
        }

        #[test]
        fn parser_normalises_host_bits(net in network(), host in any::<u128>()) {
            let addr = net.addr | (host & net.hostmask());
            let text = format!("{}/{}", address_text(net.family, addr), net.prefix);
            prop_assert_eq!(parse_entry(&text, false).expect("parses").network(), Some(net));
            prop_assert_eq!(parse_entry(&text, true).is_ok(), addr == net.addr);
        }

        #[test]
        fn count_equals_lines_expanded(ranges in prop::collection::vec(small_range(), 1..4), hosts: bool) {
            let entries: Vec<String> = ranges
                .iter()
                .map(|r| match r.as_network() {
                    Some(net) => network_text(net),
                    None => range_text(*r),
                })
                .collect();
            let lines = run(&job(Mode::Expand, hosts, vec![]), &entries);
            let counts = run(&job(Mode::Count(Counting { of: CountOf::Entries, total_only: false }), hosts, vec![]), &entries);
            prop_assert_eq!(counts.last().cloned(), Some(format!("total {}", lines.len())));
        }

        #[test]
        fn aggregate_of_an_expansion_is_the_input(r in small_range()) {
            let lines = run(&job(Mode::Expand, false, vec![]), &[range_text(r)]);
            let aggregated = run(&job(Mode::Aggregate, false, vec![]), &lines);
            let direct = run(&job(Mode::Aggregate, false, vec![]), &[range_text(r)]);
            prop_assert_eq!(&aggregated, &direct);
            if let Some(net) = r.as_network() {
                prop_assert_eq!(aggregated, vec![network_text(net)]);
            }
        }

        #[test]
        fn exclude_partitions(r in small_range(), cuts in prop::collection::vec((0u128..600, 0u128..40), 0..5)) {
            let excluded: Vec<Range> = cuts
                .iter()
                .map(|(offset, len)| {
                    let first = r.first.saturating_add(*offset).min(r.family.max());
                    Range { family: r.family, first, last: first.saturating_add(*len).min(r.family.max()) }
                })
                .collect();
            let all = run(&job(Mode::Expand, false, vec![]), &[range_text(r)]);
            let kept = run(&job(Mode::Expand, false, excluded.clone()), &[range_text(r)]);
            let inside = |line: &String| {
                let entry = parse_entry(line, true).expect("address parses").hull();
                excluded.iter().any(|e| e.first <= entry.first && entry.first <= e.last)
            };
            let want: Vec<String> = all.iter().filter(|l| !inside(l)).cloned().collect();
            prop_assert_eq!(&kept, &want);
            let removed = all.iter().filter(|l| inside(l)).count();
            prop_assert_eq!(kept.len() + removed, all.len());
            // The aggregate with exclusions covers exactly the kept addresses.
            let networks = run(&job(Mode::Aggregate, false, excluded), &[range_text(r)]);
            prop_assert_eq!(run(&job(Mode::Expand, false, vec![]), &networks), kept);
        }
    }
}

// --- Python 3.13 differential vectors (tests/cidr_data/gen_info.py) ------------------------

#[test]
fn info_agrees_with_python_313_on_generated_vectors() {
    let path = common::repo_root().join("tests/cidr_data/python313_info.jsonl");
    let text = std::fs::read_to_string(&path).expect("vectors are checked in");
    let vectors: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("vector is JSON"))
        .collect();
    let entries: String = vectors
        .iter()
        .map(|v| format!("{}\n", v["entry"].as_str().expect("entry")))
        .collect();
    let out = tackle(["cidr-expand", "--info", "--json"])
        .stdin(entries)
        .run();
    out.success();
    let got: Vec<serde_json::Value> = serde_json::from_str(out.stdout_str()).expect("JSON");
    assert_eq!(got.len(), vectors.len());
    let mut mismatches = Vec::new();
    for (want, got) in vectors.iter().zip(&got) {
        for (key, value) in want.as_object().expect("object") {
            let mine = match key.as_str() {
                "entry" => continue,
                // serde_json reads integers past 2^64 as floats: look for the exact text.
                "num_addresses" => {
                    let exact = format!("\"num_addresses\":{}", value.as_str().expect("text"));
                    if got[key].is_f64() && out.stdout_str().contains(&exact) {
                        continue;
                    }
                    serde_json::Value::from(got[key].to_string())
                }
                _ => got[key].clone(),
            };
            if &mine != value {
                mismatches.push(format!(
                    "{} {key}: python {value}, tackle {mine}",
                    want["entry"]
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );
}
