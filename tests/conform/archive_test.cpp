// The vectors' release archive (tools/dtao/vectors/archive.hpp): the ustar
// writer is deterministic and the reader rejects hostile archives (paths out of
// the tree, links and directories, lies about sizes, bad checksums, altered
// vectors) with a message naming the entry.
// SPDX-License-Identifier: Apache-2.0
#include "archive.hpp"
#include "vectors.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <unistd.h>

namespace {

using dtao::vectors::ArchiveEntry;
using dtao::vectors::read_tar;
using dtao::vectors::write_tar;

/// The exception message of `f()`, or "" if it did not throw.
template <typename F>
std::string thrown(F f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

/// Recompute the ustar checksum of the header at `off` after a test edited it,
/// so that the reader sees the edit and not a checksum mismatch.
void fix_checksum(std::string& tar, std::size_t off)
{
    std::memset(tar.data() + off + 148, ' ', 8);
    unsigned sum = 0;
    for (std::size_t i = 0; i < 512; ++i)
        sum += static_cast<unsigned char>(tar[off + i]);
    std::snprintf(tar.data() + off + 148, 8, "%06o", sum);
    tar[off + 155] = ' ';
}

const std::vector<ArchiveEntry> TWO = {{"top/a.json", "{\"a\":1}\n"}, {"top/dir/b.json", std::string(600, 'b')}};

TEST(Archive, RoundTripAndFixedLayout)
{
    const std::string tar = write_tar(TWO);
    // header, one data block; header, two data blocks (600 bytes); two end blocks
    EXPECT_EQ(tar.size(), 512u * (1 + 1 + 1 + 2 + 2));
    EXPECT_EQ(tar.substr(257, 6), std::string("ustar\0", 6));
    EXPECT_EQ(tar.substr(136, 12), std::string("00000000000\0", 12));  // mtime 0
    EXPECT_EQ(tar.substr(108, 8), std::string("0000000\0", 8));        // uid 0
    const auto back = read_tar(tar);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[1].path, "top/dir/b.json");
    EXPECT_EQ(back[1].bytes, std::string(600, 'b'));
    EXPECT_EQ(write_tar(TWO), tar);  // nothing but the entries decides the bytes
}

TEST(Archive, LongPathsUseThePrefixField)
{
    const std::string dir(120, 'd');
    const std::vector<ArchiveEntry> e = {{dir + "/file.json", "x"}};
    const auto back = read_tar(write_tar(e));
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].path, dir + "/file.json");
    EXPECT_NE(thrown([] { (void)write_tar({{std::string(300, 'p'), "x"}}); }).find("too long"), std::string::npos);
}

TEST(Archive, WriterRefusesPathsOutOfTheTree)
{
    EXPECT_NE(thrown([] { (void)write_tar({{"top/../x", "x"}}); }).find(".."), std::string::npos);
    EXPECT_NE(thrown([] { (void)write_tar({{"/etc/x", "x"}}); }).find("absolute"), std::string::npos);
}

