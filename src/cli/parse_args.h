// Turns argv and the environment into Options (the only place CLI11 appears).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "cli/options.h"
#include "core/result.h"

namespace pcusage {

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// The real process environment.
std::optional<std::string> process_env(const char* name);

// Parses and checks argv; usage problems are Errors with ExitCode::kUsage and a one-line message.
Result<Options> parse_args(int argc, const char* const* argv, const EnvLookup& env);

}  // namespace pcusage
