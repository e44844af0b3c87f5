// A setting's value together with where it came from, so that errors can name the source.
#pragma once

#include <string>

namespace pcusage {

// A value and its source as errors name it: the flag ("--locale"), the environment variable
// ("PCUSAGE_LOCALE") or a config file line ("config file PATH line N").
struct Sourced {
  std::string value;
  std::string source;
};

// The source name of a value read from line `line` of the config file at `path`.
inline std::string config_file_source(const std::string& path, int line) {
  return "config file " + path + " line " + std::to_string(line);
}

}  // namespace pcusage
