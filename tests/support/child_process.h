// What both process runners do with a child: start it with exactly the given environment, read
// what it writes until it is done or a deadline passes, and turn its end into an exit status.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace pcusage::test {

// The descriptors a child gets as its stdin, stdout and stderr.
struct ChildStdio {
  int in = -1;
  int out = -1;
  int err = -1;
};

// Starts `argv` (argv[0] is the program path) with exactly `env` as its environment (PATH added
// when missing), `stdio` as its descriptors 0 to 2 and SIGPIPE at its default; every other
// descriptor must be close-on-exec. Returns the child's pid, or -1; a program that cannot be
// started exits with 127.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const ChildStdio& stdio);

// A descriptor the child writes to, and where what is read from it goes.
struct ChildOutput {
  int fd = -1;
  std::string* text = nullptr;
};

// Reads every one of `outputs` to its end (end of file, or EIO on a pseudo-terminal whose other
// side is closed) while writing `input` to `input_fd` (-1 for none) until all is written or the
// child stops reading; kills `pid` if that takes more than `timeout_s` seconds. Closes the
// descriptors it was given.
void collect(pid_t pid, const std::vector<ChildOutput>& outputs, int input_fd,
             const std::string& input, int timeout_s);

// Waits for `pid` to end: its exit code, or 128+N when signal N killed it.
int wait_status(pid_t pid);

}  // namespace pcusage::test
