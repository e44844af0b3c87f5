// SIGINT/SIGTERM: recorded by a handler, polled by transfers, and able to cut a wait short.
#pragma once

#include <chrono>

namespace pcusage {

// Installs the SIGINT and SIGTERM handlers (once per process).
void install_signal_handlers();

// The signal number that arrived (SIGINT or SIGTERM), or 0.
int pending_signal();

// True once SIGINT or SIGTERM has arrived.
bool interrupted();

// Records `signal` as if it had arrived (tests; also what the handler does).
void raise_interrupt(int signal);

// Forgets a recorded signal (tests only).
void clear_interrupt();

// Sleeps until `until`, returning early (false) when a signal arrives.
bool sleep_until(std::chrono::steady_clock::time_point until);

}  // namespace pcusage
