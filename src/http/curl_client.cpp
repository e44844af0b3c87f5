#include "http/curl_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/body_growth.h"
#include "http/parsed_url.h"
#include "http/proxy.h"

namespace pcusage {

namespace {

using Clock = std::chrono::steady_clock;

// libcurl reads 16 KiB at a time by default: a 20 MB body would take over a thousand reads, polls
// and callbacks. Larger reads cut those to a few hundred (libcurl allows up to 10 MiB).
constexpr long kReceiveBufferBytes = 256L << 10;

// curl_global_init is not safe to race with itself or with handle creation on older libcurls; a
// function-local static gives exactly one call, ordered before any handle exists.
bool curl_global_ready() {
  static const CURLcode kCode = curl_global_init(CURL_GLOBAL_DEFAULT);
  return kCode == CURLE_OK;
}

// Owns a header list given to CURLOPT_HTTPHEADER.
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// Owns a parsed URL, used only to name the scheme, host and port in messages.
struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using Url = std::unique_ptr<CURLU, UrlDeleter>;

// One CURL easy handle with its error buffer; the handle (and so its connection cache) lives as
// long as the client, so consecutive pages reuse the TLS connection.
class CurlHandle {
 public:
  CurlHandle() : m_handle(curl_easy_init()) {}
  ~CurlHandle() {
    if (m_handle != nullptr) curl_easy_cleanup(m_handle);
  }
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;

  bool valid() const { return m_handle != nullptr; }
  CURL* get() const { return m_handle; }

  // Forgets every option of the previous request but keeps the caches.
  void reset() {
    curl_easy_reset(m_handle);
    m_error[0] = '\0';
    curl_easy_setopt(m_handle, CURLOPT_ERRORBUFFER, m_error.data());
  }

  const char* error() const { return m_error.data(); }

 private:
  CURL* m_handle;
  std::array<char, CURL_ERROR_SIZE> m_error{};
};

// Why one of our callbacks stopped the transfer; libcurl only reports that a callback did.
enum class Abort { kNone, kInterrupted, kDeadline, kStalled, kTooLarge, kNoMemory };

// Everything the callbacks of one transfer share.
struct Transfer {
  CURL* curl = nullptr;
  bool (*interrupted)() = nullptr;
  Clock::time_point deadline;
  Clock::duration stall_time{};
  std::size_t max_body = 0;
  bool expect_body = true;

  HttpResponse response;
  bool got_response = false;
  bool connected = false;
  Abort abort = Abort::kNone;
  Clock::time_point last_activity;
  curl_off_t last_down = 0;
  curl_off_t last_up = 0;
  std::size_t declared = 0;  // the final block's Content-Length when the body is not encoded, or 0
};

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

// A value with CR, LF or NUL would let a caller smuggle extra header lines into the request.
bool is_safe_header_value(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(s[i]) != lower(prefix[i])) return false;
  }
  return true;
}

// Messages end up on one line of stderr, so curl's text is flattened and bounded.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : trim_ows(text)) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(byte < 0x20 || byte == 0x7f ? ' ' : c);
    if (out.size() >= 300) break;
  }
  return out;
}

