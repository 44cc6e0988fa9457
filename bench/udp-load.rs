//! A UDP request/reply load generator for `bench/time` (std only; the script builds it with
//! `rustc -O`, it is not part of tackle).
//!
//! Usage: udp-load ADDR CLIENTS SECONDS [PAYLOAD_BYTES]
//!
//! CLIENTS sockets, each with one request in flight: send a datagram, wait for the reply, send
//! the next. The sockets are spread over at most two threads (the machine has two cores and
//! the server needs one); each thread sends on all its sockets, then collects every reply, so
//! CLIENTS requests are outstanding at once. A reply not back within 200 ms counts as lost.
//! Prints one line: `replies_per_sec=<n> replies=<n> lost=<n>`.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: udp-load ADDR CLIENTS SECONDS [PAYLOAD_BYTES]");
        std::process::exit(2);
    }
    let addr: SocketAddr = args[1].parse().expect("ADDR");
    let clients: usize = args[2].parse().expect("CLIENTS");
    let seconds: f64 = args[3].parse().expect("SECONDS");
    let payload = vec![b'x'; args.get(4).map_or(0, |n| n.parse().expect("PAYLOAD_BYTES"))];
    let threads = clients.clamp(1, 2);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let share = clients / threads + usize::from(t < clients % threads);
            let payload = payload.clone();
            std::thread::spawn(move || run(addr, share, &payload, deadline))
        })
        .collect();
    let (mut replies, mut lost) = (0u64, 0u64);
    for worker in workers {
        let (r, l) = worker.join().expect("worker");
        replies += r;
        lost += l;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "replies_per_sec={:.0} replies={replies} lost={lost}",
        replies as f64 / elapsed
    );
}

fn run(addr: SocketAddr, clients: usize, payload: &[u8], deadline: Instant) -> (u64, u64) {
    let sockets: Vec<UdpSocket> = (0..clients)
        .map(|_| {
            let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
            socket.connect(addr).expect("connect");
            socket
                .set_read_timeout(Some(Duration::from_millis(200)))
                .expect("timeout");
            socket
        })
        .collect();
    let mut buf = [0u8; 2048];
    let (mut replies, mut lost) = (0u64, 0u64);
    while Instant::now() < deadline {
        for socket in &sockets {
            let _ = socket.send(payload);
        }
        for socket in &sockets {
            match socket.recv(&mut buf) {
                Ok(_) => replies += 1,
                Err(_) => lost += 1,
            }
        }
    }
    (replies, lost)
}
