// How a response body's buffer grows: bounded by the size limit, never committed in advance.
#pragma once

#include <algorithm>
#include <cstddef>

namespace pcusage {

// The smallest step a body buffer grows by, the size of one receive buffer.
inline constexpr std::size_t kBodyGrowthStep = std::size_t{256} << 10;

// The capacity to grow a body buffer of `capacity` bytes to, so that it holds `needed` bytes
// (`needed` <= `limit`). It doubles, for few copies, but never past `limit`, nor past a declared
// Content-Length (`declared`, 0 when unknown) that the body has not outgrown. A copy holds the
// old and the new buffer at once, so the last doubling that would pass half the limit goes
// straight to the limit: the copy then holds at most limit/2 + limit/2, and peak memory stays
// at the limit plus a step.
inline std::size_t next_body_capacity(std::size_t capacity, std::size_t needed, std::size_t limit,
                                      std::size_t declared) {
  std::size_t target =
      std::max({needed, kBodyGrowthStep, capacity <= limit / 2 ? 2 * capacity : limit});
  if (target > limit / 2) target = limit;
  if (declared >= needed) target = std::min(target, declared);
  return std::max(std::min(target, limit), needed);
}

}  // namespace pcusage
