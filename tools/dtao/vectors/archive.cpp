// dtao: the vectors' release archive (archive.hpp): a small ustar writer and a
// reader that trusts nothing in its input.
// SPDX-License-Identifier: Apache-2.0
#include "archive.hpp"

#include "generate_detail.hpp"
#include "output_file.hpp"
#include "vectors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>
#include <iterator>
#include <stdexcept>

namespace dtao::vectors {

namespace {

constexpr std::size_t BLOCK = 512;
// ustar header fields: offset and width (POSIX.1-2001, pax "ustar Interchange Format").
constexpr std::size_t NAME = 0, NAME_LEN = 100;
constexpr std::size_t MODE = 100, UID = 108, GID = 116, NUM8_LEN = 8;
constexpr std::size_t SIZE = 124, MTIME = 136, NUM12_LEN = 12;
constexpr std::size_t CHKSUM = 148, CHKSUM_LEN = 8;
constexpr std::size_t TYPEFLAG = 156;
constexpr std::size_t MAGIC = 257, VERSION = 263;
constexpr std::size_t PREFIX = 345, PREFIX_LEN = 155;

/// Why `path` is not a plain relative path, or "".
std::string path_problem(const std::string& path)
{
    if (path.empty())
        return "empty path";
    if (path.front() == '/')
        return "absolute path";
    std::size_t start = 0;
    while (true) {
        const auto slash = path.find('/', start);
        const auto part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (part.empty())
            return "empty path component";
        if (part == "..")
            return "path component `..` (would leave the vectors directory)";
        if (part == ".")
            return "path component `.`";
        if (slash == std::string::npos)
            return "";
        start = slash + 1;
    }
}

/// `value` as zero-padded octal in `width - 1` digits and a NUL.
void put_octal(char* field, std::size_t width, std::uint64_t value, const std::string& path)
{
    std::string digits(width - 1, '0');
    for (std::size_t i = width - 1; i-- > 0 && value != 0; value >>= 3)
        digits[i] = static_cast<char>('0' + (value & 7));
    if (value != 0)
        throw std::runtime_error(path + ": too large for a ustar header");
    std::memcpy(field, digits.data(), width - 1);
    field[width - 1] = '\0';
}

/// A NUL- or space-terminated octal field; throws on anything else.
std::uint64_t get_octal(const char* field, std::size_t width, const std::string& where, const char* what)
{
    std::uint64_t v = 0;
    std::size_t i = 0;
    for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
        if (v >> 60)
            throw std::runtime_error(where + ": " + what + " field overflows");
        v = v * 8 + static_cast<std::uint64_t>(field[i] - '0');
    }
    if (i == 0)
        throw std::runtime_error(where + ": " + what + " field is not an octal number");
    for (; i < width; ++i)
        if (field[i] != '\0' && field[i] != ' ')
            throw std::runtime_error(where + ": " + what + " field is not an octal number");
    return v;
}

std::uint64_t header_sum(const char* h)
{
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < BLOCK; ++i)
        sum += (i >= CHKSUM && i < CHKSUM + CHKSUM_LEN) ? static_cast<unsigned char>(' ')
                                                        : static_cast<unsigned char>(h[i]);
    return sum;
}

std::string field_string(const char* f, std::size_t width) { return std::string(f, strnlen(f, width)); }

std::string read_whole(const std::filesystem::path& p)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec))
        throw std::runtime_error(p.string() + ": not a regular file");
    std::ifstream f(p, std::ios::binary);
    if (!f)
        throw std::runtime_error(p.string() + ": cannot read");
    std::string bytes{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    if (f.bad())
        throw std::runtime_error(p.string() + ": cannot read");
    return bytes;
}

}  // namespace

std::string write_tar(const std::vector<ArchiveEntry>& entries)
{
    std::string out;
    for (const auto& e : entries) {
        if (const auto why = path_problem(e.path); !why.empty())
            throw std::runtime_error("cannot archive \"" + e.path + "\": " + why);
        char h[BLOCK] = {};
        // A name over 100 bytes goes into prefix + '/' + name, split at a slash.
        std::string name = e.path, prefix;
        if (name.size() > NAME_LEN) {
            const auto cut = e.path.rfind('/', PREFIX_LEN);
            if (cut == std::string::npos || e.path.size() - cut - 1 > NAME_LEN || cut == 0)
                throw std::runtime_error("cannot archive \"" + e.path + "\": path too long for ustar");
            prefix = e.path.substr(0, cut);
            name = e.path.substr(cut + 1);
        }
        std::memcpy(h + NAME, name.data(), name.size());
        std::memcpy(h + PREFIX, prefix.data(), prefix.size());
        put_octal(h + MODE, NUM8_LEN, 0644, e.path);
        put_octal(h + UID, NUM8_LEN, 0, e.path);
        put_octal(h + GID, NUM8_LEN, 0, e.path);
        put_octal(h + SIZE, NUM12_LEN, e.bytes.size(), e.path);
        // mtime 0: the archive's bytes depend on the files' contents only
        put_octal(h + MTIME, NUM12_LEN, 0, e.path);
        h[TYPEFLAG] = '0';
        std::memcpy(h + MAGIC, "ustar", 6);  // with its NUL
        std::memcpy(h + VERSION, "00", 2);
        // the checksum field: six octal digits, NUL, space (as tar(1) writes it)
        put_octal(h + CHKSUM, 7, header_sum(h), e.path);
        h[CHKSUM + 7] = ' ';
        out.append(h, BLOCK);
        out += e.bytes;
        out.append((BLOCK - e.bytes.size() % BLOCK) % BLOCK, '\0');
    }
    out.append(2 * BLOCK, '\0');
    return out;
}

