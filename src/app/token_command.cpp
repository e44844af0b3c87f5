#include "app/token_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/signals.h"
#include "core/text.h"

namespace pcusage {

namespace {

Error failed(const std::string& why, const std::string& err_text) {
  // The last non-empty line of its stderr is what a vault or az CLI says went wrong.
  std::string_view rest = trim(err_text);
  const std::size_t nl = rest.find_last_of('\n');
  if (nl != std::string_view::npos) rest = trim(rest.substr(nl + 1));
  std::string msg = "--token-command failed: " + why;
  if (!rest.empty()) msg += ": " + printable_excerpt(rest, 300);
  return make_error(ExitCode::kAuth, msg);
}

void kill_group(pid_t pid) {
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

Result<std::string> run_token_command(const std::string& command, std::chrono::milliseconds limit,
                                      std::size_t max_output) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return failed(std::strerror(errno), "");
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return failed(std::strerror(errno), "");
  }
  const pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    return failed(std::string("cannot start it: ") + std::strerror(errno), "");
  }
  if (pid == 0) {
    setpgid(0, 0);
    const int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  setpgid(pid, pid);  // also from here, so the group exists before any kill below
  close(out[1]);
  close(err[1]);
  std::string stdout_text, stderr_text;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  bool out_open = true, err_open = true;
  std::string problem;
  while ((out_open || err_open) && problem.empty()) {
    if (interrupted()) {
      problem = "interrupted";
      break;
    }
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      problem = "no token within " + std::to_string(limit.count() / 1000) + " s";
      break;
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (out_open) fds[n++] = {out[0], POLLIN, 0};
    if (err_open) fds[n++] = {err[0], POLLIN, 0};
    // Short polls keep a signal or the time limit noticed within a fraction of a second.
    poll(fds, n, 100);
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      const bool is_out = fds[i].fd == out[0];
      if (got <= 0) {
        (is_out ? out_open : err_open) = false;
        continue;
      }
      std::string& sink = is_out ? stdout_text : stderr_text;
      sink.append(buf, static_cast<std::size_t>(got));
      if (is_out && sink.size() > max_output) {
        problem = "more than " + std::to_string(max_output) + " bytes of output";
      }
      if (!is_out && sink.size() > std::size_t{16} * 1024) {
        sink.erase(0, sink.size() - std::size_t{8} * 1024);
      }
    }
  }
  close(out[0]);
  close(err[0]);
  if (!problem.empty()) {
    kill_group(pid);
    if (problem == "interrupted") return make_error(ExitCode::kInterrupted, "interrupted");
    return failed(problem, stderr_text);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    return failed("killed by signal " + std::to_string(WTERMSIG(status)), stderr_text);
  }
  if (WEXITSTATUS(status) != 0) {
    return failed("exit status " + std::to_string(WEXITSTATUS(status)), stderr_text);
  }
  const std::string_view token = trim(stdout_text);
  if (token.empty()) return failed("no output", stderr_text);
  if (!is_visible_ascii(token)) {
    return make_error(ExitCode::kAuth,
                      "--token-command: its output has characters outside visible ASCII");
  }
  return std::string(token);
}

}  // namespace pcusage
