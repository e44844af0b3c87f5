// A Clock for tests: sleeping advances the time at once, and a signal can be simulated.
#pragma once

#include <algorithm>
#include <chrono>
#include <csignal>
#include <vector>

#include "core/clock.h"
#include "core/signals.h"

namespace pcusage::test {

// Starts at an arbitrary point; sleep_until() jumps there and records the wait; the fake HTTP
// client moves it to its next answer (advance_to).
class FakeClock : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return m_now; }
  bool sleep_until(std::chrono::steady_clock::time_point t) override {
    if (interrupt_at_sleep > 0 && static_cast<int>(waits.size()) + 1 == interrupt_at_sleep) {
      raise_interrupt(SIGINT);
      return false;
    }
    waits.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(t - m_now));
    if (t > m_now) m_now = t;
    return true;
  }

  // Moves the time forward to `t` (never back).
  void advance_to(std::chrono::steady_clock::time_point t) {
    if (t > m_now) m_now = t;
  }

  // Each wait asked for, in order.
  std::vector<std::chrono::milliseconds> waits;
  // When > 0, the n-th sleep (1-based) is interrupted by a simulated SIGINT.
  int interrupt_at_sleep = 0;

 private:
  std::chrono::steady_clock::time_point m_now =
      std::chrono::steady_clock::time_point{} + std::chrono::hours(1000);
};

}  // namespace pcusage::test
