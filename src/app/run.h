// The whole behaviour of one run, from checked options to an exit code, with its I/O injected.
#pragma once

#include <ostream>

#include "cli/options.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/sink.h"
#include "http/http_client.h"

namespace pcusage {

// Runs pcusage: fetches (or reads --input), formats to `out` (or --output-file), and reports any
// failure as one "pcusage: error: ..." line on `err`. `out` receives nothing when the run fails.
// `clock` tells the time and waits (a fake one in tests).
ExitCode run(const Options& options, HttpClient& client, Sink& out, std::ostream& err,
             Clock& clock = real_clock());

// Prints a usage error from parse_args the way run() prints its errors, and returns its code.
ExitCode report(const Error& error, std::ostream& err);

// Prints what escaped as an exception (`what`, e.g. std::bad_alloc's text) as
// "pcusage: error: internal: ..." and returns ExitCode::kInternal; main's one catch calls it.
ExitCode report_internal(const char* what, std::ostream& err);

}  // namespace pcusage
