#include "support/run_process.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "support/child_process.h"

namespace pcusage::test {

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env, const std::string& input,
                          int timeout_s) {
  // A child that exits before reading all its input must not kill the test with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return {};
  }
  const pid_t pid = spawn(argv, env, {in[0], out[1], err[1]});
  close(in[0]);
  close(out[1]);
  close(err[1]);
  ProcessResult r;
  collect(pid, {{out[0], &r.out}, {err[0], &r.err}}, in[1], input, timeout_s);
  if (pid > 0) r.status = wait_status(pid);
  return r;
}

}  // namespace pcusage::test
