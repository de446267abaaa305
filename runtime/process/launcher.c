/*
 * The process launcher as a small C program: the same protocol as launcher.ts
 * (launcher-protocol.ts), but each container is started with posix_spawn, which glibc makes
 * with clone(CLONE_VM | CLONE_VFORK): no copy of this process's page tables, no
 * copy-on-write faults after it, no forked copy to tear down at the exec. Node's spawn()
 * forks (libuv), and on this project's machines that fork and the forked child's work before
 * its exec were most of what a container cost beyond its own program (docs/performance.md,
 * Fifteenth pass).
 *
 * Built by scripts/build.mjs when a C compiler is there (dist/native/strata-launcher);
 * without one, launcher.ts does the same job (launcher-client.ts chooses).
 *
 * What a start does, as Node's spawn(argv[0], argv.slice(1), { env, cwd, detached: true,
 * stdio: ['ignore', 'pipe', 'pipe'] }) does: a session (and so a process group) of its own,
 * exactly `env`, the program looked up on the PATH of `env`, stdin /dev/null, stdout and
 * stderr pipes read here, every signal back to its default and none blocked, no other
 * descriptor of this process. A start that fails is answered with Node's error code
 * (ENOENT, EACCES, E2BIG, ...).
 *
 * It serves one process: when its stdin ends it kills the process group of every container
 * still running and exits. SIGINT, SIGTERM and SIGHUP are ignored (as launcher.ts does).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct child {
  long id;
  pid_t pid;
  int fd[2]; /* stdout, stderr; -1 once ended or dropped */
  int exited;
  struct child *next;
};

static struct child *children;
static int sigpipe_fds[2];

static void on_chld(int sig) {
  (void)sig;
  int saved = errno;
  ssize_t w = write(sigpipe_fds[1], "c", 1);
  (void)w;
  errno = saved;
}

/* Write all of it; the worker reads everything we write, so blocking here only paces the containers. */
static void write_all(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(1, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return; /* the worker is gone: stdin ends too */
    }
    p += w;
    n -= (size_t)w;
  }
}

static void send_line(const char *line) { write_all(line, strlen(line)); }

static const char *errno_code(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case E2BIG: return "E2BIG";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case ENOEXEC: return "ENOEXEC";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EPERM: return "EPERM";
    case EISDIR: return "EISDIR";
    case ETXTBSY: return "ETXTBSY";
    case EINVAL: return "EINVAL";
    default: return "EIO";
  }
}

static const char *signal_name(int s) {
  switch (s) {
    case SIGHUP: return "SIGHUP"; case SIGINT: return "SIGINT"; case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL"; case SIGTRAP: return "SIGTRAP"; case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS"; case SIGFPE: return "SIGFPE"; case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1"; case SIGSEGV: return "SIGSEGV"; case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE"; case SIGALRM: return "SIGALRM"; case SIGTERM: return "SIGTERM";
    case SIGSTKFLT: return "SIGSTKFLT"; case SIGCHLD: return "SIGCHLD"; case SIGCONT: return "SIGCONT";
    case SIGSTOP: return "SIGSTOP"; case SIGTSTP: return "SIGTSTP"; case SIGTTIN: return "SIGTTIN";
    case SIGTTOU: return "SIGTTOU"; case SIGURG: return "SIGURG"; case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ"; case SIGVTALRM: return "SIGVTALRM"; case SIGPROF: return "SIGPROF";
    case SIGWINCH: return "SIGWINCH"; case SIGIO: return "SIGIO"; case SIGPWR: return "SIGPWR";
    case SIGSYS: return "SIGSYS";
    default: return "SIGKILL";
  }
}

/* A number after "key": in a header line (the worker's headers are JSON.stringify of flat objects). */
static long header_num(const char *line, const char *key, long otherwise) {
  char pat[32];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(line, pat);
  return p ? strtol(p + strlen(pat), NULL, 10) : otherwise;
}

static int header_is(const char *line, const char *t) {
  char pat[32];
  snprintf(pat, sizeof pat, "\"t\":\"%s\"", t);
  return strstr(line, pat) != NULL;
}

/* `s` as a JSON string's inside, at most `cap` bytes with its NUL. */
static void json_text(char *to, size_t cap, const char *s) {
  size_t n = 0;
  for (; *s && n + 7 < cap; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') {
      to[n++] = '\\';
      to[n++] = (char)ch;
    } else if (ch < 0x20) n += (size_t)snprintf(to + n, cap - n, "\\u%04x", ch);
    else to[n++] = (char)ch;
  }
  to[n] = 0;
}

