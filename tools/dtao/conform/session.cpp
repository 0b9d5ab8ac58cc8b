// dtao conform: running cases against an implementation (a subprocess or the
// in-process reference): windowed requests, timeouts, restarts, malformed and
// oversized responses.
// SPDX-License-Identifier: Apache-2.0
#include "detail.hpp"

#include "protocol.hpp"

#include <algorithm>
#include <csignal>
#include <deque>
#include <map>
#include <optional>

namespace dtao::conform {

using namespace detail;

namespace {

class InProcess final : public Impl
{
public:
    bool start(std::string&) override
    {
        m_queue.clear();
        return true;
    }
    void send(const std::string& line) override
    {
        std::string_view body(line);
        if (!body.empty() && body.back() == '\n')
            body.remove_suffix(1);
        m_queue.push_back(protocol::evaluate_line(body).dump());
    }
    Subprocess::Event receive(std::string& line, Clock::time_point) override
    {
        if (m_queue.empty())
            return Subprocess::Event::eof;
        line = std::move(m_queue.front());
        m_queue.pop_front();
        return Subprocess::Event::line;
    }
    void kill() override { m_queue.clear(); }
    void stop() override { m_queue.clear(); }
    std::string exit_description() override { return "in-process reference"; }
    std::string stderr_tail() override { return {}; }
    std::string partial() override { return {}; }

private:
    std::deque<std::string> m_queue;
};

class External final : public Impl
{
public:
    External(const std::string& cmd, std::size_t max_line) : m_p(cmd, max_line) {}
    bool start(std::string& error) override { return m_p.start(error); }
    void send(const std::string& line) override { m_p.write(line); }
    Subprocess::Event receive(std::string& line, Clock::time_point deadline) override
    {
        return m_p.read_line(line, deadline);
    }
    void kill() override { m_p.kill(); }
    void stop() override { m_p.stop(std::chrono::milliseconds(500)); }
    std::string exit_description() override { return m_p.exit_description(); }
    std::string stderr_tail() override { return m_p.stderr_tail(); }
    std::string partial() override { return m_p.partial(); }

private:
    Subprocess m_p;
};

std::string last_lines(const std::string& s, std::size_t max = 300)
{
    std::string t = s;
    while (!t.empty() && (t.back() == '\n' || t.back() == ' '))
        t.pop_back();
    if (t.size() > max)
        t = "…" + t.substr(t.size() - max);
    for (auto& ch : t)
        if (ch == '\n')
            ch = '|';
    return valid_utf8(t);
}

/// Deeper than any answer of the protocol by far; deep enough that judging (which
/// recurses once per level) cannot exhaust the stack on a hostile answer.
constexpr std::size_t MAX_RESPONSE_DEPTH = 256;

/// Does the JSON text nest arrays and objects deeper than `limit`? A scan of the
/// bytes, so that a hostile line is refused before anything recurses over it.
bool nested_deeper_than(std::string_view line, std::size_t limit)
{
    std::size_t depth = 0;
    bool in_string = false, escaped = false;
    for (const char ch : line) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (ch == '\\')
                escaped = true;
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '[' || ch == '{') {
            if (++depth > limit)
                return true;
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}

}  // namespace

namespace detail {

std::unique_ptr<Impl> make_impl(const Options& o)
{
    if (o.impl == IN_PROCESS)
        return std::make_unique<InProcess>();
    return std::make_unique<External>(o.impl, o.max_response_bytes);
}

std::vector<Verdict> run_in_session(Session& session, const std::vector<const Case*>& cases, const Options& o,
                                    const Profile* profile, EngineStats& stats, bool keep_alive)
{
    std::vector<Verdict> verdicts(cases.size());
    Impl* impl = session.impl.get();
    std::signal(SIGPIPE, SIG_IGN);

    // request lines, built once
    std::vector<std::string> lines(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i)
        lines[i] = (cases[i]->request_line.empty() ? cases[i]->request.dump() : cases[i]->request_line) + "\n";
    std::map<std::string, std::size_t> index_of;  // built on the first wrong id only
    const auto t0 = Clock::now();
    const auto total_deadline = o.total_timeout_s > 0
                                    ? t0 + std::chrono::milliseconds(static_cast<long long>(o.total_timeout_s * 1000))
                                    : Clock::time_point::max();
    const auto case_timeout = std::chrono::milliseconds(static_cast<long long>(o.case_timeout_s * 1000));
    const std::size_t window = std::max<std::size_t>(1, o.window);

    std::size_t head = 0, next = 0;
    unsigned fruitless_starts = 0;
    bool answered_since_start = false;
    Clock::time_point head_start = Clock::now();
    std::vector<Clock::time_point> sent(cases.size());

    auto give_up = [&](const std::string& why) {
        stats.gave_up = why;
        for (std::size_t i = head; i < cases.size(); ++i) {
            verdicts[i].status = Status::not_run;
            verdicts[i].detail = why;
        }
        head = cases.size();
    };
    auto start = [&]() -> bool {
        std::string error;
        if (!impl->start(error)) {
            give_up("cannot start the implementation: " + error);
            return false;
        }
        answered_since_start = false;
        session.running = true;
        return true;
    };
    auto restart = [&](const std::string& why) -> bool {
        impl->kill();
        session.running = false;
        if (!answered_since_start && ++fruitless_starts >= 3) {
            give_up("the implementation answered nothing after 3 starts in a row (last: " + why + ")");
            return false;
        }
        if (answered_since_start)
            fruitless_starts = 0;
        if (stats.restarts >= o.max_restarts) {
            give_up("more than " + std::to_string(o.max_restarts) + " restarts (last: " + why + ")");
            return false;
        }
        ++stats.restarts;
        next = head;  // resend everything not yet answered
        return start();
    };

    if (cases.empty() || (!session.running && !start()))
        return verdicts;

    while (head < cases.size()) {
        const auto now = Clock::now();
        if (now >= total_deadline) {
            impl->kill();
            session.running = false;
            give_up("total timeout (" + std::to_string(o.total_timeout_s) + " s) reached");
            break;
        }
        while (next < cases.size() && next - head < window) {
            sent[next] = Clock::now();
            impl->send(lines[next]);
            if (next == head)
                head_start = sent[next];
            ++next;
        }
        const auto case_deadline = std::max(head_start, sent[head]) + case_timeout;
        std::string line;
        const auto ev = impl->receive(line, std::min(case_deadline, total_deadline));
        const auto done = Clock::now();
        Verdict& v = verdicts[head];
        v.ms = std::chrono::duration<double, std::milli>(done - std::max(head_start, sent[head])).count();
        if (ev == Subprocess::Event::line) {
            if (line.find_first_not_of(" \t") == std::string::npos)
                continue;  // blank lines carry nothing
            answered_since_start = true;
            fruitless_starts = 0;
            if (!cases[head]->expected_line.empty() && line == cases[head]->expected_line) {
                v.status = Status::pass;  // byte-identical to the canonical answer: no need to parse
                ++head;
                head_start = done;
                continue;
            }
            if (nested_deeper_than(line, MAX_RESPONSE_DEPTH)) {
                v.status = Status::malformed_response;
                v.detail = "JSON nested deeper than " + std::to_string(MAX_RESPONSE_DEPTH) + " levels (starts with " +
                           short_json(json(line), 80) + ")";
                ++head;
                head_start = done;
                continue;
            }
            json response = json::parse(line, nullptr, false);
            if (response.is_discarded()) {
                v.status = Status::malformed_response;
                v.detail = "not JSON: " + short_json(json(line), 120);
            } else if (!response.is_object()) {
                v.status = Status::malformed_response;
                v.detail = "not a JSON object: " + short_json(response, 120);
            } else if (!response.contains("id") || response["id"] != json(cases[head]->global_id)) {
                const json id = response.contains("id") ? response["id"] : json();
                std::optional<std::size_t> k;
                if (id.is_string()) {
                    if (index_of.empty())
                        for (std::size_t i = 0; i < cases.size(); ++i)
                            index_of.emplace(cases[i]->global_id, i);
                    if (const auto it = index_of.find(id.get<std::string>()); it != index_of.end())
                        k = it->second;
                }
                if (k && *k < head) {
                    // A late or repeated answer to a request already judged: it says
                    // nothing about `head`, whose own answer may be next.
                    Verdict& earlier = verdicts[*k];
                    if (earlier.status == Status::wrong_id && earlier.field == "id" && earlier.got.is_string())
                        earlier.detail += "; its own answer came later, out of order";
                    else {
                        earlier.status = Status::wrong_id;
                        earlier.detail = "answered more than once (a second response with id " + short_json(id, 120) +
                                         " came later)";
                        earlier.field = "id";
                        earlier.expected = cases[*k]->global_id;
                        earlier.got = id;
                    }
                    continue;
                }
                if (k && *k > head && *k < next) {
                    // Resynchronise: the requests before `*k` got no answer in order
                    // (dropped, or answered later); the answer is judged against its own
                    // request, so one lost line does not fail every later case.
                    for (std::size_t i = head; i < *k; ++i) {
                        Verdict& skipped = verdicts[i];
                        skipped.status = Status::wrong_id;
                        skipped.detail = "no response in order: the implementation answered " + short_json(id, 120) +
                                         " (a later request) first; this request's answer was dropped or is out of "
                                         "order";
                        skipped.field = "id";
                        skipped.expected = cases[i]->global_id;
                        skipped.got = id;
                    }
                    head = *k;
                    Verdict& resumed = verdicts[head];
                    resumed = judge(*cases[head], response, profile);
                    resumed.ms = std::chrono::duration<double, std::milli>(done - sent[head]).count();
                    ++head;
                    head_start = done;
                    continue;
                }
                v.status = Status::wrong_id;
                v.detail = "expected the response to " + cases[head]->global_id + ", got id " + short_json(id, 120) +
                           (id.is_string() ? " (no request in flight has this id)" : "");
                v.field = "id";
                v.expected = cases[head]->global_id;
                v.got = id;
            } else {
                const double ms = v.ms;
                v = judge(*cases[head], response, profile);
                v.ms = ms;
            }
            ++head;
            head_start = done;
            continue;
        }
        if (ev == Subprocess::Event::timeout) {
            if (done >= total_deadline)
                continue;  // handled at the top of the loop
            v.status = Status::timeout;
            v.detail = "no response within " + std::to_string(o.case_timeout_s) + " s; the implementation was killed";
            const std::string tail = impl->stderr_tail();
            if (!tail.empty())
                v.detail += "; stderr: " + last_lines(tail);
            ++head;
            head_start = Clock::now();
            restart("timeout");
            continue;
        }
        if (ev == Subprocess::Event::oversized) {
            v.status = Status::oversized_response;
            v.detail = "a response line longer than " + std::to_string(o.max_response_bytes) +
                       " bytes; the implementation was killed (starts with " + short_json(json(line), 80) + ")";
            ++head;
            head_start = Clock::now();
            restart("oversized response");
            continue;
        }
        // eof: the implementation exited or closed its output before answering `head`
        v.status = Status::crashed;
        v.detail = "the implementation " + impl->exit_description() + " before answering";
        if (!line.empty())
            v.detail += "; partial output: " + short_json(json(line), 120);
        const std::string tail = impl->stderr_tail();
        if (!tail.empty())
            v.detail += "; stderr: " + last_lines(tail);
        ++head;
        head_start = Clock::now();
        if (head < cases.size())
            restart("crash");
    }
    if (!keep_alive || !stats.gave_up.empty()) {
        impl->stop();
        session.running = false;
    }
    return verdicts;
}

}  // namespace detail

std::vector<Verdict> run_cases(const std::vector<const Case*>& cases, const Options& o, const Profile* profile,
                               EngineStats& stats)
{
    Session session;
    session.impl = make_impl(o);
    return run_in_session(session, cases, o, profile, stats, false);
}

}  // namespace dtao::conform
