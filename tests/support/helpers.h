// Helpers shared by the test programs: files, scratch folders, elapsed time, failed runs.
#pragma once

#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "support/run_process.h"

namespace pcusage::test {

// The whole content of file `path`, or empty when it cannot be read.
inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Seconds of the steady clock since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The names in folder `dir` (hidden ones included), sorted.
inline std::vector<std::string> entries_of(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A fresh folder under /tmp, removed with everything in it at the end of the scope.
struct TempDir {
  std::string path;

  explicit TempDir(const std::string& prefix = "pcusage-test") {
    std::string pattern = "/tmp/" + prefix + "-XXXXXX";
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The path of `name` inside the folder.
  std::string at(const std::string& name) const { return path + "/" + name; }
  // Writes `text` to `name` inside the folder and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(at(name), std::ios::binary) << text;
    return at(name);
  }

  // The names in the folder, one per line, sorted (like `ls -A`).
  std::string listing() const {
    std::string out;
    for (const auto& name : entries_of(path)) out += name + "\n";
    return out;
  }
};

// A file that passes the --cacert check (a PEM certificate block; not a usable certificate).
inline const char* const kPemStub =
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

// The exit status of a process (run_app.h has the one of an in-process run).
inline int exit_status_of(const ProcessResult& r) { return r.status; }

// Checks a failed run (an Outcome or a ProcessResult): the exit status, nothing on stdout, one
// line `pcusage: error: ...` on stderr holding `fragment`, and `secret` nowhere in it.
template <typename Run, typename Status>
void require_failure(const Run& run, Status status, const std::string& fragment,
                     std::string_view secret) {
  INFO(run.err);
  CHECK(exit_status_of(run) == static_cast<int>(status));
  CHECK(run.out.empty());
  CHECK(run.err.rfind("pcusage: error: ", 0) == 0);
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  CHECK(run.err.find('\n') + 1 == run.err.size());
  CHECK(run.err.find(fragment) != std::string::npos);
  CHECK(run.err.find(secret) == std::string::npos);
}

}  // namespace pcusage::test
