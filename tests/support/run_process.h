// Runs the built pcusage binary as a user would: argv, environment and stdin in; stdout, stderr and
// exit status out.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace pcusage::test {

// What a finished process left behind. `status` is the exit code, or 128+N when killed by signal N.
struct ProcessResult {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is the program path) with exactly `env` as its environment (PATH is added
// when missing), feeding `input` on stdin; waits at most `timeout_s` seconds before killing it.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {},
                          const std::string& input = "", int timeout_s = 60);

}  // namespace pcusage::test
