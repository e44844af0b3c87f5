// Exit codes, errors as values, and Result<T>: the one error mechanism of pcusage.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace pcusage {

// The process exit codes; their meanings are a documented contract.
enum class ExitCode : int {
  kOk = 0,
  kInternal = 1,       // internal error, or the output could not be written
  kUsage = 2,          // bad, missing or conflicting flags; no token; unreadable --input
  kAuth = 3,           // authentication or authorization refused (401, 403, sign-in)
  kRefused = 4,        // other 4xx, or a 3xx
  kUnavailable = 5,    // 408, 429, 5xx
  kNetwork = 6,        // DNS, connect, TLS, timeout, transfer cut short
  kInvalid = 7,        // invalid response: not JSON, not UTF-8, not a collection
  kPartial = 8,        // --keep-going: some customers failed, the others were printed
  kInterrupted = 130,  // SIGINT
  kTerminated = 143,   // SIGTERM
};

// What failed and why, with the exit code it maps to; printed as "pcusage: error: <message>".
struct Error {
  ExitCode code = ExitCode::kInternal;
  std::string message;
  long http_status = 0;  // the status of the response that failed, 0 when none arrived
};

// Either a value or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : m_v(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  // True when a value is held.
  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }

  // The value; only valid when ok().
  T& value() { return std::get<0>(m_v); }
  const T& value() const { return std::get<0>(m_v); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }

  // The error; only valid when !ok().
  const Error& error() const { return std::get<1>(m_v); }

 private:
  std::variant<T, Error> m_v;
};

// A Result with no value: success, or an Error.
struct Ok {};
using Status = Result<Ok>;

// Builds an Error in one expression.
inline Error make_error(ExitCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace pcusage