/* Where execvp would find `file` on `path`: the first entry with an executable file of that name. */
static char *on_path(const char *file, const char *path, char *buf, size_t cap) {
  if (strchr(file, '/')) return (char *)file;
  if (!path) path = "/bin:/usr/bin";
  for (const char *p = path;; p++) {
    const char *colon = strchrnul(p, ':');
    int len = (int)(colon - p);
    snprintf(buf, cap, "%.*s%s%s", len, p, len ? "/" : "", file);
    if (access(buf, X_OK) == 0) return buf;
    if (!*colon) return NULL;
    p = colon;
  }
}

static void maybe_close(struct child *c) {
  if (!c->exited || c->fd[0] >= 0 || c->fd[1] >= 0) return;
  char line[64];
  snprintf(line, sizeof line, "{\"t\":\"close\",\"id\":%ld}\n", c->id);
  send_line(line);
  for (struct child **pp = &children; *pp; pp = &(*pp)->next) {
    if (*pp == c) {
      *pp = c->next;
      free(c);
      return;
    }
  }
}

static void end_stream(struct child *c, int s) {
  if (c->fd[s] < 0) return;
  close(c->fd[s]);
  c->fd[s] = -1;
}

/* payload: cwd (empty: none), then argc strings of argv, then the environment's KEY=value, each ending in a NUL. */
static void start(long id, long argc, char *payload, size_t n) {
  char line[8400];
  static char none[1];
  /* Strings end in a NUL, the last one too (the worker's frames always do; anything else is refused below). */
  if (n == 0 || payload[n - 1] != 0) {
    payload = none;
    n = 1;
    argc = 0;
  }
  if (argc < 0 || (size_t)argc > n) argc = 0;
  char *cwd = payload;
  char *p = payload + strlen(payload) + 1;
  char *end = payload + n;
  char **argv = calloc((size_t)argc + 1, sizeof *argv);
  size_t envc = 0;
  for (char *q = p; q < end; q += strlen(q) + 1) envc++;
  char **envp = calloc(envc + 1, sizeof *envp);
  for (long i = 0; i < argc; i++) {
    argv[i] = p < end ? p : "";
    if (p < end) p += strlen(p) + 1;
  }
  for (size_t i = 0; p < end; i++) {
    envp[i] = p;
    p += strlen(p) + 1;
  }
  int out[2] = {-1, -1}, err[2] = {-1, -1};
  /* A frame without a program (the worker never sends one) is refused as Node refuses an empty file name. */
  int e = argc < 1 || !*argv[0] ? EINVAL : 0;
  if (e == 0 && (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)) e = errno;
  pid_t pid = 0;
  if (e == 0) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    if (*cwd) posix_spawn_file_actions_addchdir_np(&fa, cwd);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    /* The program is looked up on the PATH of its own environment, as Node's spawn does. */
    char **mine = environ;
    environ = envp;
    e = posix_spawnp(&pid, argv[0], &fa, &at, argv, envp);
    if (e == ENOEXEC) {
      /* A file without a #! line is run by the shell, as execvp (and so Node's spawn) does. */
      char found[4096];
      char *file = on_path(argv[0], getenv("PATH"), found, sizeof found);
      char **shargv = calloc((size_t)argc + 2, sizeof *shargv);
      shargv[0] = "/bin/sh";
      shargv[1] = file ? file : argv[0];
      for (long i = 1; i < argc; i++) shargv[i + 1] = argv[i];
      e = posix_spawn(&pid, "/bin/sh", &fa, &at, shargv, envp);
      free(shargv);
    }
    environ = mine;
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
  }
  if (out[1] >= 0) close(out[1]);
  if (err[1] >= 0) close(err[1]);
  const char *program = argc > 0 ? argv[0] : "";
  /* (argv[0] points into the payload, which outlives this call's use of it.) */
  free(argv);
  free(envp);
  if (e != 0) {
    if (out[0] >= 0) close(out[0]);
    if (err[0] >= 0) close(err[0]);
    const char *code = errno_code(e);
    char file[4096];
    json_text(file, sizeof file, program);
    /* Node's words: spawn <file> <code>. */
    snprintf(line, sizeof line, "{\"t\":\"error\",\"id\":%ld,\"code\":\"%s\",\"message\":\"spawn %s %s\"}\n", id, code, file, code);
    send_line(line);
    return;
  }
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  struct child *c = calloc(1, sizeof *c);
  c->id = id;
  c->pid = pid;
  c->fd[0] = out[0];
  c->fd[1] = err[0];
  c->next = children;
  children = c;
  snprintf(line, sizeof line, "{\"t\":\"spawn\",\"id\":%ld,\"pid\":%d}\n", id, (int)pid);
  send_line(line);
}

