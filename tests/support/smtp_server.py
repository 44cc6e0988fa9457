#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for tackle's sendmail tests and benchmark.

Binds 127.0.0.1 on the given port (0: any free port), prints `listening smtp 127.0.0.1:PORT`
on stdout once it accepts connections, and serves until killed. Every accepted message is
written to MAILDIR as N.eml (the bytes received after DATA) and N.json (envelope, AUTH login,
whether the session was encrypted); the .json file is renamed into place last, before the
server answers 250, so a client that has seen 250 finds both files.
"""

import argparse
import asyncio
import json
import os
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Handler:
    def __init__(self, args):
        self.maildir = args.maildir
        self.refuse = set(a.lower() for a in args.refuse)
        self.tempfail = set(a.lower() for a in args.tempfail)
        self.implicit = args.tls == "implicit"
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such user"
        if address.lower() in self.tempfail:
            return f"450 4.2.1 <{address}>: Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.maildir is None:
            return "250 2.0.0 OK: discarded"
        self.count += 1
        base = os.path.join(self.maildir, f"{self.count:04}")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        login = session.auth_data.login.decode() if session.auth_data else None
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "login": login,
            "encrypted": self.implicit or session.ssl is not None,
            "helo": session.host_name,
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        return f"250 2.0.0 OK: queued as {self.count:04}"


class NoDelaySMTP(SMTP):
    """aiosmtpd writes a multi-line reply (EHLO) one line per write; with Nagle's algorithm
    on, the client's delayed ACK then holds every EHLO for ~40 ms. Real MTAs don't."""

    def connection_made(self, transport):
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def authenticator_for(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticate


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--auth", help="USER:PASSWORD accepted by AUTH PLAIN and LOGIN")
    p.add_argument("--auth-without-tls", action="store_true",
                   help="offer AUTH on an unencrypted session")
    p.add_argument("--refuse", action="append", default=[], help="RCPT answered 550")
    p.add_argument("--tempfail", action="append", default=[], help="RCPT answered 450")
    p.add_argument("--maildir", help="where to write received messages (default: discard)")
    args = p.parse_args()

    context = None
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler(args)
    options = dict(hostname="tackle-test-smtp", loop=loop, enable_SMTPUTF8=True)
    if args.tls == "starttls":
        options["tls_context"] = context
    if args.auth:
        options["authenticator"] = authenticator_for(args.auth)
        # aiosmtpd only counts STARTTLS as encryption; an implicit-TLS session is encrypted too.
        options["auth_require_tls"] = args.tls == "starttls" and not args.auth_without_tls

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    server = loop.run_until_complete(
        loop.create_server(
            lambda: NoDelaySMTP(handler, **options),
            sock=sock,
            ssl=context if args.tls == "implicit" else None,
        )
    )
    host, port = server.sockets[0].getsockname()[:2]
    print(f"listening smtp {host}:{port}", flush=True)
    try:
        loop.run_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
