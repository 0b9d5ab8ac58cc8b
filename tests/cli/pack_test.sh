#!/usr/bin/env bash
# `dtao vectors pack` and `dtao conform --vectors ARCHIVE` (issue 16, item 5): the
# release archive is byte-identical when packed twice, the reference conforms when run
# from it, and an archive altered after packing (a flipped byte in a vector, an entry
# that climbs out with `..`) is a vector error naming the entry, not a run.
#
#   pack_test.sh DTAO SOURCE_DIR CHECK
set -u
DTAO=$1
SRC=$2
CHECK=$3
VECTORS=$SRC/vectors
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() {
    echo "FAIL: $*" >&2
    [ -s "$TMP/err" ] && sed 's/^/  stderr: /' "$TMP/err" >&2
    exit 1
}

# Pack the committed vectors into $TMP/$1; prints the archive's path.
pack_into() {
    "$DTAO" vectors pack --vectors "$VECTORS" --out "$TMP/$1" > "$TMP/pack.out" 2> "$TMP/err" ||
        fail "dtao vectors pack exited $?"
    local archive
    archive=$(head -1 "$TMP/pack.out")
    [ -f "$archive" ] || fail "pack printed \"$archive\", which is not a file"
    echo "$archive"
}

# conform @reference from "$1" must fail with exit 2 and a message matching "$2".
expect_vector_error() {
    "$DTAO" conform --impl @reference --vectors "$1" --filter family=emission > "$TMP/out" 2> "$TMP/err"
    local rc=$?
    [ "$rc" -eq 2 ] || fail "exit $rc (expected 2, a vector error) from an altered archive"
    grep -q -- "$2" "$TMP/err" || fail "no message matching \"$2\""
    echo "ok: exit $rc: $(grep -m1 -- "$2" "$TMP/err")"
}

case $CHECK in
deterministic_and_conforms)
    a=$(pack_into one)
    b=$(pack_into two)
    [ "$(basename "$a")" = "$(basename "$b")" ] || fail "two packs are named differently: $a, $b"
    cmp "$a" "$b" || fail "two packs of the same vectors differ"
    # the name carries the vector format version (index.json's schema_version)
    version=$(grep -o '"schema_version": *[0-9]*' "$VECTORS/index.json" | tail -1 | grep -o '[0-9]*$')
    case $(basename "$a") in
    dtao-vectors-v"$version"-????????????.tar) ;;
    *) fail "unexpected archive name $(basename "$a") (schema_version $version)" ;;
    esac
    grep -q "^sha256 $(sha256sum "$a" | cut -d' ' -f1)\$" "$TMP/pack.out" || fail "pack did not print the archive's SHA-256"
    # the archive is a plain ustar that tar(1) lists: index first, no owner, mtime 0
    if command -v tar > /dev/null; then
        TZ=UTC tar -tvf "$a" > "$TMP/list" || fail "tar cannot list the archive"
        head -1 "$TMP/list" | grep -q "/index.json$" || fail "index.json is not the first entry: $(head -1 "$TMP/list")"
        grep -qv " 1970-01-01 " "$TMP/list" && fail "an entry with an mtime other than 0"
    fi
    "$DTAO" conform --impl @reference --vectors "$a" --filter family=emission --filter ruleset=v2.0.1,main-14bc6f9 \
        > "$TMP/out" 2> "$TMP/err" || fail "conform @reference from the archive exited $?"
    grep -q "passed, 0 failed" "$TMP/out" || { cat "$TMP/out" >&2; fail "conform from the archive did not pass"; }
    echo "ok: $(basename "$a") packed twice byte-identically; $(grep -m1 "passed" "$TMP/out")"
    ;;
flipped_byte)
    a=$(pack_into one)
    # one digit of an expected emission inside a vector file (not index.json): same size,
    # so only the index's SHA-256 can tell
    python3 - "$a" << 'PY' || fail "cannot alter the archive"
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
at = b.index(b'"emission":"') + len(b'"emission":"')
b[at] = ord("2") if b[at] == ord("1") else ord("1")
open(p, "wb").write(bytes(b))
PY
    expect_vector_error "$a" "sha256 differs from the index (the archive was altered"
    ;;
dotdot_entry)
    # an archive whose entry climbs out of its directory: made with Python's tarfile, as
    # an attacker would, since dtao never writes one
    python3 - "$TMP/evil.tar" << 'PY' || fail "cannot write the hostile archive"
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.USTAR_FORMAT) as t:
    for name, data in [("dtao-vectors-v1-x/index.json", b'{"files":[]}'), ("dtao-vectors-v1-x/../evil.json", b"{}")]:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
PY
    expect_vector_error "$TMP/evil.tar" 'dtao-vectors-v1-x/../evil.json.*`..`'
    [ ! -e "$TMP/evil.json" ] || fail "the entry was written outside"
    ;;
refuses_altered_vectors)
    # a release never carries a file its index does not vouch for
    cp -r "$VECTORS" "$TMP/v"
    printf ' ' >> "$TMP/v/v2.0.1/emission/edges.json"
    "$DTAO" vectors pack --vectors "$TMP/v" --out "$TMP/out-dir" > "$TMP/out" 2> "$TMP/err"
    rc=$?
    [ "$rc" -ne 0 ] || fail "exit 0 packing a vector that differs from its index"
    grep -q "edges.json" "$TMP/err" || fail "no message naming the altered file"
    [ -z "$(ls -A "$TMP/out-dir" 2> /dev/null)" ] || fail "something was written: $(ls "$TMP/out-dir")"
    echo "ok: exit $rc: $(head -1 "$TMP/err")"
    ;;
*)
    fail "unknown check $CHECK"
    ;;
esac