TEST(Archive, DotDotEntryIsRejected)
{
    std::string tar = write_tar({{"top/xx/evil.json", "x"}});
    std::memcpy(tar.data() + 4, "..", 2);  // top/../evil.json
    fix_checksum(tar, 0);
    const auto msg = thrown([&] { (void)read_tar(tar); });
    EXPECT_NE(msg.find("top/../evil.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("`..`"), std::string::npos) << msg;
}

TEST(Archive, AbsoluteEntryIsRejected)
{
    std::string tar = write_tar({{"xtmp/evil.json", "x"}});
    tar[0] = '/';
    fix_checksum(tar, 0);
    EXPECT_NE(thrown([&] { (void)read_tar(tar); }).find("absolute path"), std::string::npos);
}

TEST(Archive, NonRegularEntriesAreRejected)
{
    for (const char type : {'1', '2', '3', '5', 'x', 'L'}) {
        std::string tar = write_tar(TWO);
        tar[156] = type;
        fix_checksum(tar, 0);
        const auto msg = thrown([&] { (void)read_tar(tar); });
        EXPECT_NE(msg.find("is not a regular file"), std::string::npos) << type << ": " << msg;
        EXPECT_NE(msg.find("top/a.json"), std::string::npos) << msg;
    }
}

TEST(Archive, SizeBeyondTheArchiveIsRejected)
{
    std::string tar = write_tar(TWO);
    std::memcpy(tar.data() + 124, "77777777777", 11);
    fix_checksum(tar, 0);
    EXPECT_NE(thrown([&] { (void)read_tar(tar); }).find("runs past the end"), std::string::npos);
    // cut inside the second file's data
    const std::string cut = write_tar(TWO).substr(0, 512 * 4);
    EXPECT_NE(thrown([&] { (void)read_tar(cut); }).find("runs past the end"), std::string::npos);
    // cut before the end marker
    const std::string noend = write_tar(TWO).substr(0, 512 * 5);
    EXPECT_NE(thrown([&] { (void)read_tar(noend); }).find("no end-of-archive"), std::string::npos);
}

TEST(Archive, BadChecksumDuplicateAndTrailingDataAreRejected)
{
    std::string tar = write_tar(TWO);
    tar[5] ^= 1;  // a name byte, checksum not updated
    EXPECT_NE(thrown([&] { (void)read_tar(tar); }).find("checksum mismatch"), std::string::npos);
    const std::string dup = write_tar({{"top/a", "1"}, {"top/a", "2"}});
    EXPECT_NE(thrown([&] { (void)read_tar(dup); }).find("duplicate"), std::string::npos);
    std::string trailing = write_tar(TWO);
    trailing.back() = 'x';
    EXPECT_NE(thrown([&] { (void)read_tar(trailing); }).find("after the end-of-archive"), std::string::npos);
}

// ---------------------------------------------------------------- load_vectors on an archive

std::string read_bytes(const std::filesystem::path& p)
{
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/// An archive of the index entry of v2.0.1/emission/edges.json and that file,
/// under `top/`, with `extra` entries appended; returns its path.
std::filesystem::path small_archive(const std::string& tag, const std::function<void(std::string&)>& edit_vector,
                                    const std::vector<ArchiveEntry>& extra = {})
{
    const std::filesystem::path src = DTAO_VECTORS_DIR;
    const auto index = nlohmann::json::parse(read_bytes(src / "index.json"));
    nlohmann::json entry;
    for (const auto& f : index["files"])
        if (f["path"] == "v2.0.1/emission/edges.json")
            entry = f;
    std::string vector = read_bytes(src / "v2.0.1/emission/edges.json");
    edit_vector(vector);
    std::vector<ArchiveEntry> entries = {
        {"top/index.json", nlohmann::json({{"files", nlohmann::json::array({entry})}}).dump()},
        {"top/v2.0.1/emission/edges.json", vector}};
    entries.insert(entries.end(), extra.begin(), extra.end());
    const auto path =
        std::filesystem::temp_directory_path() / ("dtao-archive-" + tag + "-" + std::to_string(::getpid()) + ".tar");
    std::ofstream(path, std::ios::binary) << write_tar(entries);
    return path;
}

std::string load_errors(const std::filesystem::path& p)
{
    const auto loaded = dtao::vectors::load_vectors(p);
    std::string s;
    for (const auto& e : loaded.errors)
        s += e + "\n";
    return s;
}

TEST(ArchiveVectors, AnIntactArchiveLoadsLikeTheDirectory)
{
    const auto p = small_archive("intact", [](std::string&) {});
    const auto loaded = dtao::vectors::load_vectors(p);
    EXPECT_TRUE(loaded.errors.empty()) << load_errors(p);
    ASSERT_EQ(loaded.files.size(), 1u);
    EXPECT_EQ(loaded.files[0].path, "v2.0.1/emission/edges.json");
    EXPECT_GT(loaded.case_count(), 0u);
    std::filesystem::remove(p);
}

TEST(ArchiveVectors, AFlippedByteInAVectorIsAVectorError)
{
    const auto p = small_archive("flipped", [](std::string& v) {
        const auto at = v.find("\"emission\":\"") + 12;
        v[at] = v[at] == '1' ? '2' : '1';  // same size: only the hash can tell
    });
    const auto errors = load_errors(p);
    EXPECT_NE(errors.find("sha256 differs from the index"), std::string::npos) << errors;
    EXPECT_NE(errors.find("edges.json"), std::string::npos) << errors;
    std::filesystem::remove(p);
}

TEST(ArchiveVectors, AnEntryTheIndexDoesNotListIsAnError)
{
    const auto p = small_archive("extra", [](std::string&) {}, {{"top/v2.0.1/emission/smuggled.json", "{}"}});
    EXPECT_NE(load_errors(p).find("smuggled.json\" is neither the index"), std::string::npos) << load_errors(p);
    std::filesystem::remove(p);
}

TEST(ArchiveVectors, EntriesOutsideOneTopDirectoryAreAnError)
{
    const auto p = small_archive("twotops", [](std::string&) {}, {{"other/schema/x.schema.json", "{}"}});
    EXPECT_NE(load_errors(p).find("not below the top directory"), std::string::npos) << load_errors(p);
    std::filesystem::remove(p);
}

}  // namespace
