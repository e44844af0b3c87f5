// A fresh folder under /tmp for one test, removed with everything in it.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace pcusage::test {

// Creates the folder on construction and removes it on destruction.
class TempDir {
 public:
  TempDir() {
    char d[] = "/tmp/pcusage-test-XXXXXX";
    if (mkdtemp(d) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = d;
  }
  ~TempDir() { static_cast<void>(std::system(("rm -rf '" + m_path + "'").c_str())); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return m_path; }
  // The path of `name` inside the folder.
  std::string at(const std::string& name) const { return m_path + "/" + name; }
  // Writes `text` to `name` inside the folder and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(at(name), std::ios::binary) << text;
    return at(name);
  }

 private:
  std::string m_path;
};

// A file that passes the --cacert check (a PEM certificate block; not a usable certificate).
inline const char* const kPemStub =
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

}  // namespace pcusage::test
