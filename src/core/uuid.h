// Random (version 4) UUIDs from the kernel's random source.
#pragma once

#include <string>

namespace pcusage {

// A fresh random UUID in lower-case 8-4-4-4-12 form.
std::string new_uuid();

}  // namespace pcusage
