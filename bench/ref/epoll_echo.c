/* A minimal single-threaded epoll echo server: the reference bench/echo compares tackle
 * against. Level-triggered; each connection keeps what the socket would not take yet and
 * stops reading until it is sent. Usage: epoll_echo PORT (listens on 127.0.0.1). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 65536

struct conn {
    int fd;
    size_t len, off;
    char pending[BUF];
};

static void set_events(int ep, struct conn *c, unsigned events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void drop_conn(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 5577;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) || listen(lfd, 1024)) {
        perror("bind/listen");
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
    static char buf[BUF];
    struct epoll_event events[1024];
    for (;;) {
        int n = epoll_wait(ep, events, 1024, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            if (c->len > c->off) { /* writable: send what is pending */
                ssize_t w = write(c->fd, c->pending + c->off, c->len - c->off);
                if (w < 0 && errno != EAGAIN) { drop_conn(ep, c); continue; }
                if (w > 0) c->off += w;
                if (c->off == c->len) { c->off = c->len = 0; set_events(ep, c, EPOLLIN); }
                continue;
            }
            ssize_t r = read(c->fd, buf, BUF);
            if (r == 0 || (r < 0 && errno != EAGAIN)) { drop_conn(ep, c); continue; }
            if (r < 0) continue;
            ssize_t w = write(c->fd, buf, r);
            if (w < 0 && errno != EAGAIN) { drop_conn(ep, c); continue; }
            if (w < 0) w = 0;
            if (w < r) {
                memcpy(c->pending, buf + w, r - w);
                c->len = r - w;
                c->off = 0;
                set_events(ep, c, EPOLLOUT);
            }
        }
    }
}
