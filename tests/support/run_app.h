// Drives the whole tool in-process, from an argv vector and an environment map to an Outcome.
#pragma once

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/run.h"
#include "cli/parse_args.h"
#include "http/http_client.h"

namespace pcusage::test {

// What one in-process run left behind.
struct Outcome {
  ExitCode code;
  std::string out;
  std::string err;
};

// The exit status of an in-process run, as a number (see require_failure in helpers.h).
inline int exit_status_of(const Outcome& o) { return static_cast<int>(o.code); }

// Parses `args` (without the program name) against the environment `env`.
inline Result<Options> parse_with_env(const std::vector<std::string>& args,
                                      std::map<std::string, std::string> env = {}) {
  std::vector<const char*> argv{"pcusage"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return parse_args(static_cast<int>(argv.size()), argv.data(),
                    [env = std::move(env)](const char* name) -> std::optional<std::string> {
                      auto it = env.find(name);
                      if (it == env.end()) return std::nullopt;
                      return it->second;
                    });
}

// Parses and runs, as main() does, with `client` in place of the network.
inline Outcome run_app(HttpClient& client, const std::vector<std::string>& args,
                       std::map<std::string, std::string> env = {}, Clock& clock = real_clock()) {
  std::ostringstream err;
  auto options = parse_with_env(args, std::move(env));
  if (!options) {
    const ExitCode code = report(options.error(), err);
    return {code, "", err.str()};
  }
  StringSink out;
  const ExitCode code = run(*options, client, out, err, clock);
  return {code, out.str(), err.str()};
}

}  // namespace pcusage::test
