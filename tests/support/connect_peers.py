"""Servers written the recipes' way, for tests/interop_connect.rs: peers tackle connect must
talk to without having written them.

    python3 connect_peers.py hmac-echo KEY      # the cookbook's authenticated echo server, SHA-256
    python3 connect_peers.py time OFFSET        # RFC 868 over TCP and UDP, OFFSET seconds ahead
    python3 connect_peers.py daytime            # RFC 867 over TCP: time.ctime() and close
    python3 connect_peers.py udp-echo           # a UDP echo server on 0.0.0.0 (broadcasts reach it)
    python3 connect_peers.py tls-echo CERT KEY CA  # ssl echo server requiring a client certificate

Each prints `listening <proto> <addr>` per socket (as tackle's servers do) and serves until
killed. One connection or datagram at a time is plenty for the tests.
"""

import hmac
import os
import socket
import ssl
import struct
import sys
import threading
import time


def announce(proto, sock):
    host, port = sock.getsockname()[:2]
    print(f"listening {proto} {host}:{port}", flush=True)


def tcp_listener():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


def echo(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            conn.sendall(data)


def server_authenticate(conn, secret_key):
    """The recipe's server side, with SHA-256 as tackle speaks it."""
    message = os.urandom(32)
    conn.sendall(message)
    digest = hmac.new(secret_key, message, "sha256").digest()
    response = b""
    while len(response) < len(digest):
        more = conn.recv(len(digest) - len(response))
        if not more:
            return False
        response += more
    return hmac.compare_digest(digest, response)


def hmac_echo(key):
    listener = tcp_listener()
    announce("tcp", listener)
    while True:
        conn, _ = listener.accept()
        if not server_authenticate(conn, key.encode()):
            conn.close()
            continue
        threading.Thread(target=echo, args=(conn,), daemon=True).start()


def rfc868_now(offset):
    return struct.pack("!I", (int(time.time() + offset) + 2208988800) % (1 << 32))


def time_server(offset):
    listener = tcp_listener()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    announce("tcp", listener)
    announce("udp", udp)

    def answer_udp():
        while True:
            _, peer = udp.recvfrom(512)
            udp.sendto(rfc868_now(offset), peer)

    threading.Thread(target=answer_udp, daemon=True).start()
    while True:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(rfc868_now(offset))


def daytime():
    listener = tcp_listener()
    announce("tcp", listener)
    while True:
        conn, _ = listener.accept()
        with conn:
            conn.sendall((time.ctime() + "\r\n").encode())


def udp_echo():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", 0))
    announce("udp", sock)
    while True:
        data, peer = sock.recvfrom(65536)
        sock.sendto(data, peer)


def tls_echo(cert, key, ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=ca)
    context.load_cert_chain(cert, key)
    context.verify_mode = ssl.CERT_REQUIRED
    listener = tcp_listener()
    announce("tls", listener)
    while True:
        conn, _ = listener.accept()
        try:
            tls = context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            conn.close()
            continue
        threading.Thread(target=tls_echo_one, args=(tls,), daemon=True).start()


def tls_echo_one(tls):
    with tls:
        try:
            while True:
                data = tls.recv(65536)
                if not data:
                    break
                tls.sendall(data)
            tls.unwrap()
        except (ssl.SSLError, OSError):
            pass


def main():
    kind, args = sys.argv[1], sys.argv[2:]
    if kind == "hmac-echo":
        hmac_echo(args[0])
    elif kind == "time":
        time_server(float(args[0]))
    elif kind == "daytime":
        daytime()
    elif kind == "udp-echo":
        udp_echo()
    elif kind == "tls-echo":
        tls_echo(*args)
    else:
        sys.exit(f"unknown peer {kind}")


if __name__ == "__main__":
    main()
