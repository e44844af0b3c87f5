// The top-level scalar members of a small JSON object (error bodies, the sign-in answer).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pcusage {

// Member name -> its text (strings decoded, numbers as written, true/false), for the root object's
// scalar members; nested values are skipped. nullopt when `body` is not a JSON object.
std::optional<std::map<std::string, std::string>> parse_flat_object(std::string_view body);

}  // namespace pcusage
