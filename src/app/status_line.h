// One line of progress on a terminal's stderr, rewritten in place and erased when done.
#pragma once

#include <ostream>
#include <string>

namespace pcusage {

// A single status line ("HTTP 503, retrying in 100 s (attempt 2 of 4)") kept at the bottom of a
// terminal: show() replaces its text, clear() erases it, and the destructor clears it too. When
// disabled (stderr is not a terminal, or --quiet) nothing is ever written, so callers need no
// checks of their own. Anything else written to the same stream should come after clear().
class StatusLine {
 public:
  // `err` is the stream of the line (stderr); `enabled` is whether it may be drawn at all.
  StatusLine(std::ostream& err, bool enabled) : m_err(err), m_enabled(enabled) {}
  ~StatusLine() { clear(); }
  StatusLine(const StatusLine&) = delete;
  StatusLine& operator=(const StatusLine&) = delete;

  // Replaces the line with `text` (one line; controls are shown escaped, cut to 200 bytes).
  void show(const std::string& text);

  // Erases the line if one is shown; the cursor is left at the start of an empty line.
  void clear();

  // Whether show() draws anything.
  bool enabled() const { return m_enabled; }

 private:
  std::ostream& m_err;
  bool m_enabled;
  bool m_shown = false;
};

}  // namespace pcusage
