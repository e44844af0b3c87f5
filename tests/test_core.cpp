// The core layer on its own: URLs, files, text helpers, UUIDs, signals, the clock, the Sink.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <variant>

#include "core/byte_buffer.h"
#include "core/clock.h"
#include "core/files.h"
#include "core/signals.h"
#include "core/sink.h"
#include "core/text.h"
#include "core/url.h"
#include "core/uuid.h"
#include "support/helpers.h"

using namespace pcusage;
using pcusage::test::entries_of;
using pcusage::test::slurp;
using pcusage::test::TempDir;

TEST_CASE("parse_base_url splits a base URL into its parts", "[core][url]") {
  auto url = parse_base_url("https://api.partnercenter.microsoft.com/partner/", "--base-url");
  REQUIRE(url.ok());
  CHECK(url->scheme == "https");
  CHECK(url->host == "api.partnercenter.microsoft.com");
  CHECK(url->port.empty());
  CHECK(url->prefix == "/partner");
  CHECK(url->origin() == "https://api.partnercenter.microsoft.com");
  CHECK(url->join("/v1/x") == "https://api.partnercenter.microsoft.com/partner/v1/x");
  CHECK_FALSE(url->is_plain_http());

  auto loopback = parse_base_url("http://127.0.0.1:8080", "--base-url");
  REQUIRE(loopback.ok());
  CHECK(loopback->port == "8080");
  CHECK(loopback->prefix.empty());
  CHECK(loopback->is_plain_http());
  CHECK(loopback->join("/v1") == "http://127.0.0.1:8080/v1");

  auto v6 = parse_base_url("http://[::1]:9/p", "--base-url");
  REQUIRE(v6.ok());
  CHECK(v6->host == "[::1]");
  CHECK(v6->origin() == "http://[::1]:9");
}

TEST_CASE("parse_base_url refuses what requests must not go to", "[core][url]") {
  for (const char* bad :
       {"", "api.example.com", "ftp://h.example", "http://h.example", "https://h.example/?q=1",
        "https://h.example/#f", "https://user:pw@h.example", "https://", "https://h.example:x",
        "https://h example"}) {
    INFO(bad);
    auto url = parse_base_url(bad, "--authority");
    REQUIRE_FALSE(url.ok());
    CHECK(url.error().code == ExitCode::kUsage);
    CHECK(url.error().message.rfind("--authority", 0) == 0);
  }
}

TEST_CASE("is_loopback_host knows localhost, 127/8 and ::1 only", "[core][url]") {
  CHECK(is_loopback_host("localhost"));
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.1.2.3"));
  CHECK(is_loopback_host("[::1]"));
  CHECK_FALSE(is_loopback_host("127.0.0.1.example.com"));
  CHECK_FALSE(is_loopback_host("128.0.0.1"));
  CHECK_FALSE(is_loopback_host("127.0.0.256"));
  CHECK_FALSE(is_loopback_host("example.com"));
}

TEST_CASE("percent_encode keeps unreserved characters and encodes the rest", "[core][url]") {
  CHECK(percent_encode("aZ09-._~") == "aZ09-._~");
  CHECK(percent_encode("a b&c=d/e") == "a%20b%26c%3Dd%2Fe");
  CHECK(percent_encode("a b", true) == "a+b");
  CHECK(percent_encode("+%") == "%2B%25");
  CHECK(percent_encode("\xc3\xa9") == "%C3%A9");
  CHECK(percent_encode("") == "");
}

TEST_CASE("read_source reads a whole file within its limit", "[core][files]") {
  TempDir dir("pcusage-core");
  const std::string path = dir.path + "/in.json";
  std::ofstream(path) << "0123456789";

  auto all = read_source(path, 10, ExitCode::kUsage, "--input");
  REQUIRE(all.ok());
  CHECK(*all == "0123456789");

  // Too large is the caller's code, worded without naming any flag but the caller's own.
  auto over = read_source(path, 9, ExitCode::kUsage, "--input");
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == ExitCode::kUsage);
  CHECK(over.error().message == "--input: larger than 9 bytes");
  auto typed = read_bounded(path, 9);
  REQUIRE(std::holds_alternative<ReadError>(typed));
  CHECK(std::get<ReadError>(typed).kind == ReadFailure::kTooLarge);

  auto missing = read_source(dir.path + "/nope", 10, ExitCode::kUsage, "--input");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ExitCode::kUsage);
  CHECK(missing.error().message.find("--input") == 0);

  auto folder = read_source(dir.path, 10, ExitCode::kAuth, "--token-file");
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().code == ExitCode::kAuth);
  CHECK(folder.error().message.find("directory") != std::string::npos);
}