std::vector<ArchiveEntry> read_tar(std::string_view bytes)
{
    std::vector<ArchiveEntry> out;
    std::set<std::string> seen;
    std::size_t off = 0;
    while (true) {
        const std::string at = "at byte " + std::to_string(off);
        if (bytes.size() - off < BLOCK)
            throw std::runtime_error("truncated: no end-of-archive marker (" + at + ")");
        const char* h = bytes.data() + off;
        if (std::all_of(h, h + BLOCK, [](char c) { return c == '\0'; })) {
            // the end marker; anything but zero padding after it is not ours
            if (!std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(off), bytes.end(),
                             [](char c) { return c == '\0'; }))
                throw std::runtime_error("data after the end-of-archive marker (" + at + ")");
            return out;
        }
        std::string path = field_string(h + NAME, NAME_LEN);
        const std::string prefix = field_string(h + PREFIX, PREFIX_LEN);
        if (!prefix.empty())
            path = prefix + "/" + path;
        const std::string where = "entry \"" + path + "\" (" + at + ")";
        if (std::memcmp(h + MAGIC, "ustar", 5) != 0)
            throw std::runtime_error(where + ": not a ustar header");
        if (get_octal(h + CHKSUM, CHKSUM_LEN, where, "checksum") != header_sum(h))
            throw std::runtime_error(where + ": header checksum mismatch (corrupted archive)");
        const char type = h[TYPEFLAG];
        if (type != '0' && type != '\0')
            throw std::runtime_error(where + ": type '" + std::string(1, type) +
                                     "' is not a regular file (only regular files are read)");
        if (const auto why = path_problem(path); !why.empty())
            throw std::runtime_error(where + ": " + why);
        if (!seen.insert(path).second)
            throw std::runtime_error(where + ": duplicate path");
        const std::uint64_t size = get_octal(h + SIZE, NUM12_LEN, where, "size");
        off += BLOCK;
        const std::uint64_t padded = size + (BLOCK - size % BLOCK) % BLOCK;
        if (padded > bytes.size() - off)
            throw std::runtime_error(where + ": size " + std::to_string(size) + " runs past the end of the archive (" +
                                     std::to_string(bytes.size() - off) + " bytes left; truncated or corrupted)");
        out.push_back({path, std::string(bytes.substr(off, size))});
        off += padded;
    }
}

std::map<std::string, std::string> read_vectors_archive(const std::filesystem::path& archive)
{
    const std::string bytes = read_whole(archive);
    std::vector<ArchiveEntry> entries;
    try {
        entries = read_tar(bytes);
    } catch (const std::exception& e) {
        throw std::runtime_error(archive.string() + ": " + e.what());
    }
    if (entries.empty())
        throw std::runtime_error(archive.string() + ": empty archive");
    const std::string top = entries.front().path.substr(0, entries.front().path.find('/'));
    std::map<std::string, std::string> files;
    for (auto& e : entries) {
        if (e.path.size() <= top.size() + 1 || e.path.compare(0, top.size() + 1, top + "/") != 0)
            throw std::runtime_error(archive.string() + ": entry \"" + e.path + "\" is not below the top directory \"" +
                                     top + "/\" (a vectors archive has exactly one)");
        files.emplace(e.path.substr(top.size() + 1), std::move(e.bytes));
    }
    return files;
}

std::string archive_name(int schema_version, std::string_view index_bytes)
{
    return "dtao-vectors-v" + std::to_string(schema_version) + "-" + detail::sha256_hex(index_bytes).substr(0, 12);
}

PackResult pack(const std::filesystem::path& vectors_dir, const std::filesystem::path& out_dir)
{
    namespace fs = std::filesystem;
    if (!fs::is_directory(vectors_dir))
        throw std::runtime_error(vectors_dir.string() + ": not a vectors directory");
    // Verified first, so that a release never carries a file its index does not vouch for.
    const auto loaded = load_vectors(vectors_dir);
    if (!loaded.errors.empty()) {
        std::string all;
        for (const auto& e : loaded.errors)
            all += "\n  " + e;
        throw std::runtime_error("not packing " + vectors_dir.string() + ", it does not verify:" + all);
    }
    const std::string index_bytes = read_whole(vectors_dir / "index.json");
    const auto index = nlohmann::json::parse(index_bytes, nullptr, false);
    if (index.is_discarded() || !index.contains("schema_version") || !index["schema_version"].is_number_unsigned())
        throw std::runtime_error((vectors_dir / "index.json").string() + ": no schema_version");
    const std::string name = archive_name(index["schema_version"].get<int>(), index_bytes);

    // Order: index.json, the schemas, then the vector files, each sorted by path.
    std::vector<std::string> paths{"index.json"};
    std::vector<std::string> schemas;
    for (const auto& it : fs::directory_iterator(vectors_dir / "schema"))
        if (it.is_regular_file() && it.path().filename().string().ends_with(".schema.json"))
            schemas.push_back("schema/" + it.path().filename().string());
    std::sort(schemas.begin(), schemas.end());
    paths.insert(paths.end(), schemas.begin(), schemas.end());
    std::vector<std::string> files;
    for (const auto& f : loaded.files)
        files.push_back(f.path);
    std::sort(files.begin(), files.end());
    paths.insert(paths.end(), files.begin(), files.end());

    std::vector<ArchiveEntry> entries;
    for (const auto& p : paths)
        entries.push_back({name + "/" + p, p == "index.json" ? index_bytes : read_whole(vectors_dir / p)});
    const std::string tar = write_tar(entries);
    PackResult r;
    r.path = out_dir / (name + ".tar");
    fs::create_directories(out_dir);
    write_file_atomic(r.path, tar);
    r.sha256 = detail::sha256_hex(tar);
    r.files = entries.size();
    r.cases = loaded.case_count();
    return r;
}

}  // namespace dtao::vectors
