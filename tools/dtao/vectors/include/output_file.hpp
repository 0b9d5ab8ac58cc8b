// dtao: files and streams the tool writes, checked: every report, CSV, vector
// file and summary goes through here, so that no command exits 0 after a
// failed write.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>

namespace dtao::vectors {

/// A file written to `<path>.tmp.<pid>` in the same directory and renamed over
/// `path` by commit(), so that a reader never sees a partial file: a failed
/// write leaves the previous file (or none) and no temporary behind. Every
/// method throws std::runtime_error naming the file and the system's reason.
class OutputFile
{
public:
    explicit OutputFile(std::filesystem::path path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void write(std::string_view bytes);
    /// Write what is buffered, close, rename over the target.
    void commit();
    /// The temporary's name (tests use it to put a full device in its place).
    [[nodiscard]] static std::filesystem::path temporary_for(const std::filesystem::path& path);

private:
    void flush_buffer();
    void discard() noexcept;

    std::filesystem::path m_path, m_tmp;
    int m_fd = -1;
    std::string m_buffer;
};

/// Write `bytes` to `path` through an OutputFile (parent directories created).
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

/// Flush `out` and throw std::runtime_error("cannot write <what>: <reason>")
/// if anything written to it was lost (a full disk, a closed pipe).
void check_stream(std::ostream& out, const std::string& what);

}  // namespace dtao::vectors
