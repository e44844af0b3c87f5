// What stdout and stderr are connected to, for output that adapts to a terminal.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace pcusage {

// The terminal facts of one run; all false/0 when not probed (tests, pipes, files).
struct Terminal {
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;
  std::size_t columns = 0;  // stdout's width when it is a terminal; 0 when unknown
};

// Probes file descriptors 1 and 2. The width is `columns_env` (the COLUMNS variable) when it is a
// positive number, else the terminal's own size (TIOCGWINSZ), else 0.
Terminal probe_terminal(const std::optional<std::string>& columns_env);

}  // namespace pcusage
