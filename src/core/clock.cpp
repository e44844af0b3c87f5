#include "core/clock.h"

#include "core/signals.h"

namespace pcusage {

namespace {

class SteadyClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::now();
  }
  bool sleep_until(std::chrono::steady_clock::time_point t) override {
    return pcusage::sleep_until(t);
  }
};

}  // namespace

Clock& real_clock() {
  static SteadyClock clock;
  return clock;
}

}  // namespace pcusage
