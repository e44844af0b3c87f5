#include "core/signals.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <mutex>

namespace pcusage {

namespace {

// Written by the handler, read by every thread (transfers poll it): a lock-free atomic is safe for
// both, where volatile sig_atomic_t is safe only within the thread the signal interrupted.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler needs a lock-free atomic");
int g_wake_fds[2] = {-1, -1};  // self-pipe: the handler writes, sleep_until polls

void on_signal(int signal) {
  const int saved = errno;
  g_signal.store(signal, std::memory_order_relaxed);
  if (g_wake_fds[1] >= 0) {
    const char b = 1;
    [[maybe_unused]] const ssize_t n = write(g_wake_fds[1], &b, 1);
  }
  errno = saved;
}

void make_pipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (pipe2(g_wake_fds, O_CLOEXEC | O_NONBLOCK) != 0) g_wake_fds[0] = g_wake_fds[1] = -1;
  });
}

}  // namespace

void install_signal_handlers() {
  make_pipe();
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int pending_signal() { return g_signal.load(std::memory_order_relaxed); }

bool interrupted() { return pending_signal() != 0; }

void raise_interrupt(int signal) {
  make_pipe();
  on_signal(signal);
}

void clear_interrupt() {
  g_signal.store(0, std::memory_order_relaxed);
  if (g_wake_fds[0] >= 0) {
    char buf[64];
    while (read(g_wake_fds[0], buf, sizeof buf) > 0) {
    }
  }
}

bool sleep_until(std::chrono::steady_clock::time_point until) {
  make_pipe();
  // std::this_thread::sleep_until would resume after the signal: poll the self-pipe instead.
  while (!interrupted()) {
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return true;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1;
    pollfd p = {g_wake_fds[0], POLLIN, 0};
    poll(&p, g_wake_fds[0] >= 0 ? 1 : 0, static_cast<int>(ms > 1000 ? 1000 : ms));
  }
  return false;
}

}  // namespace pcusage
