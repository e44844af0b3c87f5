// pcusage: Partner Center license usage insights on the command line.
#include <unistd.h>

#include <exception>
#include <iostream>

#include "app/run.h"
#include "cli/parse_args.h"
#include "core/signals.h"
#include "http/curl_client.h"

int main(int argc, char** argv) {
  try {
    auto options = pcusage::parse_args(argc, argv, pcusage::process_env);
    if (!options) return static_cast<int>(pcusage::report(options.error(), std::cerr));
    options->terminal = pcusage::probe_terminal(pcusage::process_env("COLUMNS"));
    pcusage::install_signal_handlers();
    auto client = pcusage::make_curl_client(&pcusage::interrupted);
    pcusage::FdSink out(STDOUT_FILENO);
    return static_cast<int>(pcusage::run(*options, *client, out, std::cerr));
  } catch (const std::exception& e) {
    return static_cast<int>(pcusage::report_internal(e.what(), std::cerr));
  } catch (...) {
    return static_cast<int>(pcusage::report_internal("unknown exception", std::cerr));
  }
}