std::string seconds_text(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  std::string text = std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
  while (text.back() == '0') text.pop_back();
  return text + " s";
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  t.last_activity = Clock::now();
  std::string_view line = trim_ows(std::string_view(data, n));
  auto& headers = t.response.headers;

  if (starts_with_nocase(line, "HTTP/")) {
    // A status line starts a new block: 1xx interim responses before it are not the answer.
    headers.clear();
    t.response.body.clear();
    t.response.status = 0;
    const auto space = line.find(' ');
    if (space != std::string_view::npos) {
      const std::string_view code = line.substr(space + 1, 3);
      std::from_chars(code.data(), code.data() + code.size(), t.response.status);
    }
    if (t.response.status >= 200) t.got_response = true;
    return n;
  }
  if (line.empty()) {
    // End of a final header block. A declared length is only a bound on growth: memory is
    // committed as bytes arrive, never on the server's say-so.
    t.declared = 0;
    if (t.response.status >= 200 && t.expect_body &&
        find_header(headers, "Content-Encoding").empty()) {
      const std::string_view length = find_header(headers, "Content-Length");
      std::size_t declared = 0;
      const auto parsed = std::from_chars(length.data(), length.data() + length.size(), declared);
      if (parsed.ec == std::errc() && parsed.ptr == length.data() + length.size()) {
        t.declared = declared;
      }
    }
    return n;
  }
  const unsigned char first = static_cast<unsigned char>(data[0]);
  if ((first == ' ' || first == '\t') && !headers.empty()) {
    // obs-fold: a continuation of the previous header's value.
    headers.back().second += ' ';
    headers.back().second += line;
    return n;
  }
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    headers.emplace_back(std::string(trim_ows(line.substr(0, colon))),
                         std::string(trim_ows(line.substr(colon + 1))));
  }
  return n;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  // libcurl hands over decoded bytes, so this bounds memory even for a compression bomb.
  if (n > t.max_body - t.response.body.size()) {
    t.abort = Abort::kTooLarge;
    return 0;
  }
  ByteBuffer& body = t.response.body;
  if (n > body.capacity() - body.size() &&
      !body.reserve(next_body_capacity(body.capacity(), body.size() + n, t.max_body, t.declared))) {
    t.abort = Abort::kNoMemory;
    return 0;
  }
  // Room is made: appending cannot fail.
  (void)body.append(data, n);
  return n;
}

int on_progress(void* user, curl_off_t /*down_total*/, curl_off_t down_now, curl_off_t /*up_total*/,
                curl_off_t up_now) {
  auto& t = *static_cast<Transfer*>(user);
  const auto now = Clock::now();
  if (t.interrupted != nullptr && t.interrupted()) {
    t.abort = Abort::kInterrupted;
    return 1;
  }
  if (now >= t.deadline) {
    t.abort = Abort::kDeadline;
    return 1;
  }
  if (down_now != t.last_down || up_now != t.last_up) {
    t.last_down = down_now;
    t.last_up = up_now;
    t.last_activity = now;
  }
  if (!t.connected) {
    // The connect phase has its own timeout; stall time counts from when the request goes out.
    curl_off_t pretransfer = 0;
    if (curl_easy_getinfo(t.curl, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) == CURLE_OK &&
        pretransfer > 0) {
      t.connected = true;
      t.last_activity = now;
    }
    return 0;
  }
  // libcurl's own low-speed check averages over a 5 s window, so it fires late; this one is exact
  // to the progress callback's period (at most 1 s while idle).
  if (t.stall_time > Clock::duration::zero() && now - t.last_activity >= t.stall_time) {
    t.abort = Abort::kStalled;
    return 1;
  }
  return 0;
}

// The scheme, host and port of `url` for messages; empty parts when it does not parse.
struct UrlParts {
  std::string scheme;
  std::string host;
  std::string port;
};

UrlParts url_parts(const std::string& url) {
  const ParsedUrl parsed(url);
  if (!parsed.ok()) return {};
  return UrlParts{parsed.get(CURLUPART_SCHEME), parsed.get(CURLUPART_HOST),
                  parsed.get(CURLUPART_PORT, CURLU_DEFAULT_PORT)};
}

// "the proxy HOST port N (from VARIABLE)", without the credentials a proxy URL may carry.
std::string proxy_name(const ProxySetting& proxy) {
  Url parsed(curl_url());
  std::string where = "the proxy";
  const unsigned int flags = CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME;
  if (parsed &&
      curl_url_set(parsed.get(), CURLUPART_URL, proxy.value.c_str(), flags) == CURLUE_OK) {
    for (auto [part, prefix] : {std::pair{CURLUPART_HOST, " "}, {CURLUPART_PORT, " port "}}) {
      char* text = nullptr;
      if (curl_url_get(parsed.get(), part, &text, 0) == CURLUE_OK && text != nullptr) {
        where += prefix + one_line(text);
      }
      curl_free(text);
    }
  }
  return where + " (from " + proxy.variable + ")";
}

TransportError failure(TransportFailure kind, std::string message, bool got_response = false) {
  return TransportError{kind, std::move(message), got_response};
}

bool is_certificate_error(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return true;
    default:
      return false;
  }
}

