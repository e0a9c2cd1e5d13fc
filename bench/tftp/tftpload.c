/*
 * tftpload: a TFTP load generator for bench/tftp/run.sh, in the spirit of wrk for HTTP.
 *
 *   tftpload HOST PORT REMOTE_FILE LOCAL_COPY COUNT [BLKSIZE]
 *
 * One process and one thread run COUNT lock-step read transfers at once (RFC 1350 + blksize, RFC 2348),
 * each on its own UDP socket, all driven by one epoll loop: no process or context switch per transfer,
 * so the clients' CPU stays small beside the server's and the row measures the server. Every DATA block
 * is compared with LOCAL_COPY at its offset; a silent server gets the last packet again after 1 s, up to
 * 5 times. Prints one line: "MBps FAILURES SECONDS CLIENT_CPU_SECONDS".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { RRQ = 1, DATA = 3, ACK = 4, ERROR = 5, OACK = 6 };
enum { RETRY_NS = 1000000000L, MAX_RETRIES = 5 };

struct transfer {
    int fd;
    uint16_t expected;      /* next DATA block */
    int done;               /* 1 ok, -1 failed */
    int retries;
    int64_t last;           /* monotonic ns of the last progress or resend */
    size_t received;
    unsigned char out[600]; /* the last packet sent (RRQ or ACK), for a resend */
    size_t out_len;
    int connected;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void send_last(struct transfer *t, const struct sockaddr_in *server)
{
    if (t->connected)
        send(t->fd, t->out, t->out_len, 0);
    else
        sendto(t->fd, t->out, t->out_len, 0, (const struct sockaddr *)server, sizeof *server);
}

static void finish(struct transfer *t, int epoll, int result, int *open)
{
    t->done = result;
    epoll_ctl(epoll, EPOLL_CTL_DEL, t->fd, NULL);
    close(t->fd);
    (*open)--;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: tftpload HOST PORT REMOTE_FILE LOCAL_COPY COUNT [BLKSIZE]\n");
        return 2;
    }
    struct sockaddr_in server = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
        fprintf(stderr, "tftpload: bad address %s\n", argv[1]);
        return 2;
    }
    const char *remote = argv[3];
    int count = atoi(argv[5]);
    size_t blksize = argc > 6 ? (size_t)atoi(argv[6]) : 1468;
    int local = open(argv[4], O_RDONLY);
    struct stat st;
    if (local < 0 || fstat(local, &st) != 0) {
        perror(argv[4]);
        return 2;
    }
    size_t size = (size_t)st.st_size;
    const unsigned char *expected = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, local, 0) : (const unsigned char *)"";
    if (expected == MAP_FAILED) {
        perror("mmap");
        return 2;
    }

    int epoll = epoll_create1(EPOLL_CLOEXEC);
    struct transfer *transfers = calloc((size_t)count, sizeof *transfers);
    unsigned char *buffer = malloc(blksize + 4 + 64);
    char blk[16];
    snprintf(blk, sizeof blk, "%zu", blksize);
    int open_transfers = 0;
    int64_t start = now_ns();
    for (int i = 0; i < count; i++) {
        struct transfer *t = &transfers[i];
        t->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (t->fd < 0) {
            perror("socket");
            return 2;
        }
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        epoll_ctl(epoll, EPOLL_CTL_ADD, t->fd, &ev);
        size_t n = 0;
        t->out[n++] = 0;
        t->out[n++] = RRQ;
        n += (size_t)sprintf((char *)t->out + n, "%s", remote) + 1;
        n += (size_t)sprintf((char *)t->out + n, "octet") + 1;
        n += (size_t)sprintf((char *)t->out + n, "blksize") + 1;
        n += (size_t)sprintf((char *)t->out + n, "%s", blk) + 1;
        t->out_len = n;
        t->expected = 1;
        t->last = now_ns();
        send_last(t, &server);
        open_transfers++;
    }

    struct epoll_event events[256];
    int64_t next_check = now_ns() + 100000000L;
    while (open_transfers > 0) {
        int ready = epoll_wait(epoll, events, 256, 100);
        for (int e = 0; e < ready; e++) {
            struct transfer *t = &transfers[events[e].data.u32];
            if (t->done)
                continue;
            struct sockaddr_in from;
            socklen_t from_len = sizeof from;
            ssize_t got = recvfrom(t->fd, buffer, blksize + 4 + 64, 0, (struct sockaddr *)&from, &from_len);
            if (got < 4)
                continue;
            if (!t->connected) { /* the server's transfer port (TID): from now on only it is heard */
                connect(t->fd, (struct sockaddr *)&from, from_len);
                t->connected = 1;
            }
            int opcode = (buffer[0] << 8) | buffer[1];
            uint16_t block = (uint16_t)((buffer[2] << 8) | buffer[3]);
            if (opcode == ERROR) {
                finish(t, epoll, -1, &open_transfers);
                continue;
            }
            if (opcode == OACK && t->expected == 1 && t->received == 0) {
                block = 0;
            } else if (opcode != DATA) {
                continue;
            } else if (block == (uint16_t)(t->expected - 1)) {
                unsigned char again[4] = { 0, ACK, (unsigned char)(block >> 8), (unsigned char)block };
                send(t->fd, again, 4, 0); /* the server missed our ACK: say it again, state unchanged */
                continue;
            } else if (block != t->expected) {
                continue;
            } else {
                size_t length = (size_t)got - 4;
                size_t offset = t->received;
                if (length > blksize || offset + length > size || memcmp(buffer + 4, expected + offset, length) != 0) {
                    finish(t, epoll, -1, &open_transfers);
                    continue;
                }
                t->received += length;
                t->expected++;
                if (length < blksize) {
                    t->out[0] = 0; t->out[1] = ACK; t->out[2] = (unsigned char)(block >> 8); t->out[3] = (unsigned char)block;
                    send(t->fd, t->out, 4, 0);
                    finish(t, epoll, t->received == size ? 1 : -1, &open_transfers);
                    continue;
                }
            }
            t->out[0] = 0; t->out[1] = ACK; t->out[2] = (unsigned char)(block >> 8); t->out[3] = (unsigned char)block;
            t->out_len = 4;
            t->retries = 0;
            t->last = now_ns();
            send(t->fd, t->out, 4, 0);
        }
        int64_t now = now_ns();
        if (now >= next_check) {
            next_check = now + 100000000L;
            for (int i = 0; i < count; i++) {
                struct transfer *t = &transfers[i];
                if (t->done || now - t->last < RETRY_NS)
                    continue;
                if (++t->retries > MAX_RETRIES) {
                    finish(t, epoll, -1, &open_transfers);
                    continue;
                }
                t->last = now;
                send_last(t, &server);
            }
        }
    }

    double seconds = (double)(now_ns() - start) / 1e9;
    int failures = 0;
    double bytes = 0;
    for (int i = 0; i < count; i++) {
        failures += transfers[i].done != 1;
        bytes += transfers[i].done == 1 ? (double)transfers[i].received : 0;
    }
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    double cpu = (double)usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + (double)usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
    printf("%.1f %d %.2f %.2f\n", bytes / seconds / 1e6, failures, seconds, cpu);
    return 0;
}
