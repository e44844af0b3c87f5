// Faulting in memory that is about to be filled, in one system call instead of a fault a page.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace pcusage {

// Maps the whole pages within [p, p + n) writable now. Filling a 20 MB buffer otherwise takes
// some 5,000 page faults, which cost about a third more than one madvise(MADV_POPULATE_WRITE)
// doing the same work. Only a hint: kernels before 5.14 refuse it, and pages then fault as usual.
inline void prefault(void* p, std::size_t n) {
#ifdef MADV_POPULATE_WRITE
  static const auto kPage = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto first = (reinterpret_cast<std::uintptr_t>(p) + kPage - 1) / kPage * kPage;
  const auto last = (reinterpret_cast<std::uintptr_t>(p) + n) / kPage * kPage;
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
#else
  static_cast<void>(p);
  static_cast<void>(n);
#endif
}

}  // namespace pcusage
