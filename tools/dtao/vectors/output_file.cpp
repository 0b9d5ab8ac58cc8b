// dtao: checked output files and streams (output_file.hpp).
// SPDX-License-Identifier: Apache-2.0
#include "output_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <ostream>
#include <stdexcept>
#include <unistd.h>

namespace dtao::vectors {

namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p, int err)
{
    throw std::runtime_error(what + " " + p.string() + ": " + std::strerror(err));
}

// Big enough that a CSV of a long scenario is a few system calls per MiB.
constexpr std::size_t BUFFER_BYTES = 1 << 16;

}  // namespace

std::filesystem::path OutputFile::temporary_for(const std::filesystem::path& path)
{
    return path.string() + ".tmp." + std::to_string(::getpid());
}

OutputFile::OutputFile(std::filesystem::path path) : m_path(std::move(path)), m_tmp(temporary_for(m_path))
{
    m_fd = ::open(m_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (m_fd < 0)
        fail("cannot create", m_tmp, errno);
}

OutputFile::~OutputFile() { discard(); }

void OutputFile::discard() noexcept
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
        ::unlink(m_tmp.c_str());
    }
}

void OutputFile::flush_buffer()
{
    std::size_t off = 0;
    while (off < m_buffer.size()) {
        const ssize_t n = ::write(m_fd, m_buffer.data() + off, m_buffer.size() - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            discard();
            fail("cannot write", m_tmp, err);
        }
        off += static_cast<std::size_t>(n);
    }
    m_buffer.clear();
}

void OutputFile::write(std::string_view bytes)
{
    if (m_fd < 0)
        throw std::runtime_error("cannot write " + m_tmp.string() + ": already closed");
    m_buffer.append(bytes);
    if (m_buffer.size() >= BUFFER_BYTES)
        flush_buffer();
}

void OutputFile::commit()
{
    if (m_fd < 0)
        throw std::runtime_error("cannot write " + m_tmp.string() + ": already closed");
    flush_buffer();
    // close() is where a network or quota file system reports a lost write
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(m_tmp.c_str());
        fail("cannot write", m_tmp, err);
    }
    if (::rename(m_tmp.c_str(), m_path.c_str()) != 0) {
        const int err = errno;
        ::unlink(m_tmp.c_str());
        fail("cannot rename " + m_tmp.string() + " to", m_path, err);
    }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes)
{
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            throw std::runtime_error("cannot create directory " + path.parent_path().string() + ": " + ec.message());
    }
    OutputFile f(path);
    f.write(bytes);
    f.commit();
}

void check_stream(std::ostream& out, const std::string& what)
{
    errno = 0;
    out.flush();
    if (!out) {
        const int err = errno;
        throw std::runtime_error("cannot write " + what + (err ? std::string(": ") + std::strerror(err) : ""));
    }
}

}  // namespace dtao::vectors
