#include "support/run_in_terminal.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace pcusage::test {

ProcessResult run_in_terminal(const std::vector<std::string>& argv,
                              const std::map<std::string, std::string>& env, TerminalStream stream,
                              unsigned short columns, int timeout_s) {
  int master = -1, slave = -1;
  winsize ws{};
  ws.ws_col = columns;
  ws.ws_row = 24;
  if (openpty(&master, &slave, nullptr, nullptr, &ws) != 0) return {};
  termios raw{};
  tcgetattr(slave, &raw);
  cfmakeraw(&raw);
  tcsetattr(slave, TCSANOW, &raw);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return {};
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  if (env.find("PATH") == env.end()) env_strings.push_back("PATH=/usr/bin:/bin");
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (auto& e : env_strings) cenv.push_back(e.data());
  cenv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid == 0) {
    const int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(stream == TerminalStream::kStdout ? slave : pipe_fds[1], 1);
    dup2(stream == TerminalStream::kStderr ? slave : pipe_fds[1], 2);
    close(master);
    close(slave);
    execve(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  close(slave);
  close(pipe_fds[1]);
  ProcessResult r;
  std::string& on_terminal = stream == TerminalStream::kStdout ? r.out : r.err;
  std::string& on_pipe = stream == TerminalStream::kStdout ? r.err : r.out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  bool master_open = true, pipe_open = true;
  while (master_open || pipe_open) {
    pollfd fds[2];
    int n = 0;
    if (master_open) fds[n++] = {master, POLLIN, 0};
    if (pipe_open) fds[n++] = {pipe_fds[0], POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      break;
    }
    poll(fds, static_cast<nfds_t>(n), static_cast<int>(left.count()));
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      char buf[65536];
      const ssize_t got = read(fds[i].fd, buf, sizeof buf);
      const bool is_master = fds[i].fd == master;
      if (got > 0) {
        (is_master ? on_terminal : on_pipe).append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        // EIO on the master: every descriptor of the terminal's other side is closed.
        (is_master ? master_open : pipe_open) = false;
      }
    }
  }
  close(master);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace pcusage::test
