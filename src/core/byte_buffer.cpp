#include "core/byte_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace pcusage {

namespace {

// A transparent huge page with 4 KiB pages (x86-64, arm64): no smaller mapping can hold one.
constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::size_t page_size() {
  static const auto kSize = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return kSize;
}

// Asks for transparent huge pages under a whole mapping (a part would split it in two, which
// mremap refuses): filling each 2 MiB block then costs one page fault instead of 512. Where the
// system gives them to everyone or no one, or has none, the advice changes nothing, which is fine.
void advise_huge_pages(void* mapping, std::size_t length) {
  if (length >= kHugePage) (void)madvise(mapping, length, MADV_HUGEPAGE);
}

}  // namespace

ByteBuffer::ByteBuffer(std::string_view bytes) {
  if (!append(bytes.data(), bytes.size())) throw std::bad_alloc();
}

ByteBuffer::ByteBuffer(ByteBuffer&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)),
      m_capacity(std::exchange(other.m_capacity, 0)),
      m_mapped(std::exchange(other.m_mapped, 0)) {}

ByteBuffer& ByteBuffer::operator=(ByteBuffer&& other) noexcept {
  if (this != &other) {
    release();
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
    m_capacity = std::exchange(other.m_capacity, 0);
    m_mapped = std::exchange(other.m_mapped, 0);
  }
  return *this;
}

ByteBuffer::~ByteBuffer() { release(); }

void ByteBuffer::release() {
  if (m_mapped != 0) {
    munmap(m_data, m_mapped);
  } else {
    std::free(m_data);
  }
  m_data = nullptr;
  m_size = m_capacity = m_mapped = 0;
}

bool ByteBuffer::reserve(std::size_t capacity) {
  if (capacity <= m_capacity) return true;
  if (capacity >= static_cast<std::size_t>(-1) - page_size()) return false;
  if (capacity < kMappedFrom) {
    // The heap: a small buffer is not worth a mapping of its own (nor one of the system's
    // limited number of mappings, with thousands of customers' bodies kept).
    void* grown = std::realloc(m_data, capacity + 1);
    if (grown == nullptr) return false;
    m_data = static_cast<char*>(grown);
    m_capacity = capacity;
    m_data[m_size] = '\0';
    return true;
  }
  const std::size_t length = (capacity + 1 + page_size() - 1) / page_size() * page_size();
  void* grown = nullptr;
  if (m_mapped != 0) {
    // The pages move, the bytes stay where they are in them: no copy, whatever the size.
    grown = mremap(m_data, m_mapped, length, MREMAP_MAYMOVE);
    if (grown == MAP_FAILED) return false;
  } else {
    grown = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (grown == MAP_FAILED) return false;
    // The one copy: what the heap buffer held, less than kMappedFrom bytes.
    if (m_size != 0) std::memcpy(grown, m_data, m_size);
    std::free(m_data);
  }
  advise_huge_pages(grown, length);
  m_data = static_cast<char*>(grown);
  m_mapped = length;
  m_capacity = length - 1;
  m_data[m_size] = '\0';
  return true;
}

bool ByteBuffer::append(const char* bytes, std::size_t n) {
  if (n > m_capacity - m_size) {
    if (n > static_cast<std::size_t>(-1) / 2 - m_size) return false;
    if (!reserve(std::max(m_size + n, 2 * m_capacity))) return false;
  }
  if (n != 0) std::memcpy(data() + m_size, bytes, n);
  resize(m_size + n);
  return true;
}

void ByteBuffer::resize(std::size_t n) {
  m_size = std::min(n, m_capacity);
  data()[m_size] = '\0';
}

}  // namespace pcusage
