// How long a process blocked in read() on an idle core takes to run after another
// process writes to it: the machine's wake-up latency (the waker's IPI, the idle core's
// exit from idle, on a VM the host's scheduling of that virtual CPU), beside the
// transfer's own time.
//
// Two processes, the writer pinned to core 0, the reader to core 1. The writer keeps its
// core busy for GAP microseconds (a spin), takes t0 and writes t0 into a pipe; the reader
// takes t1 when its read() returns and records t1 - t0. Modes:
//   block  the reader sleeps in read(): its core is idle for the gap, and it is woken
//   spin   the reader polls a non-blocking read(): never asleep, so t1 - t0 is the
//          transfer alone (the syscalls' part the model charges as CPU elsewhere)
// The reader answers each sample through a second pipe, so the next gap starts after it
// is back in read().
//
//   wakeup_latency MODE GAP_US N    prints N samples of t1 - t0, in nanoseconds, one a line
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void pin(int core) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(core, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) {
    perror("sched_setaffinity");
    exit(1);
  }
}

static void full_read(int fd, void *buf, size_t n, int spin) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, (char *)buf + got, n - got);
    if (r > 0) got += (size_t)r;
    else if (r < 0 && spin && errno == EAGAIN) continue;
    else if (r < 0 && errno == EINTR) continue;
    else {
      perror("read");
      exit(1);
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 4 || (strcmp(argv[1], "block") != 0 && strcmp(argv[1], "spin") != 0)) {
    fprintf(stderr, "usage: wakeup_latency block|spin GAP_US N\n");
    return 2;
  }
  int spin = strcmp(argv[1], "spin") == 0;
  int64_t gap = atoll(argv[2]) * 1000;
  int n = atoi(argv[3]);
  int to_reader[2], to_writer[2];
  if (pipe(to_reader) != 0 || pipe(to_writer) != 0) {
    perror("pipe");
    return 1;
  }
  pid_t child = fork();
  if (child == 0) {
    pin(1);
    if (spin) fcntl(to_reader[0], F_SETFL, O_NONBLOCK);
    int64_t *samples = malloc(sizeof(int64_t) * (size_t)n);
    // One unrecorded sample first: both processes placed and running.
    for (int i = -1; i < n; i++) {
      int64_t t0;
      full_read(to_reader[0], &t0, sizeof t0, spin);
      int64_t t1 = now_ns();
      if (i >= 0) samples[i] = t1 - t0;
      char ack = 1;
      if (write(to_writer[1], &ack, 1) != 1) return 1;
    }
    for (int i = 0; i < n; i++) printf("%lld\n", (long long)samples[i]);
    return 0;
  }
  pin(0);
  for (int i = -1; i < n; i++) {
    int64_t until = now_ns() + gap;
    while (now_ns() < until) {
    }
    int64_t t0 = now_ns();
    if (write(to_reader[1], &t0, sizeof t0) != sizeof t0) return 1;
    char ack;
    full_read(to_writer[0], &ack, 1, 0);
  }
  int status;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
