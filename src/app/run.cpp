#include "app/run.h"

#include <chrono>
#include <csignal>

#include "app/customer_reports.h"
#include "app/fetch.h"
#include "app/login.h"
#include "app/report.h"
#include "app/status_line.h"
#include "app/token.h"
#include "core/clock.h"
#include "core/files.h"
#include "core/signals.h"
#include "core/text.h"
#include "core/uuid.h"
#include "core/version.h"
#include "format/format.h"
#include "model/parser.h"
#include "model/sort.h"

namespace pcusage {

namespace {

// The default --timeout of a run over customers (listing included), in seconds.
constexpr double kFanoutTimeoutSeconds = 1800;

ExitCode signal_exit_code() {
  return pending_signal() == SIGTERM ? ExitCode::kTerminated : ExitCode::kInterrupted;
}

// What a run prints: the rows, the columns shown without --columns, and (with --keep-going) the
// customers that failed.
struct Report {
  Dataset data;
  std::vector<std::string> default_columns;
  std::vector<CustomerFailure> failures;
};

bool per_customer(const Options& options) {
  return !options.customers.empty() || options.customers_from || options.all_customers;
}

// The customers named by --customer and --customers-from, in order, duplicates dropped.
Result<std::vector<Customer>> named_customers(const Options& options) {
  std::string text;
  for (const auto& id : options.customers) text += id + "\n";
  if (options.customers_from) {
    auto file = read_source(*options.customers_from, std::size_t{64} << 20, ExitCode::kUsage,
                            "--customers-from");
    if (!file) return file.error();
    // Line numbers in errors count from the file's own first line.
    auto from_file = parse_customer_ids(*file, "--customers-from " + *options.customers_from);
    if (!from_file) return from_file.error();
    for (const auto& id : *from_file) text += id + "\n";
  }
  auto ids = parse_customer_ids(text, "--customer");
  if (!ids) return ids.error();
  std::vector<Customer> out;
  for (auto& id : *ids) out.push_back(Customer{std::move(id), ""});
  return out;
}

// A saved response, or what `-o json` or `-o ndjson` wrote, bounded like a response.
Result<Dataset> load_input(const std::string& path, std::size_t max_bytes) {
  auto body = read_bounded(path, max_bytes);
  if (auto* failed = std::get_if<ReadError>(&body)) {
    if (failed->kind == ReadFailure::kTooLarge) {
      return make_error(ExitCode::kInvalid, "--input: larger than --max-response-bytes (" +
                                                std::to_string(max_bytes) + " bytes)");
    }
    const bool no_memory = failed->kind == ReadFailure::kNoMemory;
    return make_error(no_memory ? ExitCode::kInternal : ExitCode::kUsage,
                      "--input: " + failed->message);
  }
  Dataset data;
  auto page = parse_saved(std::move(std::get<ByteBuffer>(body)), data);
  if (!page) return page.error();
  return data;
}

FetchSettings fetch_settings(const Options& options, Clock& clock) {
  FetchSettings s;
  s.clock = &clock;
  s.base = options.base_url;
  s.locale = options.locale;
  s.correlation_id = options.correlation_id.empty() ? new_uuid() : options.correlation_id;
  s.user_agent = "pcusage/" PCUSAGE_VERSION;
  s.retries = options.retries;
  // A run over many customers takes longer than one request: its default bound is larger.
  s.timeout_s =
      options.timeout_given || !per_customer(options) ? options.timeout_s : kFanoutTimeoutSeconds;
  s.deadline =
      s.clock->now() + std::chrono::milliseconds(static_cast<long long>(s.timeout_s * 1000));
  s.connect_timeout =
      std::chrono::milliseconds(static_cast<long long>(options.connect_timeout_s * 1000));
  s.max_pages = options.max_pages;
  s.max_body_bytes = options.max_response_bytes;
  s.ca_file = options.ca_file;
  s.verbose = options.verbose;
  s.concurrency = per_customer(options) ? options.concurrency : 1;
  return s;
}

// Fetches what the options ask for with the token in `s`.
Result<Report> fetch_report(const Options& options, HttpClient& client, const FetchSettings& s,
                            std::vector<Customer> customers, std::ostream& err) {
  Report report;
  report.default_columns = default_columns(options, per_customer(options));
  if (options.command == Command::kCustomers) {
    auto list = fetch_customer_list(client, s, err);
    if (!list) return list.error();
    report.data = std::move(*list);
    return report;
  }
  if (!per_customer(options)) {
    auto data = fetch_collection(client, s, report_path(options), err);
    if (!data) return data.error();
    report.data = std::move(*data);
    return report;
  }
  if (options.all_customers) {
    auto list = fetch_customer_list(client, s, err);
    if (!list) return list.error();
    customers = customers_of(*list);
  }
  auto rows = fetch_customer_reports(client, s, options, customers, err);
  if (!rows) return rows.error();
  report.data = std::move(rows->data);
  report.failures = std::move(rows->failures);
  return report;
}

Result<Report> load(const Options& options, HttpClient& client, std::ostream& all_err,
                    Clock& clock) {
  // -q: warnings go nowhere (errors are returned, and printed by the caller).
  std::ostream no_warnings(nullptr);
  std::ostream& err = options.quiet ? no_warnings : all_err;
  Report report;
  report.default_columns = default_columns(options, per_customer(options));
  if (options.input) {
    auto data = load_input(*options.input, options.max_response_bytes);
    if (!data) return data.error();
    report.data = std::move(*data);
    return report;
  }
  std::vector<Customer> customers;
  if (!options.customers.empty() || options.customers_from) {
    auto named = named_customers(options);
    if (!named) return named.error();
    customers = std::move(*named);
    // Nothing to fetch: the header alone, without signing in.
    if (customers.empty()) return report;
  }
  FetchSettings s = fetch_settings(options, clock);
  // On a terminal, the waits between attempts (and the fan-out's progress) show on one line;
  // with -v the trace says all that, on lines of its own.
  StatusLine status(err, options.terminal.stderr_is_tty && !options.quiet && !options.verbose);
  if (status.enabled()) {
    s.status = [&status](const std::string& text) {
      if (text.empty()) {
        status.clear();
      } else {
        status.show(text);
      }
    };
  }
  return fetch_with_token(options, client, s, err,
                          [&] { return fetch_report(options, client, s, customers, err); });
}

Status write_result(const Options& options, Report& report, Sink& out) {
  Dataset& data = report.data;
  FormatOptions fo;
  fo.format = options.format;
  fo.header = options.header;
  fo.csv_allow_formulas = options.csv_allow_formulas;
  // Only a person at a terminal gets a fitted table and shown control characters; pipes and files
  // get every byte.
  const bool to_terminal = options.terminal.stdout_is_tty && !options.output_file;
  if (to_terminal && !options.wide) fo.max_width = options.terminal.columns;
  fo.escape_controls = to_terminal;
  const bool tabular = options.format == Format::kTable || options.format == Format::kCsv ||
                       options.format == Format::kTsv;
  if (tabular) {
    auto columns =
        resolve_columns(data, options.columns_given ? options.columns : report.default_columns,
                        !options.columns_given);
    if (!columns) return columns.error();
    fo.columns = std::move(*columns);
  }
  if (options.sort_field) {
    auto column = resolve_columns(data, {*options.sort_field}, false, "--sort");
    if (!column) return column.error();
    if (column->size() != 1) {
      return make_error(ExitCode::kUsage, "--sort: give one field, not \"*\"");
    }
    sort_items(data, column->front(), options.sort_descending);
  }
  if (interrupted()) return make_error(signal_exit_code(), "interrupted");

  if (!options.output_file) {
    write_output(data, fo, out);
    return out.finish();
  }
  auto file = AtomicFile::create(*options.output_file, default_file_mode());
  if (!file) return file.error();
  FdSink sink(file->fd());
  write_output(data, fo, sink);
  if (auto done = sink.finish(); !done) {
    return make_error(ExitCode::kInternal,
                      "cannot write " + *options.output_file + ": " + done.error().message);
  }
  if (interrupted()) return make_error(signal_exit_code(), "interrupted");
  return file->commit();
}

}  // namespace

ExitCode report(const Error& error, std::ostream& err) {
  err << "pcusage: error: " << error.message << "\n";
  err.flush();
  return error.code;
}

ExitCode report_internal(const char* what, std::ostream& err) {
  return report(make_error(ExitCode::kInternal, "internal: " + printable_excerpt(what, 300)), err);
}

ExitCode run(const Options& options, HttpClient& client, Sink& out, std::ostream& err,
             Clock& clock) {
  if (options.action == Action::kHelp) {
    out.write(options.help_text);
    auto done = out.finish();
    return done ? ExitCode::kOk : report(done.error(), err);
  }
  if (options.action == Action::kVersion) {
    out.write("pcusage " PCUSAGE_VERSION " (" + client.version() + ")\n");
    auto done = out.finish();
    return done ? ExitCode::kOk : report(done.error(), err);
  }
  if (options.command == Command::kLogin || options.command == Command::kLogout ||
      options.command == Command::kConfig) {
    const AccountIo io{
        clock, [&](const std::string& url) { open_with_xdg_open(url, options.has_display); }};
    return run_account_command(options, client, io, out, err);
  }
  auto loaded = load(options, client, err, clock);
  if (interrupted()) return signal_exit_code();
  if (!loaded) return report(loaded.error(), err);
  auto written = write_result(options, *loaded, out);
  if (interrupted()) return signal_exit_code();
  if (!written) return report(written.error(), err);
  if (loaded->failures.empty()) return ExitCode::kOk;
  for (const auto& f : loaded->failures) {
    err << "pcusage: error: customer " << f.id << " (exit " << static_cast<int>(f.error.code)
        << "): " << f.error.message << "\n";
  }
  err << "pcusage: error: " << loaded->failures.size()
      << " customer(s) failed; the others were printed (partial result)\n";
  err.flush();
  return ExitCode::kPartial;
}

}  // namespace pcusage
