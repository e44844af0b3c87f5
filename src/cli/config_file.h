// The config file: INI with a [default] section and [profile NAME] sections of key = value lines.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cli/parse_args.h"
#include "core/result.h"

namespace pcusage {

// One key = value line of the chosen profile.
struct ConfigEntry {
  std::string key;
  std::string value;
  int line = 0;
};

// The chosen profile's lines of one config file.
struct ConfigProfile {
  bool file_exists = false;
  bool section_found = false;
  std::vector<ConfigEntry> entries;
};

// The folder holding the config file and the stored tokens: $XDG_CONFIG_HOME/pcusage, else
// $HOME/.config/pcusage; empty when neither variable is set.
std::string config_home(const EnvLookup& env);

// True for a profile name made of letters, digits, '-', '_' and '.', without "..", not starting
// with '.', at most 64 characters (it becomes part of file names).
bool is_profile_name(const std::string& name);

// The section header of a profile: "default", or "profile NAME".
std::string section_name(const std::string& profile);

// Reads the entries of `profile` from `path` with CLI11's config parser. A missing file is an empty
// profile; a line that is neither a section, a comment nor key = value, a section other than
// [default] / [profile NAME], or a key given twice is an exit-2 error naming the file and line.
Result<ConfigProfile> read_config_profile(const std::string& path, const std::string& profile);

// Sets `settings` in the profile's section of `path` (creating the file, its 0700 folder and the
// section when missing), keeping every other section, key and comment; the file is replaced
// atomically with mode 0600.
Status write_config_profile(const std::string& path, const std::string& profile,
                            const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace pcusage
