#!/usr/bin/env bash
# `cmake --install` of this build into a temporary prefix, then a project outside the
# tree (tests/package/consumer) configured with only that prefix, built and run: the
# installed dtaoConfig.cmake, its targets, headers and library are what an implementer
# gets, and they are complete (a header or dependency left out fails the build here).
#
#   install_test.sh CMAKE BUILD_DIR SOURCE_DIR CXX_COMPILER [SANITIZERS]
set -u
CMAKE=$1
BUILD=$2
SRC=$3
CXX=$4
# A sanitized build installs a sanitized library, which links only with the runtime.
SANITIZE=${5:-}
LINK_FLAGS=()
[ -n "$SANITIZE" ] && LINK_FLAGS=(-DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$SANITIZE")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

"$CMAKE" --install "$BUILD" --prefix "$TMP/prefix" > "$TMP/install.log" 2>&1 ||
    { cat "$TMP/install.log" >&2; fail "cmake --install"; }
for f in include/dtao/emission.hpp include/dtao/numeric/arith.hpp; do
    [ -f "$TMP/prefix/$f" ] || fail "not installed: $f"
done
config=$(find "$TMP/prefix" -name dtaoConfig.cmake | head -1)
[ -n "$config" ] || fail "no dtaoConfig.cmake installed"
[ -n "$(find "$TMP/prefix" -name dtaoConfigVersion.cmake)" ] || fail "no dtaoConfigVersion.cmake installed"
[ -n "$(find "$TMP/prefix" -name 'libdtao-reference.a')" ] || fail "no libdtao-reference.a installed"

# Nothing from this tree: only the prefix (and the system's Boost) is found.
"$CMAKE" -S "$SRC/tests/package/consumer" -B "$TMP/consumer" -DCMAKE_PREFIX_PATH="$TMP/prefix" \
    -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=Release "${LINK_FLAGS[@]}" > "$TMP/configure.log" 2>&1 ||
    { cat "$TMP/configure.log" >&2; fail "the consumer does not configure against the installed package"; }
"$CMAKE" --build "$TMP/consumer" > "$TMP/build.log" 2>&1 ||
    { cat "$TMP/build.log" >&2; fail "the consumer does not build against the installed package"; }
"$TMP/consumer/consumer" || fail "the consumer's check failed"
echo "ok: find_package(dtao) from $TMP/prefix, dtao::reference linked and run"