TEST_CASE("read_bounded reads what has no size (a pipe) by growing, within its limit",
          "[core][files]") {
  TempDir dir("pcusage-core");
  const std::string fifo = dir.path + "/pipe";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  std::string sent;
  for (int i = 0; sent.size() < (std::size_t{300} << 10); ++i) sent += std::to_string(i) + ",";
  const auto feed = [&] { std::ofstream(fifo, std::ios::binary) << sent; };

  std::thread writer(feed);
  auto all = read_bounded(fifo, sent.size());
  writer.join();
  REQUIRE(std::holds_alternative<ByteBuffer>(all));
  CHECK(std::get<ByteBuffer>(all) == sent);

  writer = std::thread(feed);
  auto over = read_bounded(fifo, sent.size() - 1);
  writer.join();
  REQUIRE(std::holds_alternative<ReadError>(over));
  CHECK(std::get<ReadError>(over).kind == ReadFailure::kTooLarge);
}

TEST_CASE("a ByteBuffer keeps its bytes and a NUL after them as it grows", "[core][buffer]") {
  ByteBuffer empty;
  CHECK(empty.empty());
  CHECK(empty.data()[0] == '\0');

  // From the heap to a mapping of its own, and on: the bytes stay, a NUL follows them.
  ByteBuffer buffer;
  std::string expected;
  for (int i = 0; expected.size() < 3 * ByteBuffer::kMappedFrom; ++i) {
    const std::string piece = std::to_string(i) + ";";
    REQUIRE(buffer.append(piece.data(), piece.size()));
    expected += piece;
  }
  CHECK(buffer == expected);
  CHECK(buffer.capacity() >= buffer.size());
  CHECK(buffer.data()[buffer.size()] == '\0');

  // Writing past the end, then taking it in; shortening drops the end.
  REQUIRE(buffer.reserve(buffer.size() + 3));
  std::memcpy(buffer.spare(), "abc", 3);
  buffer.resize(buffer.size() + 3);
  CHECK(buffer.view().substr(buffer.size() - 4) == ";abc");
  buffer.resize(4);
  CHECK(buffer == "0;1;");
  CHECK(buffer.data()[4] == '\0');

  // Copies are deep; a move leaves the source empty.
  ByteBuffer copy = buffer;
  copy.clear();
  CHECK(buffer == "0;1;");
  ByteBuffer moved = std::move(buffer);
  CHECK(moved == "0;1;");
  CHECK(buffer.empty());  // NOLINT(bugprone-use-after-move): a moved-from buffer is empty
  CHECK(ByteBuffer(std::string_view("x\0y", 3)).size() == 3);

  // What the system cannot give is refused, not thrown.
  CHECK_FALSE(moved.reserve(static_cast<std::size_t>(-1) / 2));
  CHECK(moved == "0;1;");
}

