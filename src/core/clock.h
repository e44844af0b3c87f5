// Time as a seam: the steady clock and interruptible waits, so that retries and polling can be
// tested on a fake clock without sleeping.
#pragma once

#include <chrono>

namespace pcusage {

// Tells the time and waits; the real one is the steady clock, tests use a fake that jumps.
class Clock {
 public:
  virtual ~Clock() = default;
  // The current time.
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Waits until `t`; returns false when SIGINT or SIGTERM cut the wait short.
  virtual bool sleep_until(std::chrono::steady_clock::time_point t) = 0;
};

// The process's steady clock, with waits that a signal interrupts.
Clock& real_clock();

}  // namespace pcusage
