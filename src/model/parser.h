// Parses a Partner Center collection response into a Dataset, validating it strictly.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/byte_buffer.h"
#include "core/result.h"
#include "model/dataset.h"

namespace pcusage {

// A header the server asks to be sent with the next page request.
struct LinkHeader {
  std::string key;
  std::string value;
};

// What a page says about itself besides its items.
struct PageInfo {
  std::string total_count;               // the `totalCount` number's text, empty when absent
  std::size_t item_count = 0;            // items on this page
  bool has_next = false;                 // `links.next` is present
  std::string next_uri;                  // `links.next.uri`
  std::string next_method;               // `links.next.method`, empty when absent
  std::vector<LinkHeader> next_headers;  // `links.next.headers`
  std::string next_link;                 // `@nextLink` (commercial envelope), when a string
};

// How deeply containers may nest, the root object counting as 1 (an item's fields are at 4). Deeper
// documents are refused: this bounds the indentation `-o json` prints, so every output stays within
// a fixed multiple of its input.
inline constexpr std::size_t kMaxNestingDepth = 64;

// Parses `body` (taken over by `into`, parsed in place) and appends its items to `into`. Only
// the items' value text is kept, moved to the front of the body; the memory of the rest is given
// back to the system as parsing goes. A leading UTF-8 BOM is skipped. Fails with
// ExitCode::kInvalid when the body is not UTF-8 JSON, holds a NUL or a lone surrogate, or is not
// an object with an `items` array of objects (or the commercial envelope's `Value` array, with
// `TotalCount` and `@nextLink`, names in any case), or nests deeper than kMaxNestingDepth; the
// dataset then keeps only the items of earlier pages.
Result<PageInfo> parse_page(ByteBuffer body, Dataset& into);

// Like parse_page, for what a user saved: a service response (an object with an `items` array), a
// JSON array of items (what `-o json` writes) or one item object after another (what `-o ndjson`
// writes; an empty document is zero items).
Result<PageInfo> parse_saved(ByteBuffer body, Dataset& into);

// True when `s` is valid UTF-8 without NUL (shared by the parser and the error reporter).
bool is_clean_utf8(const char* s, std::size_t n);

}  // namespace pcusage
