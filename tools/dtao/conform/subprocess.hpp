// dtao: a child process spoken to over pipes, for `dtao conform`.
// SPDX-License-Identifier: Apache-2.0
//
// The child runs `/bin/sh -c <command>` in its own process group, so a
// timeout kills the adapter and everything it started. Reads are bounded
// (a line longer than the limit is reported, not buffered forever), writes
// never block the runner, and stderr is drained into a bounded tail.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace dtao::conform {

using Clock = std::chrono::steady_clock;

class Subprocess
{
public:
    enum class Event
    {
        line,       ///< a complete line (without the newline)
        eof,        ///< stdout closed: the child exited or closed it
        timeout,    ///< the deadline passed first
        oversized,  ///< a line exceeded the limit
    };

    Subprocess(std::string command, std::size_t max_line_bytes);
    ~Subprocess();
    Subprocess(const Subprocess&) = delete;
    Subprocess& operator=(const Subprocess&) = delete;

    /// Start the child. False (and a message) if it cannot be started.
    bool start(std::string& error);
    /// Queue bytes for the child's stdin (written while waiting for output).
    void write(std::string_view data);
    /// The next line, or why there is none by `deadline`.
    Event read_line(std::string& line, Clock::time_point deadline);
    /// Kill the process group (SIGKILL) and reap the child.
    void kill();
    /// Close stdin, give the child `grace` to exit, then kill it.
    void stop(std::chrono::milliseconds grace);
    /// After eof/kill: "exited with status N" or "killed by signal N".
    [[nodiscard]] std::string exit_description();
    /// The last few KiB the child wrote to stderr.
    [[nodiscard]] std::string stderr_tail() const { return m_stderr; }
    /// Bytes buffered after the last complete line (partial output).
    [[nodiscard]] const std::string& partial() const { return m_out; }
    [[nodiscard]] bool running() const { return m_pid > 0; }

private:
    void pump(int timeout_ms);
    void close_fds();
    bool reap(bool block);

    std::string m_command;
    std::size_t m_max_line;
    pid_t m_pid = -1;
    int m_in = -1, m_out_fd = -1, m_err = -1;
    std::string m_pending;  ///< bytes not yet written to stdin
    std::size_t m_pending_off = 0;
    std::string m_out;       ///< stdout bytes not yet returned
    std::size_t m_scan = 0;  ///< where to resume looking for '\n' in m_out
    std::string m_stderr;
    bool m_eof = false;
    bool m_discarding = false;  ///< dropping the rest of an oversized line
    int m_status = -1;
};

}  // namespace dtao::conform
