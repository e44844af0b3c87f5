// A growable byte buffer for bodies: written once, never copied to a larger one.
#pragma once

#include <cstddef>
#include <string_view>

namespace pcusage {

// Bytes always followed by a NUL byte, so that a parser can run over them in place. Small buffers
// live on the heap. From kMappedFrom bytes on, a buffer is memory mapped from the system: it grows
// by moving its pages (mremap) instead of copying its bytes, and asks for transparent huge pages,
// so that filling tens of megabytes costs a few dozen page faults instead of thousands.
class ByteBuffer {
 public:
  // The capacity from which a buffer is memory mapped.
  static constexpr std::size_t kMappedFrom = std::size_t{1} << 20;

  ByteBuffer() = default;
  // A copy of `bytes`. Copies throw std::bad_alloc when there is no memory, as std::string does.
  explicit ByteBuffer(std::string_view bytes);
  ByteBuffer(const ByteBuffer& other) : ByteBuffer(other.view()) {}
  ByteBuffer& operator=(const ByteBuffer& other) { return *this = ByteBuffer(other); }
  ByteBuffer(ByteBuffer&& other) noexcept;
  ByteBuffer& operator=(ByteBuffer&& other) noexcept;
  ~ByteBuffer();

  char* data() { return m_data != nullptr ? m_data : m_empty; }
  const char* data() const { return m_data != nullptr ? m_data : m_empty; }
  std::size_t size() const { return m_size; }
  std::size_t capacity() const { return m_capacity; }
  bool empty() const { return m_size == 0; }
  std::string_view view() const { return {data(), m_size}; }
  // NOLINTNEXTLINE(google-explicit-constructor): read like a string, as std::string is.
  operator std::string_view() const { return view(); }

  // Makes room for `capacity` bytes in all, keeping the content; false when the system refuses.
  [[nodiscard]] bool reserve(std::size_t capacity);
  // Appends `n` bytes, growing by doubling when needed; false when the system refuses.
  [[nodiscard]] bool append(const char* bytes, std::size_t n);
  // Sets the size to `n`, at most capacity(): shortening drops the end, lengthening takes in
  // bytes already written past the end (see spare()).
  void resize(std::size_t n);
  void clear() { resize(0); }
  // Where bytes past the end go before resize() takes them in: capacity() - size() of them.
  char* spare() { return data() + m_size; }

 private:
  void release();

  char* m_data = nullptr;
  std::size_t m_size = 0;
  std::size_t m_capacity = 0;  // bytes before the terminator's place
  std::size_t m_mapped = 0;    // the mapping's length, or 0 for a heap buffer
  char m_empty[1] = {};        // data() of a buffer that has none
};

inline bool operator==(const ByteBuffer& a, std::string_view b) { return a.view() == b; }

}  // namespace pcusage
