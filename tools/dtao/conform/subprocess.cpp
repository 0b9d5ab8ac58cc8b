// dtao: a child process spoken to over pipes, for `dtao conform`.
// SPDX-License-Identifier: Apache-2.0
#include "subprocess.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <poll.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace dtao::conform {

namespace {

constexpr std::size_t STDERR_TAIL = 4096;

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// The process groups of the running children, for the signal handler: a runner
// stopped by SIGINT or SIGTERM must not leave a hanging implementation (and
// whatever it started) behind. Lock-free slots, since a handler cannot lock.
constexpr std::size_t MAX_CHILDREN = 64;
std::atomic<pid_t> g_groups[MAX_CHILDREN];
static_assert(std::atomic<pid_t>::is_always_lock_free);

void remember_group(pid_t pgid)
{
    for (auto& slot : g_groups) {
        pid_t empty = 0;
        if (slot.compare_exchange_strong(empty, pgid))
            return;
    }
}

void forget_group(pid_t pgid)
{
    for (auto& slot : g_groups) {
        pid_t mine = pgid;
        if (slot.compare_exchange_strong(mine, 0))
            return;
    }
}

extern "C" void end_children_and_die(int sig)
{
    for (auto& slot : g_groups)
        if (const pid_t pgid = slot.load(); pgid > 0)
            ::kill(-pgid, SIGKILL);
    // die of the same signal, so that the caller sees how the runner ended
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

/// Once per process, for the signals that end a runner from outside; a
/// disposition someone else chose (ignored, or a handler) is left alone.
void install_signal_handlers()
{
    static const bool installed = [] {
        for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
            struct sigaction old = {};
            if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL)
                continue;
            struct sigaction sa = {};
            sa.sa_handler = end_children_and_die;
            sigemptyset(&sa.sa_mask);
            ::sigaction(sig, &sa, nullptr);
        }
        return true;
    }();
    (void)installed;
}

/// A command the shell may replace itself with (`exec`): words and quotes, no
/// operator, expansion or assignment. Then the implementation is the child
/// itself, and when it closes its stdout the runner sees end-of-file at once;
/// a shell waiting for it would hold the pipe open, and the runner would wait
/// for the timeout instead.
bool is_simple_command(const std::string& command)
{
    if (command.find_first_not_of(" \t") == std::string::npos)
        return false;
    if (command.find_first_of("$`\\;&|<>(){}*?[]~#!\n\r") != std::string::npos)
        return false;
    const auto start = command.find_first_not_of(" \t");
    const auto first_word_end = command.find_first_of(" \t", start);
    const std::string first = command.substr(start, first_word_end - start);
    // the shell's own words: `exec cd …` or `exec exec …` would fail where the plain command works
    static const std::set<std::string> builtins = {
        ".",      "alias", "bg",     "break",   "cd",    "command", "continue", "eval",  "exec",     "exit",
        "export", "fc",    "fg",     "getopts", "hash",  "jobs",    "local",    "read",  "readonly", "return",
        "set",    "shift", "source", "times",   "trap",  "type",    "ulimit",   "umask", "unalias",  "unset",
        "wait",   "if",    "case",   "for",     "while", "until",   "do",       "time",  ":"};
    return first.find('=') == std::string::npos && !builtins.count(first);
}

}  // namespace

Subprocess::Subprocess(std::string command, std::size_t max_line_bytes)
    : m_command(std::move(command)), m_max_line(max_line_bytes)
{}

Subprocess::~Subprocess() { kill(); }

bool Subprocess::start(std::string& error)
{
    kill();
    install_signal_handlers();
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
        error = std::string("pipe: ") + std::strerror(errno);
        return false;
    }
    const std::string shell_command = is_simple_command(m_command) ? "exec " + m_command : m_command;
    const pid_t pid = fork();
    if (pid < 0) {
        error = std::string("fork: ") + std::strerror(errno);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
            ::close(fd);
        return false;
    }
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        execl("/bin/sh", "sh", "-c", shell_command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    setpgid(pid, pid);  // also here: no race with the first kill()
    remember_group(pid);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    m_pid = pid;
    m_in = in[1];
    m_out_fd = out[0];
    m_err = err[0];
    set_nonblocking(m_in);
    set_nonblocking(m_out_fd);
    set_nonblocking(m_err);
    m_pending.clear();
    m_pending_off = 0;
    m_out.clear();
    m_scan = 0;
    m_stderr.clear();
    m_eof = false;
    m_discarding = false;
    m_status = -1;
    return true;
}

