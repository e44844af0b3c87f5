// CLI11's parse failures reworded as pcusage's own one-line usage errors.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's own namespace
class App;
}  // namespace CLI

namespace pcusage {

// The usage error for a command line that `app` refused: the first problem in `args` (argv without
// the program name), read left to right against the options of `app` and, after a subcommand's
// name, of that subcommand. Names flags as the user wrote them ("unknown option --tokne; did you
// mean --token?", "-o given twice"), a missing value by the option's long name and what it takes
// ("--output needs a value: table, ..."), and says "quote the '*'" for a --columns value the shell
// expanded into file names. `fallback` (the parser's own text) is used
// when no such problem is found.
Error usage_error_for(const CLI::App& app, const std::vector<std::string>& args,
                      const std::string& fallback);

// The usage error for `word`, a file name that followed the --columns value: the shell expanded an
// unquoted '*' there.
Error columns_spill(const std::string& word);

// True when `word` comes right after the value of --columns in `args` (a likely shell expansion).
bool follows_columns_value(const std::vector<std::string>& args, const std::string& word);

// The closest of `candidates` to `word` when it is near enough to be a likely typo, else empty.
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace pcusage
