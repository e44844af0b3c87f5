#include "support/run_in_terminal.h"

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include "support/child_process.h"

namespace pcusage::test {

ProcessResult run_in_terminal(const std::vector<std::string>& argv,
                              const std::map<std::string, std::string>& env, TerminalStream stream,
                              unsigned short columns, int timeout_s) {
  int master = -1, slave = -1;
  winsize ws{};
  ws.ws_col = columns;
  ws.ws_row = 24;
  if (openpty(&master, &slave, nullptr, nullptr, &ws) != 0) return {};
  // The child keeps only the copy of the slave it gets as stdout or stderr.
  fcntl(master, F_SETFD, FD_CLOEXEC);
  fcntl(slave, F_SETFD, FD_CLOEXEC);
  termios raw{};
  tcgetattr(slave, &raw);
  cfmakeraw(&raw);
  tcsetattr(slave, TCSANOW, &raw);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return {};
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = spawn(argv, env,
                          {null_fd, stream == TerminalStream::kStdout ? slave : pipe_fds[1],
                           stream == TerminalStream::kStderr ? slave : pipe_fds[1]});
  close(null_fd);
  close(slave);
  close(pipe_fds[1]);
  ProcessResult r;
  std::string& on_terminal = stream == TerminalStream::kStdout ? r.out : r.err;
  std::string& on_pipe = stream == TerminalStream::kStdout ? r.err : r.out;
  collect(pid, {{master, &on_terminal}, {pipe_fds[0], &on_pipe}}, -1, "", timeout_s);
  if (pid > 0) r.status = wait_status(pid);
  return r;
}

}  // namespace pcusage::test
