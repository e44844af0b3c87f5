// --token-command: a token from a vault, `az account get-access-token` or any other program.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "core/result.h"

namespace pcusage {

// Runs `command` with /bin/sh -c, stdin from /dev/null, in its own process group (killed whole on
// timeout or signal), and returns its trimmed stdout. A non-zero exit, a timeout, more than
// `max_output` bytes or empty output fail with ExitCode::kAuth and the last line of its stderr.
Result<std::string> run_token_command(const std::string& command,
                                      std::chrono::milliseconds limit = std::chrono::seconds(30),
                                      std::size_t max_output = std::size_t{64} * 1024);

}  // namespace pcusage
