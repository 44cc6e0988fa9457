//! Tests that send from a port below 1024 (the servers' UDP loop guard), for any user.
//!
//! Binding such a port needs CAP_NET_BIND_SERVICE in the user namespace that owns the network
//! namespace. Root has it, and then the test runs as it is. Any other user gets it in a user
//! namespace of their own (where they are root, mapped to their own uid and nothing else)
//! with a network namespace of its own: the test binary runs again there, for that one test,
//! brings the namespace's loopback up and runs the test, tackle included (it inherits the
//! namespaces), against that loopback. No tool beyond the kernel is needed.
//!
//! A user namespace cannot be entered by a multi-threaded process, which a test binary is:
//! hence a fresh process, entering both namespaces between fork and exec.

use std::io::ErrorKind;
use std::net::UdpSocket;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::Command;

/// Set in the test binary run again inside the namespaces, so that it runs the test there.
const INSIDE: &str = "TACKLE_TEST_INSIDE_NAMESPACES";

/// Runs `test`, which binds ports below 1024, where it may: here when this process may bind
/// them (root, CAP_NET_BIND_SERVICE), else in a user and network namespace of its own (see
/// the module docs). `name` is the test's name as the test binary knows it (its path within
/// the file's modules), so the binary can run it alone.
pub fn run_where_low_ports_bind(name: &str, test: impl FnOnce()) {
    if std::env::var_os(INSIDE).is_some() {
        bring_loopback_up();
        test();
    } else if may_bind_low_ports() {
        test();
    } else {
        run_again_inside_namespaces(name);
    }
}

/// Whether this process may bind a UDP port below 1024 on loopback.
fn may_bind_low_ports() -> bool {
    udp_socket_on_a_low_port().is_ok()
}

/// A UDP socket on a free loopback port below 1024 (the highest free one from 1023 down).
pub fn udp_socket_on_a_low_port() -> std::io::Result<UdpSocket> {
    for port in (600..1024).rev() {
        match UdpSocket::bind(("127.0.0.1", port)) {
            Err(e) if e.kind() == ErrorKind::AddrInUse => continue,
            bound => return bound,
        }
    }
    Err(std::io::Error::new(
        ErrorKind::AddrInUse,
        "no free UDP port from 600 to 1023 on 127.0.0.1",
    ))
}

/// Runs test `name` of this binary alone in a new user and network namespace and fails
/// unless it passed there.
fn run_again_inside_namespaces(name: &str) {
    // SAFETY: geteuid and getegid have no preconditions.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    // Made before the fork: the child may not allocate between fork and exec.
    let uid_map = format!("0 {uid} 1");
    let gid_map = format!("0 {gid} 1");
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut cmd = Command::new(exe);
    cmd.args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1");
    // SAFETY: the closure makes only async-signal-safe calls (unshare, open, write, close)
    // and allocates nothing.
    unsafe {
        cmd.pre_exec(move || enter_namespaces(uid_map.as_bytes(), gid_map.as_bytes()));
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "this test sends from a UDP port below 1024, which needs root, CAP_NET_BIND_SERVICE \
             or a user namespace of one's own, and this kernel refuses to make one for uid \
             {uid} ({e}): unprivileged user namespaces are off (see the sysctls \
             user.max_user_namespaces, kernel.unprivileged_userns_clone and \
             kernel.apparmor_restrict_unprivileged_userns); run the tests as root instead"
        )
    });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{name}, run again in a user and network namespace of its own, failed ({}):\n\
         stdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
}

/// Between fork and exec: a new user namespace in which this user is root (mapped to itself
/// alone; setgroups denied, as the kernel requires before an unprivileged gid map), and a new
/// network namespace owned by it.
fn enter_namespaces(uid_map: &[u8], gid_map: &[u8]) -> std::io::Result<()> {
    // SAFETY: unshare with namespace flags only.
    if unsafe { libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    write_proc_file(c"/proc/self/setgroups", b"deny")?;
    write_proc_file(c"/proc/self/uid_map", uid_map)?;
    write_proc_file(c"/proc/self/gid_map", gid_map)
}

/// Writes `contents` to a /proc file in one write, with raw calls only (see [`enter_namespaces`]).
fn write_proc_file(path: &std::ffi::CStr, contents: &[u8]) -> std::io::Result<()> {
    // SAFETY: path is NUL-terminated; the descriptor is ours and closed once.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let written = libc::write(fd, contents.as_ptr().cast(), contents.len());
        let result = if written == contents.len() as isize {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        };
        libc::close(fd);
        result
    }
}

/// A new network namespace has a loopback interface, down: brings it up (SIOCSIFFLAGS, which
/// the namespace's root may do).
fn bring_loopback_up() {
    // Any socket will do to name an interface in an ioctl.
    let socket = UdpSocket::bind("0.0.0.0:0").expect("a socket for the ioctl");
    // SAFETY: ifreq is plain data, all zeroes is valid; the ioctls read and write only it.
    unsafe {
        let mut request: libc::ifreq = std::mem::zeroed();
        for (to, from) in request.ifr_name.iter_mut().zip(b"lo") {
            *to = *from as libc::c_char;
        }
        let fd = socket.as_raw_fd();
        assert_eq!(
            libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut request),
            0,
            "reading the flags of lo: {}",
            std::io::Error::last_os_error()
        );
        request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
        assert_eq!(
            libc::ioctl(fd, libc::SIOCSIFFLAGS, &request),
            0,
            "bringing lo up: {}",
            std::io::Error::last_os_error()
        );
    }
}
