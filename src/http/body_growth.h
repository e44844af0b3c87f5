// How a response body's buffer grows: bounded by the size limit, never committed in advance.
#pragma once

#include <algorithm>
#include <cstddef>

namespace pcusage {

// The smallest step a body buffer grows by, the size of one receive buffer.
inline constexpr std::size_t kBodyGrowthStep = std::size_t{256} << 10;

// The capacity to grow a body buffer of `capacity` bytes to, so that it holds `needed` bytes
// (`needed` <= `limit`). It doubles, for few system calls, but never past `limit`, nor past a
// declared Content-Length (`declared`, 0 when unknown) that the body has not outgrown: a server's
// claim reserves at most one step beyond what arrived. Growing copies nothing (ByteBuffer), and
// memory is used only as bytes arrive, so peak memory stays within the limit plus one huge page.
inline std::size_t next_body_capacity(std::size_t capacity, std::size_t needed, std::size_t limit,
                                      std::size_t declared) {
  std::size_t target =
      std::max({needed, kBodyGrowthStep, capacity <= limit / 2 ? 2 * capacity : limit});
  if (declared >= needed) target = std::min(target, declared);
  return std::max(std::min(target, limit), needed);
}

}  // namespace pcusage
