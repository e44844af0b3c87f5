// Faulting in memory that is about to be filled, in one system call instead of a fault a page,
// and optionally on a second thread so that the zeroing of new pages overlaps the work.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace pcusage {

// Maps the pages holding [p, p + n) writable now. Filling a 20 MB buffer otherwise takes some
// 5,000 page faults, which cost about a third more than one madvise(MADV_POPULATE_WRITE) doing the
// same work. Contents never change, so the partial pages at either end are safe to include. Only
// a hint: kernels before 5.14 refuse it, and pages then fault as usual.
inline void prefault(void* p, std::size_t n) {
#ifdef MADV_POPULATE_WRITE
  static const auto kPage = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto first = reinterpret_cast<std::uintptr_t>(p) / kPage * kPage;
  const auto last = (reinterpret_cast<std::uintptr_t>(p) + n + kPage - 1) / kPage * kPage;
  if (n != 0) madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
#else
  static_cast<void>(p);
  static_cast<void>(n);
#endif
}

// Buffers from this size on are worth a BackgroundPrefault; below it, starting the thread costs
// more than the page faults it saves.
inline constexpr std::size_t kBackgroundPrefaultBytes = std::size_t{1} << 20;

// Prefaults a buffer on a thread of its own, up to a limit that its owner raises as it fills the
// buffer: the kernel's zeroing of 20 MB of new pages (some 15 ms) then runs on an idle core rather
// than in the owner's way. Only addresses are handed over, never contents, so the owner may write
// anywhere at any time. Stops (and joins) when destroyed.
class BackgroundPrefault {
 public:
  // Starts prefaulting the first `limit` of the `size` bytes at `base`.
  BackgroundPrefault(char* base, std::size_t size, std::size_t limit)
      : m_base(base), m_size(size), m_limit(std::min(limit, size)), m_thread([this] { run(); }) {}
  ~BackgroundPrefault() {
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
  }
  BackgroundPrefault(const BackgroundPrefault&) = delete;
  BackgroundPrefault& operator=(const BackgroundPrefault&) = delete;

  // Lets the thread go on up to `limit` bytes from the start.
  void allow(std::size_t limit) {
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_limit = std::min(std::max(m_limit, limit), m_size);
    }
    m_wake.notify_one();
  }

 private:
  // Chunks of 1 MiB: the owner never waits long behind a chunk in progress.
  static constexpr std::size_t kChunk = std::size_t{1} << 20;

  void run() {
    std::size_t done = 0;
    std::unique_lock<std::mutex> lock(m_mutex);
    while (true) {
      m_wake.wait(lock, [&] { return m_stop || done < m_limit; });
      if (m_stop) return;
      const std::size_t end = std::min(m_limit, done + kChunk);
      lock.unlock();
      prefault(m_base + done, end - done);
      done = end;
      lock.lock();
    }
  }

  char* const m_base;
  const std::size_t m_size;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::size_t m_limit;
  bool m_stop = false;
  std::thread m_thread;  // last: starts once the members above are ready
};

}  // namespace pcusage
