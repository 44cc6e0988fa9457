#!/usr/bin/env python3
"""The seed's select-loop UDP time server (UDPTimeServer with event_loop), for bench/time.

As in the recipe: one EventHandler per socket, select() over those that want to receive, and
each datagram answered with time.ctime(). The only changes: the port comes from argv (0 picks
a free one) and the bound address is announced on stdout like tackle's listeners.
"""

import select
import socket
import sys
import time


class EventHandler:
    def fileno(self):
        raise NotImplementedError('must implement')

    def wants_to_receive(self):
        return False

    def handle_receive(self):
        pass

    def wants_to_send(self):
        return False

    def handle_send(self):
        pass


def event_loop(handlers):
    while True:
        wants_recv = [h for h in handlers if h.wants_to_receive()]
        wants_send = [h for h in handlers if h.wants_to_send()]
        can_recv, can_send, _ = select.select(wants_recv, wants_send, [])
        for h in can_recv:
            h.handle_receive()
        for h in can_send:
            h.handle_send()


class UDPServer(EventHandler):
    def __init__(self, address):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(address)

    def fileno(self):
        return self.sock.fileno()

    def wants_to_receive(self):
        return True


class UDPTimeServer(UDPServer):
    def handle_receive(self):
        msg, addr = self.sock.recvfrom(1)
        self.sock.sendto(time.ctime().encode('ascii'), addr)


if __name__ == '__main__':
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 14000
    server = UDPTimeServer(('127.0.0.1', port))
    host, port = server.sock.getsockname()
    print(f'listening udp {host}:{port}', flush=True)
    event_loop([server])
