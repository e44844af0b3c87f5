// The built pcusage binary run as a user would, the way the end-to-end tests run it: a plain
// environment, and a token in it for runs against a loopback server.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/loopback_server.h"
#include "support/run_process.h"

namespace pcusage::test {

// The access token against() passes; no output, trace or error may show it.
inline const std::string kToken = "tok-5ecret-ABC123";

// The environment of a run: the C locale, no proxy, a home folder that does not exist.
std::map<std::string, std::string> base_env();

// Runs the built binary with `args`, exactly `env` as its environment and `input` on stdin.
ProcessResult run_pcusage(std::vector<std::string> args,
                          std::map<std::string, std::string> env = base_env(),
                          const std::string& input = "");

// pcusage against `server` with the token in the environment.
ProcessResult against(const LoopbackServer& server, std::vector<std::string> args,
                      std::map<std::string, std::string> env = base_env());

}  // namespace pcusage::test
