#include "app/run.h"

#include <chrono>
#include <csignal>

#include "app/fetch.h"
#include "app/token.h"
#include "core/files.h"
#include "core/signals.h"
#include "core/uuid.h"
#include "core/version.h"
#include "model/parser.h"
#include "model/sort.h"

namespace pcusage {

namespace {

ExitCode signal_exit_code() {
  return pending_signal() == SIGTERM ? ExitCode::kTerminated : ExitCode::kInterrupted;
}

Result<Dataset> load(const Options& options, HttpClient& client, std::ostream& err) {
  if (options.input) {
    auto body =
        read_source(*options.input, options.max_response_bytes, ExitCode::kUsage, "--input");
    if (!body) return body.error();
    Dataset data;
    auto page = parse_page(std::move(*body), data);
    if (!page) return page.error();
    return data;
  }
  FetchSettings s;
  s.base = options.base_url;
  s.locale = options.locale;
  s.correlation_id = options.correlation_id.empty() ? new_uuid() : options.correlation_id;
  s.user_agent = "pcusage/" PCUSAGE_VERSION;
  s.retries = options.retries;
  const auto start = std::chrono::steady_clock::now();
  s.deadline = start + std::chrono::milliseconds(static_cast<long long>(options.timeout_s * 1000));
  s.timeout_s = options.timeout_s;
  s.connect_timeout =
      std::chrono::milliseconds(static_cast<long long>(options.connect_timeout_s * 1000));
  s.max_pages = options.max_pages;
  s.max_body_bytes = options.max_response_bytes;
  s.ca_file = options.ca_file;
  s.verbose = options.verbose;
  auto token = obtain_token(options, client, s, err);
  if (!token) return token.error();
  s.token = std::move(*token);
  return fetch_usage(client, s, err);
}

Status write_result(const Options& options, Dataset& data, Sink& out) {
  FormatOptions fo;
  fo.format = options.format;
  fo.header = options.header;
  fo.csv_allow_formulas = options.csv_allow_formulas;
  const bool tabular = options.format == Format::kTable || options.format == Format::kCsv ||
                       options.format == Format::kTsv;
  if (tabular) {
    auto columns = resolve_columns(
        data, options.columns_given ? options.columns : default_column_names(),
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

ExitCode run(const Options& options, HttpClient& client, Sink& out, std::ostream& err) {
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
  auto data = load(options, client, err);
  if (interrupted()) return signal_exit_code();
  if (!data) return report(data.error(), err);
  auto written = write_result(options, *data, out);
  if (interrupted()) return signal_exit_code();
  if (!written) return report(written.error(), err);
  return ExitCode::kOk;
}

}  // namespace pcusage
