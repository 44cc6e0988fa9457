#!/usr/bin/env python3
"""Parses one RFC 5322 / MIME message (path argument, or stdin) with Python's email package
and prints its structure as JSON for tackle's sendmail tests: every header (decoded), every
leaf part's content type, charset, filename, disposition, transfer encoding and decoded bytes
(base64), and any defects the parser found."""

import base64
import email
import email.policy
import json
import sys


def main():
    data = open(sys.argv[1], "rb").read() if len(sys.argv) > 1 else sys.stdin.buffer.read()
    msg = email.message_from_bytes(data, policy=email.policy.default)
    parts = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "filename": part.get_filename(),
            "disposition": part.get_content_disposition(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "payload_b64": base64.b64encode(payload).decode(),
        })
    defects = [type(d).__name__ for d in msg.defects]
    for part in msg.walk():
        defects += [type(d).__name__ for d in part.defects]
    json.dump({
        "content_type": msg.get_content_type(),
        "headers": [[k, str(v)] for k, v in msg.items()],
        "parts": parts,
        "defects": defects,
    }, sys.stdout)


if __name__ == "__main__":
    main()