bool is_tls_error(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

bool is_truncation(CURLcode code) {
  switch (code) {
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

// One exchange in flight: the request it owns (libcurl reads its body and headers in place),
// its easy handle and what the callbacks collected.
struct Exchange {
  ExchangeId id = 0;
  HttpRequest request;
  CurlHandle handle;
  Slist headers;
  Transfer transfer;
};

class CurlClient final : public HttpClient {
 public:
  explicit CurlClient(bool (*interrupted)())
      : m_interrupted(interrupted), m_multi(curl_multi_init()) {
    if (m_multi != nullptr) {
      // Several requests to one host share an HTTP/2 connection when the server offers it.
      curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    }
  }
  ~CurlClient() override {
    for (auto& [easy, exchange] : m_running) curl_multi_remove_handle(m_multi, easy);
    m_running.clear();
    if (m_multi != nullptr) curl_multi_cleanup(m_multi);
  }
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  ExchangeId start(HttpRequest request) override;
  std::vector<Completion> wait(Clock::time_point until) override;
  std::size_t in_flight() const override { return m_running.size() + m_ready.size(); }
  std::string version() const override { return curl_version(); }

 private:
  // Checks and sets up the exchange's easy handle; an error when it cannot be sent at all.
  std::optional<TransportError> prepare(Exchange& exchange);
  // The outcome of a transfer libcurl reports as done.
  HttpResult finish(Exchange& exchange, CURLcode code) const;
  TransportError classify(CURLcode code, const Exchange& exchange) const;

  bool (*m_interrupted)();
  CURLM* m_multi;
  ExchangeId m_next = 1;
  std::unordered_map<CURL*, std::unique_ptr<Exchange>> m_running;
  std::vector<Completion> m_ready;  // ended before reaching libcurl
};

TransportError CurlClient::classify(CURLcode code, const Exchange& exchange) const {
  const Transfer& t = exchange.transfer;
  const HttpRequest& request = exchange.request;
  std::string detail = one_line(exchange.handle.error());
  if (detail.empty()) detail = curl_easy_strerror(code);
  const bool got = t.got_response;
  const std::string stall_text =
      seconds_text(std::chrono::duration_cast<std::chrono::milliseconds>(request.stall_time));
  const auto stalled = [&](const char* what) {
    return failure(TransportFailure::kStalled, what + stall_text + " (stalled)", got);
  };
  const auto deadline = [&] {
    return failure(TransportFailure::kDeadline, "the deadline passed", got);
  };
  const auto too_large = [&] {
    return failure(
        TransportFailure::kTooLarge,
        "the response body is larger than " + std::to_string(request.max_body_bytes) + " bytes",
        got);
  };

  switch (t.abort) {
    case Abort::kInterrupted:
      return failure(TransportFailure::kInterrupted, "interrupted", got);
    case Abort::kDeadline:
      return deadline();
    case Abort::kStalled:
      return stalled("no data received for ");
    case Abort::kTooLarge:
      return too_large();
    case Abort::kNoMemory:
      return failure(TransportFailure::kNoMemory, "out of memory for the response body", got);
    case Abort::kNone:
      break;
  }

  // A proxy in the way is named: its failures are not the service's.
  const std::optional<ProxySetting> proxy = proxy_for(request.url, process_proxy_env);
  if (proxy) {
    long connect_code = 0;
    curl_easy_getinfo(exchange.handle.get(), CURLINFO_HTTP_CONNECTCODE, &connect_code);
    const std::string name = proxy_name(*proxy);
    if (connect_code >= 300) {
      return failure(TransportFailure::kProxyRefused,
                     name + " answered the tunnel request (CONNECT) with HTTP " +
                         std::to_string(connect_code));
    }
    // Through a proxy, libcurl only ever connects to the proxy itself.
    if (code == CURLE_COULDNT_RESOLVE_PROXY) {
      return failure(TransportFailure::kDns, "cannot resolve " + name + ": " + detail);
    }
    if (code == CURLE_COULDNT_CONNECT && connect_code == 0) {
      return failure(TransportFailure::kConnect, "cannot connect to " + name + ": " + detail);
    }
  }

  if (code == CURLE_OPERATION_TIMEDOUT) {
    // libcurl reports the connect timeout, the low-speed limit and CURLOPT_TIMEOUT alike; the
    // small margin absorbs its millisecond rounding of the deadline.
    if (Clock::now() + std::chrono::milliseconds(50) >= t.deadline) return deadline();
    curl_off_t pretransfer = 0;
    curl_easy_getinfo(exchange.handle.get(), CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
    // Connected, so it was libcurl's low-speed limit: bytes trickled in, but too few.
    if (pretransfer > 0) return stalled("less than 1 byte/s received for ");
    curl_off_t tcp_connect = 0;
    curl_easy_getinfo(exchange.handle.get(), CURLINFO_CONNECT_TIME_T, &tcp_connect);
    const UrlParts parts = url_parts(request.url);
    const std::string where =
        parts.host.empty() ? std::string("the server") : parts.host + " port " + parts.port;
    const std::string what = tcp_connect > 0 ? "TLS handshake with " : "connection to ";
    return failure(TransportFailure::kConnectTimeout,
                   what + where + " timed out after " + seconds_text(request.connect_timeout));
  }
  if (code == CURLE_FILESIZE_EXCEEDED) return too_large();
  if (code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY) {
    return failure(TransportFailure::kDns, detail);
  }
  if (code == CURLE_COULDNT_CONNECT) return failure(TransportFailure::kConnect, detail);
  if (is_certificate_error(code)) return failure(TransportFailure::kCertificate, detail);
  if (is_tls_error(code)) return failure(TransportFailure::kTls, detail);
  if (is_truncation(code)) return failure(TransportFailure::kTruncated, detail, got);
  if (code == CURLE_UNSUPPORTED_PROTOCOL) {
    // Also raised for a reply without a status line (HTTP/0.9), so the scheme is checked here.
    const UrlParts parts = url_parts(request.url);
    const bool allowed = parts.scheme == "https" || (request.allow_http && parts.scheme == "http");
    if (parts.scheme.empty() || allowed) return failure(TransportFailure::kOther, detail, got);
    const std::string only = request.allow_http ? "http and https" : "https";
    return failure(TransportFailure::kOther,
                   "the URL scheme \"" + parts.scheme + "\" is not allowed (only " + only + ")");
  }
  if (code == CURLE_URL_MALFORMAT) return failure(TransportFailure::kOther, "bad URL: " + detail);
  return failure(TransportFailure::kOther, detail, got);
}

std::optional<TransportError> CurlClient::prepare(Exchange& exchange) {
  const HttpRequest& request = exchange.request;
  if (m_multi == nullptr || !exchange.handle.valid()) {
    return failure(TransportFailure::kOther, "libcurl failed to initialize");
  }
  if (m_interrupted != nullptr && m_interrupted()) {
    return failure(TransportFailure::kInterrupted, "interrupted");
  }
  const auto start = Clock::now();
  if (start >= request.deadline) {
    return failure(TransportFailure::kDeadline, "the deadline passed");
  }
  if (!is_token(request.method)) {
    return failure(TransportFailure::kOther, "the request method is not a valid token");
  }
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name)) {
      return failure(TransportFailure::kOther, "a request header has a bad name");
    }
    if (!is_safe_header_value(value)) {
      return failure(TransportFailure::kOther,
                     "the request header \"" + name + "\" contains a line break or NUL");
    }
  }

  CURL* const curl = exchange.handle.get();
  exchange.handle.reset();

  Transfer& t = exchange.transfer;
  t.curl = curl;
  t.interrupted = m_interrupted;
  t.deadline = request.deadline;
  t.stall_time = request.stall_time;
  t.max_body = request.max_body_bytes;
  t.expect_body = request.method != "HEAD";
  t.last_activity = start;

  const bool sends_body = request.method == "POST" || !request.body.empty();
  Slist& headers = exchange.headers;
  const auto add_header = [&headers](const std::string& line) {
    curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
    if (grown == nullptr) return false;
    // The head is new only on the first append; either way the list now hangs off `grown`.
    static_cast<void>(headers.release());
    headers.reset(grown);
    return true;
  };
  bool ok = true;
  for (const auto& [name, value] : request.headers) {
    // "Name;" is libcurl's spelling of a header with an empty value ("Name:" would remove it).
    ok = ok && add_header(value.empty() ? name + ";" : name + ": " + value);
  }
  if (sends_body) {
    // An empty "Name:" removes a header libcurl would add on its own: no 100-continue round trip,
    // and no form-urlencoded Content-Type the caller did not ask for.
    if (find_header(request.headers, "Expect").empty()) ok = ok && add_header("Expect:");
    if (find_header(request.headers, "Content-Type").empty()) {
      ok = ok && add_header("Content-Type:");
    }
  }
  if (!ok) return failure(TransportFailure::kOther, "out of memory building the request headers");
  const char* protocols = request.allow_http ? "http,https" : "https";
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, protocols);
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "POST" && (request.method != "GET" || sends_body)) {
    // libcurl derives GET or POST from whether there is a body; anything else is named.
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (sends_body) {
    // The request outlives the transfer, so libcurl may read the body in place without a copy.
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }

  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!request.ca_file.empty()) {
    // The given bundle replaces the system store rather than adding to it.
    curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_CAPATH, static_cast<char*>(nullptr));
  }

  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  if (request.deadline != Clock::time_point::max()) {
    const auto remaining =
        std::chrono::ceil<std::chrono::milliseconds>(request.deadline - start).count();
    const auto capped = std::min<long long>(remaining, std::numeric_limits<long>::max());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long long>(capped, 1)));
  }
  if (request.stall_time.count() > 0) {
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.stall_time.count()));
  }
  if (request.max_body_bytes > 0) {
    // Refuses a declared Content-Length up front; the write callback enforces the decoded size.
    const auto limit = std::min<unsigned long long>(request.max_body_bytes,
                                                    std::numeric_limits<curl_off_t>::max());
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limit));
  }

  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);

  // Over TLS, ALPN tells within the handshake whether a connection multiplexes: wait for that
  // rather than open another one. Plain HTTP would tell only with the first answer.
  if (request.url.rfind("https://", 0) == 0) curl_easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
  return std::nullopt;
}

