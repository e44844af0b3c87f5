// The stack floor of the benchmark: reads a response body from stdin and runs RapidJSON's SAX
// Reader over it in place, handling nothing. Whatever pcusage adds on top of curl piped into this
// is the cost of its own work (validation, the node arena, formatting).
#include <rapidjson/reader.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main() {
  // realloc rather than a std::string: large blocks grow by remapping, without copies or zeroing,
  // so the floor pays for reading the body and nothing else.
  std::size_t capacity = std::size_t{1} << 20;
  std::size_t size = 0;
  char* body = static_cast<char*>(std::malloc(capacity));
  while (body != nullptr) {
    if (size + 1 == capacity) body = static_cast<char*>(std::realloc(body, capacity *= 2));
    if (body == nullptr) break;
    const ssize_t n = read(STDIN_FILENO, body + size, capacity - 1 - size);
    if (n < 0) {
      std::perror("sax_floor: read");
      return 1;
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  if (body == nullptr) {
    std::fprintf(stderr, "sax_floor: out of memory\n");
    return 1;
  }
  body[size] = '\0';  // the in-place reader stops at the terminating NUL

  rapidjson::BaseReaderHandler<> handler;
  rapidjson::InsituStringStream stream(body);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;
  if (reader.Parse<kFlags>(stream, handler).IsError()) {
    std::fprintf(stderr, "sax_floor: not JSON\n");
    return 1;
  }
  std::free(body);
  return 0;
}
