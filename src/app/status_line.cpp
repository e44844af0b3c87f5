#include "app/status_line.h"

#include "core/text.h"

namespace pcusage {

namespace {

// Carriage return, then "erase to end of line" (ECMA-48 EL): the line is rewritten from its start.
constexpr const char* kRewrite = "\r\x1b[K";

}  // namespace

void StatusLine::show(const std::string& text) {
  if (!m_enabled) return;
  m_err << kRewrite << printable_excerpt(text, 200);
  m_err.flush();
  m_shown = true;
}

void StatusLine::clear() {
  if (!m_shown) return;
  m_err << kRewrite;
  m_err.flush();
  m_shown = false;
}

}  // namespace pcusage