static void drop(long id) {
  for (struct child *c = children; c; c = c->next) {
    if (c->id != id) continue;
    end_stream(c, 0);
    end_stream(c, 1);
    maybe_close(c);
    return;
  }
}

/* Read what a container wrote on stream s and pass it on; at its end, close the stream. */
static char outbuf[65536 + 128];
static void pass_output(struct child *c, int s) {
  char *data = outbuf + 128;
  ssize_t r = read(c->fd[s], data, 65536);
  if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (r <= 0) {
    end_stream(c, s);
    return;
  }
  char head[96];
  int h = snprintf(head, sizeof head, "{\"t\":\"data\",\"id\":%ld,\"s\":%d,\"n\":%zd}\n", c->id, s + 1, r);
  memcpy(data - h, head, (size_t)h);
  write_all(data - h, (size_t)h + (size_t)r);
}

static void reap(void) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (struct child *c = children; c; c = c->next) {
      if (c->pid != pid) continue;
      char line[128];
      if (WIFSIGNALED(status)) snprintf(line, sizeof line, "{\"t\":\"exit\",\"id\":%ld,\"code\":null,\"signal\":\"%s\"}\n", c->id, signal_name(WTERMSIG(status)));
      else snprintf(line, sizeof line, "{\"t\":\"exit\",\"id\":%ld,\"code\":%d,\"signal\":null}\n", c->id, WEXITSTATUS(status));
      c->exited = 1;
      /* Output already waiting goes first, as Node reads it before the exit's close. */
      send_line(line);
      maybe_close(c);
      break;
    }
  }
}

static void bye(void) {
  for (struct child *c = children; c; c = c->next)
    if (!c->exited) kill(-c->pid, SIGKILL);
  exit(0);
}

int main(void) {
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  if (pipe2(sigpipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  fcntl(0, F_SETFD, FD_CLOEXEC);
  fcntl(1, F_SETFD, FD_CLOEXEC);
  send_line("{\"t\":\"ready\"}\n");

  size_t cap = 1 << 16, len = 0;
  char *in = malloc(cap);
  size_t nfds_cap = 16;
  struct pollfd *fds = malloc(nfds_cap * sizeof *fds);
  struct child **owner = malloc(nfds_cap * sizeof *owner);
  for (;;) {
    size_t count = 0;
    for (struct child *c = children; c; c = c->next) count += 2;
    if (count + 2 > nfds_cap) {
      nfds_cap = (count + 2) * 2;
      fds = realloc(fds, nfds_cap * sizeof *fds);
      owner = realloc(owner, nfds_cap * sizeof *owner);
    }
    size_t n = 0;
    fds[n++] = (struct pollfd){.fd = 0, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = sigpipe_fds[0], .events = POLLIN};
    for (struct child *c = children; c; c = c->next) {
      for (int s = 0; s < 2; s++) {
        if (c->fd[s] < 0) continue;
        owner[n] = c;
        fds[n++] = (struct pollfd){.fd = c->fd[s], .events = POLLIN};
      }
    }
    if (poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    /* Containers' output before their exits. */
    for (size_t i = 2; i < n; i++) {
      if (!fds[i].revents) continue;
      struct child *c = owner[i];
      int s = c->fd[0] == fds[i].fd ? 0 : 1;
      pass_output(c, s);
      if (c->fd[s] < 0) maybe_close(c);
    }
    if (fds[1].revents) {
      char buf[64];
      while (read(sigpipe_fds[0], buf, sizeof buf) > 0) {
      }
      reap();
    }
    if (fds[0].revents) {
      if (len == cap) in = realloc(in, cap *= 2);
      ssize_t r = read(0, in + len, cap - len);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) bye();
      len += (size_t)r;
      /* Frames: a JSON line, then n bytes when the line has an n. */
      for (;;) {
        char *nl = memchr(in, '\n', len);
        if (!nl) break;
        *nl = 0;
        size_t head = (size_t)(nl - in) + 1;
        long pn = header_num(in, "n", 0);
        if (pn > 0 && len < head + (size_t)pn) {
          *nl = '\n';
          if (head + (size_t)pn > cap) {
            while (head + (size_t)pn > cap) cap *= 2;
            in = realloc(in, cap);
          }
          break;
        }
        long id = header_num(in, "id", 0);
        if (header_is(in, "spawn")) start(id, header_num(in, "argc", 0), in + head, (size_t)pn);
        else if (header_is(in, "drop")) drop(id);
        size_t used = head + (pn > 0 ? (size_t)pn : 0);
        memmove(in, in + used, len - used);
        len -= used;
      }
    }
  }
}
