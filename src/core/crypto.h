// Randomness and hashing for the sign-in (PKCE and state), from OpenSSL's libcrypto.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace pcusage {

// `count` bytes from the system's cryptographic random generator.
Result<std::string> random_bytes(std::size_t count);

// The SHA-256 digest of `data` (32 raw bytes).
std::string sha256(std::string_view data);

// Base64url without padding (RFC 4648 section 5), as PKCE and OAuth state use.
std::string base64url(std::string_view bytes);

}  // namespace pcusage
