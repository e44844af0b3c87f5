// A URL parsed by libcurl's URL API (CURLU), the one parser of URLs in pcusage. Internal to
// src/http/: included by its .cpp files only, so that no public header includes curl.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>

namespace pcusage {

// A URL parsed by libcurl, with the parts read back as strings.
class ParsedUrl {
 public:
  explicit ParsedUrl(std::string_view url) : m_url(curl_url()) {
    const std::string text(url);
    m_code = m_url == nullptr
                 ? CURLUE_OUT_OF_MEMORY
                 : curl_url_set(m_url.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
  }

  bool ok() const { return m_code == CURLUE_OK; }
  // Why the URL did not parse.
  CURLUcode code() const { return m_code; }

  // The part, or empty when it is absent.
  std::string get(CURLUPart part, unsigned int flags = 0) const {
    char* text = nullptr;
    std::string value;
    if (curl_url_get(m_url.get(), part, &text, flags) == CURLUE_OK && text != nullptr) {
      value = text;
    }
    curl_free(text);
    return value;
  }

 private:
  struct Deleter {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
  };
  std::unique_ptr<CURLU, Deleter> m_url;
  CURLUcode m_code = CURLUE_OK;
};

}  // namespace pcusage