ExchangeId CurlClient::start(HttpRequest request) {
  auto exchange = std::make_unique<Exchange>();
  exchange->id = m_next++;
  exchange->request = std::move(request);
  const ExchangeId id = exchange->id;
  if (auto refused = prepare(*exchange)) {
    m_ready.push_back(Completion{id, std::move(*refused)});
    return id;
  }
  CURL* easy = exchange->handle.get();
  if (curl_multi_add_handle(m_multi, easy) != CURLM_OK) {
    m_ready.push_back(
        Completion{id, failure(TransportFailure::kOther, "libcurl refused the transfer")});
    return id;
  }
  m_running.emplace(easy, std::move(exchange));
  return id;
}

HttpResult CurlClient::finish(Exchange& exchange, CURLcode code) const {
  CURL* curl = exchange.handle.get();
  // The header list must not dangle in the handle once it is freed.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  if (code != CURLE_OK) return classify(code, exchange);
  Transfer& t = exchange.transfer;
  long status = 0;
  if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status != 0) {
    t.response.status = status;
  }
  if (t.response.status == 0) {
    return failure(TransportFailure::kTruncated, "no HTTP status line was received");
  }
  curl_off_t total_us = 0;
  curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total_us);
  t.response.seconds = static_cast<double>(total_us) / 1e6;
  return std::move(t.response);
}

std::vector<Completion> CurlClient::wait(Clock::time_point until) {
  std::vector<Completion> done;
  done.swap(m_ready);
  while (done.empty() && !m_running.empty()) {
    int running = 0;
    curl_multi_perform(m_multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(m_multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      const auto it = m_running.find(msg->easy_handle);
      if (it == m_running.end()) continue;
      curl_multi_remove_handle(m_multi, msg->easy_handle);
      done.push_back(Completion{it->second->id, finish(*it->second, msg->data.result)});
      m_running.erase(it);
    }
    if (!done.empty()) break;
    const auto now = Clock::now();
    if (now >= until) break;
    // Short polls keep a signal's effect prompt: the progress callback then aborts transfers.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
    curl_multi_poll(m_multi, nullptr, 0, static_cast<int>(std::min<long long>(left, 100)), nullptr);
  }
  return done;
}

}  // namespace

std::unique_ptr<HttpClient> make_curl_client(bool (*interrupted)()) {
  curl_global_ready();
  return std::make_unique<CurlClient>(interrupted);
}

}  // namespace pcusage
