#include "cli/config_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>

#include "core/files.h"
#include "core/text.h"

namespace pcusage {

namespace {

constexpr std::size_t kConfigLimit = std::size_t{1} << 20;

Error config_error(const std::string& path, int line, const std::string& why) {
  return make_error(ExitCode::kUsage, path + ":" + std::to_string(line) + ": " + why);
}

// "[default]" -> "default", "[profile  work]" -> "profile work"; nullopt for any other header.
std::optional<std::string> header_section(std::string_view line) {
  std::string inner(trim(line.substr(1, line.size() - 2)));
  if (inner == "default") return inner;
  if (inner.rfind("profile", 0) == 0 && inner.size() > 7 && (inner[7] == ' ' || inner[7] == '\t')) {
    return "profile " + std::string(trim(std::string_view(inner).substr(8)));
  }
  return std::nullopt;
}

bool is_header(std::string_view line) {
  return line.size() >= 2 && line.front() == '[' && line.back() == ']';
}

bool is_comment(std::string_view line) {
  return line.empty() || line.front() == '#' || line.front() == ';';
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

Status write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(ExitCode::kInternal, std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  return Ok{};
}

}  // namespace

std::string config_home(const EnvLookup& env) {
  if (auto x = env("XDG_CONFIG_HOME"); x && !x->empty() && x->front() == '/') {
    return *x + "/pcusage";
  }
  if (auto h = env("HOME"); h && !h->empty()) return *h + "/.config/pcusage";
  return "";
}

bool is_profile_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() == '.' ||
      name.find("..") != std::string::npos) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string section_name(const std::string& profile) {
  return profile == "default" ? profile : "profile " + profile;
}

Result<ConfigProfile> read_config_profile(const std::string& path, const std::string& profile) {
  ConfigProfile out;
  struct stat st = {};
  if (stat(path.c_str(), &st) != 0 && errno == ENOENT) return out;
  auto text = read_source(path, kConfigLimit, ExitCode::kUsage, "the config file");
  if (!text) return text.error();
  out.file_exists = true;
  const std::string wanted = section_name(profile);

  // Where each key of the chosen section sits, for messages; CLI11 reads the values.
  std::map<std::string, int> lines_of_keys;
  std::string section = "default";
  const auto lines = split_lines(*text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    const std::string_view line = trim(lines[i]);
    if (is_comment(line)) continue;
    if (is_header(line)) {
      auto s = header_section(line);
      if (!s) {
        return config_error(path, n,
                            "unknown section " + printable_excerpt(line, 60) +
                                " (use [default] or [profile NAME])");
      }
      section = *s;
      if (section == wanted) out.section_found = true;
      continue;
    }
    const std::size_t eq = line.find('=');
    const std::string key(eq == std::string_view::npos ? "" : trim(line.substr(0, eq)));
    if (key.empty()) {
      return config_error(path, n,
                          "expected key = value, got \"" + printable_excerpt(line, 60) + "\"");
    }
    if (section != wanted) continue;
    if (!lines_of_keys.emplace(key, n).second) {
      return config_error(
          path, n, "\"" + printable_excerpt(key, 40) + "\" is set twice in [" + wanted + "]");
    }
  }
  if (!out.section_found) return out;

  CLI::ConfigBase parser;
  parser.comment('#')->arrayBounds('[', ']')->arrayDelimiter('\n')->parentSeparator('\n');
  std::istringstream in(*text);
  std::vector<CLI::ConfigItem> items;
  try {
    items = parser.from_config(in);
  } catch (const CLI::Error& e) {
    return make_error(ExitCode::kUsage, path + ": " + printable_excerpt(e.what(), 200));
  }
  for (const auto& item : items) {
    if (item.name == "++" || item.name == "--") continue;
    const std::string item_section = item.parents.empty() ? "default" : item.parents.front();
    if (item_section != wanted || item.parents.size() > 1) continue;
    std::string value;
    for (const auto& part : item.inputs) value += (value.empty() ? "" : ",") + part;
    auto where = lines_of_keys.find(item.name);
    out.entries.push_back({item.name, value, where == lines_of_keys.end() ? 0 : where->second});
  }
  return out;
}

Status write_config_profile(const std::string& path, const std::string& profile,
                            const std::vector<std::pair<std::string, std::string>>& settings) {
  std::string existing;
  struct stat st = {};
  if (stat(path.c_str(), &st) == 0) {
    auto text = read_source(path, kConfigLimit, ExitCode::kInternal, "the config file");
    if (!text) return text.error();
    existing = std::move(*text);
  }
  std::vector<std::string> lines = split_lines(existing);
  const std::string wanted = section_name(profile);
  std::vector<bool> done(settings.size(), false);
  std::optional<std::size_t> section_end;  // where missing keys of the section go
  bool inside = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = trim(lines[i]);
    if (is_header(line)) {
      inside = header_section(line) == wanted;
      if (inside) section_end = i + 1;
      continue;
    }
    if (!inside) continue;
    if (!is_comment(line)) section_end = i + 1;
    const std::size_t eq = line.find('=');
    if (is_comment(line) || eq == std::string_view::npos) continue;
    const std::string key(trim(line.substr(0, eq)));
    for (std::size_t k = 0; k < settings.size(); ++k) {
      if (settings[k].first == key) {
        lines[i] = key + " = " + settings[k].second;
        done[k] = true;
      }
    }
  }
  std::vector<std::string> added;
  for (std::size_t k = 0; k < settings.size(); ++k) {
    if (!done[k]) added.push_back(settings[k].first + " = " + settings[k].second);
  }
  if (section_end) {
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(*section_end), added.begin(),
                 added.end());
  } else {
    if (!lines.empty() && !trim(lines.back()).empty()) lines.emplace_back();
    lines.push_back("[" + wanted + "]");
    lines.insert(lines.end(), added.begin(), added.end());
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";

  const std::size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    const std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return make_error(ExitCode::kInternal, "cannot create " + dir + ": " + std::strerror(errno));
    }
  }
  auto file = AtomicFile::create(path, 0600, true);
  if (!file) return file.error();
  if (auto w = write_all(file->fd(), text); !w) {
    return make_error(ExitCode::kInternal, "cannot write " + path + ": " + w.error().message);
  }
  return file->commit();
}

}  // namespace pcusage
