#include "support/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace pcusage::test {

pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const ChildStdio& stdio) {
  // Everything the child needs is built before fork: the test's server threads may hold the
  // allocator's lock at that moment.
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
    dup2(stdio.in, 0);
    dup2(stdio.out, 1);
    dup2(stdio.err, 2);
    signal(SIGPIPE, SIG_DFL);
    execve(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  return pid;
}

void collect(pid_t pid, const std::vector<ChildOutput>& outputs, int input_fd,
             const std::string& input, int timeout_s) {
  std::size_t written = 0;
  if (input_fd >= 0 && input.empty()) {
    close(input_fd);
    input_fd = -1;
  }
  if (input_fd >= 0) fcntl(input_fd, F_SETFL, O_NONBLOCK);
  std::vector<bool> reading(outputs.size(), true);
  std::size_t open_count = outputs.size();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (open_count > 0) {
    std::vector<pollfd> fds;
    std::vector<std::size_t> output_of;  // fds[i] reads outputs[output_of[i]]
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      if (!reading[i]) continue;
      fds.push_back({outputs[i].fd, POLLIN, 0});
      output_of.push_back(i);
    }
    if (input_fd >= 0) fds.push_back({input_fd, POLLOUT, 0});
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      if (pid > 0) kill(pid, SIGKILL);
      break;
    }
    poll(fds.data(), static_cast<nfds_t>(fds.size()), static_cast<int>(left.count()));
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == input_fd) {
        const ssize_t w = write(input_fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 || written == input.size()) {
          close(input_fd);
          input_fd = -1;
        }
        continue;
      }
      const std::size_t k = output_of[i];
      char buf[65536];
      const ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        outputs[k].text->append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        // EIO on a pseudo-terminal's master: every descriptor of its other side is closed.
        reading[k] = false;
        --open_count;
      }
    }
  }
  if (input_fd >= 0) close(input_fd);
  for (const ChildOutput& output : outputs) close(output.fd);
}

int wait_status(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace pcusage::test
