// dtao: the release archive of the vectors (`dtao vectors pack`; read by
// `dtao conform --vectors ARCHIVE`). Format: spec in vectors/README.md,
// "Release archive": an uncompressed POSIX ustar archive, written and read here
// rather than by a library so that its bytes are fixed by this code alone.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dtao::vectors {

struct ArchiveEntry
{
    std::string path;  ///< relative, '/'-separated
    std::string bytes;
};

/// A ustar archive of `entries`, in the given order: regular files, mode 0644,
/// uid/gid 0, empty owner names, mtime 0, then two zero blocks. The same
/// entries give the same bytes. Throws std::runtime_error on a path that does
/// not fit the ustar name fields or is not a plain relative path.
[[nodiscard]] std::string write_tar(const std::vector<ArchiveEntry>& entries);

/// The entries of a ustar archive, in archive order. Hostile input is expected:
/// throws std::runtime_error naming the entry (and the byte offset) for a bad
/// header checksum, a non-regular entry (directory, link, device, extended
/// header), an absolute path or one with `..`, `.` or empty components, a
/// duplicate path, a size that runs past the end of the archive, or anything
/// but zeros after the end-of-archive marker.
[[nodiscard]] std::vector<ArchiveEntry> read_tar(std::string_view bytes);

/// A vectors archive's files by path below its one top-level directory (which
/// pack names after the archive). Throws std::runtime_error naming `archive`
/// for an unreadable file, a bad archive (read_tar) or entries outside one
/// common top-level directory. Does not check contents: load_vectors does.
[[nodiscard]] std::map<std::string, std::string> read_vectors_archive(const std::filesystem::path& archive);

struct PackResult
{
    std::filesystem::path path;  ///< the archive written
    std::string sha256;          ///< of the whole archive, for pinning
    std::size_t files = 0;
    std::size_t cases = 0;
};

/// The archive's name without `.tar`: dtao-vectors-v<schema_version>-<the
/// first 12 hex digits of index.json's SHA-256>, so that the name changes with
/// the vector format and with any vector, and two names never mean two contents.
[[nodiscard]] std::string archive_name(int schema_version, std::string_view index_bytes);

/// Pack `vectors_dir` (index.json, schema/*.schema.json, every file the index
/// lists) into `<out_dir>/<archive_name>.tar`, written to a temporary and
/// renamed. The vectors are loaded and verified first: a file that does not
/// match its index entry is not packed (throws std::runtime_error listing the
/// errors). Deterministic: the same vectors give the same bytes.
PackResult pack(const std::filesystem::path& vectors_dir, const std::filesystem::path& out_dir);

}  // namespace dtao::vectors