void Subprocess::write(std::string_view data)
{
    if (m_in < 0)
        return;
    if (m_pending_off > 0 && m_pending_off == m_pending.size()) {
        m_pending.clear();
        m_pending_off = 0;
    }
    m_pending.append(data);
    // opportunistic write, never blocking
    while (m_pending_off < m_pending.size()) {
        const ssize_t n = ::write(m_in, m_pending.data() + m_pending_off, m_pending.size() - m_pending_off);
        if (n > 0) {
            m_pending_off += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        // EPIPE or other: the child no longer reads; drop what is queued
        ::close(m_in);
        m_in = -1;
        m_pending.clear();
        m_pending_off = 0;
        break;
    }
}

void Subprocess::pump(int timeout_ms)
{
    pollfd fds[3];
    int n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (m_out_fd >= 0) {
        fds[n] = {m_out_fd, POLLIN, 0};
        out_i = n++;
    }
    if (m_err >= 0) {
        fds[n] = {m_err, POLLIN, 0};
        err_i = n++;
    }
    if (m_in >= 0 && m_pending_off < m_pending.size()) {
        fds[n] = {m_in, POLLOUT, 0};
        in_i = n++;
    }
    if (n == 0)
        return;
    const int r = ::poll(fds, static_cast<nfds_t>(n), timeout_ms);
    if (r <= 0)
        return;
    char buf[65536];
    if (err_i >= 0 && (fds[err_i].revents & (POLLIN | POLLHUP | POLLERR))) {
        const ssize_t k = ::read(m_err, buf, sizeof buf);
        if (k > 0) {
            m_stderr.append(buf, static_cast<std::size_t>(k));
            if (m_stderr.size() > STDERR_TAIL)
                m_stderr.erase(0, m_stderr.size() - STDERR_TAIL);
        } else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
            ::close(m_err);
            m_err = -1;
        }
    }
    if (in_i >= 0 && (fds[in_i].revents & (POLLOUT | POLLERR | POLLHUP)))
        write({});
    if (out_i >= 0 && (fds[out_i].revents & (POLLIN | POLLHUP | POLLERR))) {
        const ssize_t k = ::read(m_out_fd, buf, sizeof buf);
        if (k > 0) {
            if (m_discarding) {
                const char* nl = static_cast<const char*>(std::memchr(buf, '\n', static_cast<std::size_t>(k)));
                if (nl) {
                    m_discarding = false;
                    m_out.append(nl + 1, static_cast<std::size_t>(buf + k - (nl + 1)));
                }
            } else {
                m_out.append(buf, static_cast<std::size_t>(k));
            }
        } else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
            ::close(m_out_fd);
            m_out_fd = -1;
            m_eof = true;
        }
    }
}

Subprocess::Event Subprocess::read_line(std::string& line, Clock::time_point deadline)
{
    while (true) {
        const auto nl = m_out.find('\n', m_scan);
        if (nl != std::string::npos && nl > m_max_line) {
            // the limit holds for a line that arrived whole in one read, too
            line = m_out.substr(0, 200);
            m_out.erase(0, nl + 1);
            m_scan = 0;
            return Event::oversized;
        }
        if (nl != std::string::npos) {
            line.assign(m_out, 0, nl);
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            m_out.erase(0, nl + 1);
            m_scan = 0;
            return Event::line;
        }
        m_scan = m_out.size();
        if (m_out.size() > m_max_line) {
            line = m_out.substr(0, 200);
            m_out.clear();
            m_scan = 0;
            m_discarding = true;
            return Event::oversized;
        }
        if (m_eof || m_pid <= 0) {
            line = m_out;
            return Event::eof;
        }
        const auto now = Clock::now();
        if (now >= deadline) {
            line.clear();
            return Event::timeout;
        }
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        pump(static_cast<int>(std::min<long long>(ms + 1, 1000)));
    }
}

bool Subprocess::reap(bool block)
{
    if (m_pid <= 0)
        return true;
    int status = 0;
    const pid_t r = waitpid(m_pid, &status, block ? 0 : WNOHANG);
    if (r == m_pid) {
        m_status = status;
        // The group may outlive its leader (an adapter's own children), but its id
        // can be reused once the leader is reaped, so it is no longer ours to kill.
        forget_group(m_pid);
        m_pid = -1;
        return true;
    }
    return false;
}

void Subprocess::close_fds()
{
    for (int* fd : {&m_in, &m_out_fd, &m_err})
        if (*fd >= 0) {
            ::close(*fd);
            *fd = -1;
        }
}

void Subprocess::kill()
{
    if (m_pid > 0) {
        ::kill(-m_pid, SIGKILL);
        ::kill(m_pid, SIGKILL);
        reap(true);
    }
    close_fds();
}

void Subprocess::stop(std::chrono::milliseconds grace)
{
    if (m_in >= 0) {
        ::close(m_in);
        m_in = -1;
    }
    const auto until = Clock::now() + grace;
    while (m_pid > 0 && Clock::now() < until) {
        if (reap(false))
            break;
        pump(10);
    }
    kill();
}

std::string Subprocess::exit_description()
{
    if (m_pid > 0) {
        // stdout closed; give the child a moment to exit so its status is known. By the
        // clock: with both pipes at EOF `pump` returns at once, and a count of pumps was a
        // spin of microseconds that lost the exit status on a loaded machine.
        const auto until = Clock::now() + std::chrono::seconds(2);
        while (Clock::now() < until && !reap(false)) {
            pump(10);
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }
    if (m_pid > 0)
        return "closed its output but is still running";
    if (m_status < 0)
        return "not running";
    if (WIFEXITED(m_status)) {
        const int code = WEXITSTATUS(m_status);
        std::string d = "exited with status " + std::to_string(code);
        if (code > 128 && code < 128 + 65)  // the shell's way of reporting a child killed by a signal
            d += " (killed by signal " + std::to_string(code - 128) + ", " + strsignal(code - 128) + ")";
        return d;
    }
    if (WIFSIGNALED(m_status))
        return "killed by signal " + std::to_string(WTERMSIG(m_status)) + " (" + strsignal(WTERMSIG(m_status)) + ")";
    return "ended";
}

}  // namespace dtao::conform
