#include "core/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace pcusage {

Terminal probe_terminal(const std::optional<std::string>& columns_env) {
  Terminal t;
  t.stdout_is_tty = isatty(STDOUT_FILENO) == 1;
  t.stderr_is_tty = isatty(STDERR_FILENO) == 1;
  if (!t.stdout_is_tty) return t;
  if (columns_env && !columns_env->empty() && columns_env->size() <= 5 &&
      columns_env->find_first_not_of("0123456789") == std::string::npos) {
    t.columns = std::stoul(*columns_env);
  }
  if (t.columns == 0) {
    winsize ws{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) t.columns = ws.ws_col;
  }
  return t;
}

}  // namespace pcusage
