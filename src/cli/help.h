// The text of --help: grouped flags, examples and the exit codes, within 80 columns.
#pragma once

#include <string>

namespace pcusage {

// The full --help text, ending with a newline.
std::string help_text();

}  // namespace pcusage