TEST_CASE("AtomicFile replaces the target only on commit", "[core][files]") {
  TempDir dir("pcusage-core");
  const std::string path = dir.path + "/out.csv";
  std::ofstream(path) << "old";
  chmod(path.c_str(), 0640);

  SECTION("committed: the new content, the old mode, no temporary file left") {
    auto file = AtomicFile::create(path, 0600);
    REQUIRE(file.ok());
    CHECK(entries_of(dir.path).size() == 2);  // the target and the temporary file
    REQUIRE(write(file->fd(), "new", 3) == 3);
    CHECK(slurp(path) == "old");
    REQUIRE(file->commit().ok());
    CHECK(slurp(path) == "new");
    CHECK(entries_of(dir.path) == std::vector<std::string>{"out.csv"});
    struct stat st = {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
  }
  SECTION("dropped: the target untouched, nothing left behind") {
    {
      auto file = AtomicFile::create(path, 0600);
      REQUIRE(file.ok());
      REQUIRE(write(file->fd(), "new", 3) == 3);
    }
    CHECK(slurp(path) == "old");
    CHECK(entries_of(dir.path) == std::vector<std::string>{"out.csv"});
  }
  SECTION("a new file gets the mode asked for, or always when forced") {
    const std::string fresh = dir.path + "/fresh";
    auto file = AtomicFile::create(fresh, 0600);
    REQUIRE(file.ok());
    REQUIRE(file->commit().ok());
    struct stat st = {};
    REQUIRE(stat(fresh.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    auto forced = AtomicFile::create(path, 0600, true);
    REQUIRE(forced.ok());
    REQUIRE(forced->commit().ok());
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  SECTION("a folder that does not exist is an error") {
    auto file = AtomicFile::create(dir.path + "/no/such/file", 0600);
    REQUIRE_FALSE(file.ok());
    CHECK(file.error().message.find(dir.path + "/no/such/file") != std::string::npos);
  }
}

TEST_CASE("text helpers", "[core][text]") {
  CHECK(trim("  a b \t\r\n") == "a b");
  CHECK(trim(" \n ").empty());

  CHECK(is_visible_ascii("Bearer-token_1.~"));
  CHECK_FALSE(is_visible_ascii("a b"));
  CHECK_FALSE(is_visible_ascii("a\r\nX-Injected: 1"));
  CHECK_FALSE(is_visible_ascii("\xc3\xa9"));

  CHECK(is_language_tag("en-US"));
  CHECK(is_language_tag("zh-Hans-CN"));
  CHECK(is_language_tag("es-419"));
  CHECK_FALSE(is_language_tag("e"));
  CHECK_FALSE(is_language_tag("en_US"));
  CHECK_FALSE(is_language_tag("en--US"));
  CHECK_FALSE(is_language_tag("12-US"));

  CHECK(is_guid("0b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"));
  CHECK(is_guid("0B9F6A3E-1C2D-4E5F-8A9B-0C1D2E3F4A5B"));
  CHECK_FALSE(is_guid("0b9f6a3e1c2d-4e5f-8a9b-0c1d2e3f4a5b0"));
  CHECK_FALSE(is_guid("0b9f6a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5g"));

  CHECK(to_lower("Content-TYPE 1") == "content-type 1");
  CHECK(to_lower('Q') == 'q');
  CHECK(to_lower('\xc9') == '\xc9');
}

TEST_CASE("iequals compares ASCII letters without case, and nothing else", "[core][text]") {
  CHECK(iequals("Retry-After", "retry-after"));
  CHECK(iequals("", ""));
  CHECK_FALSE(iequals("Retry-After", "Retry-Afte"));
  CHECK_FALSE(iequals("a", "b"));
  CHECK_FALSE(iequals("\xc3\xa9", "\xc3\x89"));  // é and É: not ASCII, not folded
  CHECK_FALSE(iequals("[", "{"));                // 0x5B and 0x7B differ by 0x20 too
}

TEST_CASE("printable_excerpt escapes what a terminal would act on", "[core][text]") {
  CHECK(printable_excerpt("plain text") == "plain text");
  CHECK(printable_excerpt("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(printable_excerpt("\x1b[2J\x7f") == "\\x1B[2J\\x7F");
  CHECK(printable_excerpt("\xc2\x9b") == "\\x9B");
  CHECK(printable_excerpt("x\xe2\x80\xaey") == "x\\u202Ey");
  CHECK(printable_excerpt("\xff") == "\\xFF");
  CHECK(printable_excerpt("\xe6\x97\xa5\xe6\x9c\xac") == "\xe6\x97\xa5\xe6\x9c\xac");
  CHECK(printable_excerpt("abcdef", 3) == "abc...");
}

TEST_CASE("new_uuid gives distinct version 4 UUIDs", "[core][uuid]") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = new_uuid();
    INFO(id);
    CHECK(is_guid(id));
    CHECK(to_lower(id) == id);
    CHECK(id[14] == '4');
    CHECK(std::string("89ab").find(id[19]) != std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("a recorded signal is pending until cleared", "[core][signals]") {
  clear_interrupt();
  CHECK_FALSE(interrupted());
  CHECK(pending_signal() == 0);
  raise_interrupt(SIGTERM);
  CHECK(interrupted());
  CHECK(pending_signal() == SIGTERM);
  clear_interrupt();
  CHECK_FALSE(interrupted());
}

TEST_CASE("sleep_until returns at once for a past time, early (false) on a signal",
          "[core][signals]") {
  clear_interrupt();
  CHECK(sleep_until(std::chrono::steady_clock::now() - std::chrono::seconds(1)));

  // A wait of an hour that only the signal can end: a hang here is the failure.
  std::thread raiser([] { raise_interrupt(SIGINT); });
  CHECK_FALSE(sleep_until(std::chrono::steady_clock::now() + std::chrono::hours(1)));
  raiser.join();
  CHECK(pending_signal() == SIGINT);

  // While a signal is pending, every wait ends at once.
  CHECK_FALSE(real_clock().sleep_until(std::chrono::steady_clock::now() + std::chrono::hours(1)));
  clear_interrupt();
}

TEST_CASE("the real clock is the steady clock", "[core][clock]") {
  clear_interrupt();
  Clock& clock = real_clock();
  const auto before = std::chrono::steady_clock::now();
  const auto now = clock.now();
  CHECK(now >= before);
  CHECK(clock.now() >= now);
  CHECK(clock.sleep_until(now));
}

TEST_CASE("a Sink drains in order, whatever the sizes written", "[core][sink]") {
  StringSink sink;  // a 4 KiB buffer
  std::string expected;
  for (std::size_t n : {0, 1, 100, 4095, 4096, 4097, 20000}) {
    const std::string block(n, static_cast<char>('a' + n % 26));
    sink.write(block);
    sink.put('|');
    sink.fill('.', n / 3);
    expected += block + "|" + std::string(n / 3, '.');
  }
  REQUIRE(sink.finish().ok());
  CHECK(sink.str() == expected);
}
