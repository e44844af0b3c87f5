// Runs the built pcusage binary with stdout or stderr on a pseudo-terminal, as in an interactive
// shell, to test what it does only on a terminal.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/run_process.h"

namespace pcusage::test {

// Which stream of the child is the terminal; the other one is a pipe.
enum class TerminalStream { kStdout, kStderr };

// Runs `argv` (argv[0] is the program path) with exactly `env` (PATH added when missing) and an
// empty stdin; `stream` is a raw-mode pseudo-terminal `columns` wide (so bytes arrive
// untranslated). Waits at most `timeout_s` seconds before killing it.
ProcessResult run_in_terminal(const std::vector<std::string>& argv,
                              const std::map<std::string, std::string>& env, TerminalStream stream,
                              unsigned short columns = 80, int timeout_s = 60);

}  // namespace pcusage::test
