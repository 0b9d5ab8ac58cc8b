#!/usr/bin/env bash
# dtao.sh — one entry point that does its own set-up on a fresh Debian 12 machine:
# installs missing Debian packages, configures, builds, then runs the command.
#
#   ./dtao.sh demo      build, then evaluate example requests through `dtao eval`
#   ./dtao.sh test      build, then run the whole test suite (CTest)
#   ./dtao.sh build     configure and build only
#   ./dtao.sh bench     build the Google Benchmark suite (Release) and run it
#   ./dtao.sh eval      build, then `dtao eval` on stdin (JSON Lines)
#   ./dtao.sh fuzz      libFuzzer targets: list, build, run, repro, minimize, ci (fuzz/README.md)
#   ./dtao.sh sanitize  build the unit tests with ASan + UBSan (build-asan/) and run them
#   ./dtao.sh format    check the C++ sources against .clang-format (--fix rewrites them)
#   ./dtao.sh help      this text
# DTAO_WERROR=ON makes every warning an error (CI sets it).
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${DTAO_BUILD_DIR:-build}
JOBS=${DTAO_JOBS:-$(nproc)}
PACKAGES=(cmake ninja-build g++ libboost-dev libgmp-dev nlohmann-json3-dev libssl-dev librapidcheck-dev libgtest-dev libgmock-dev libcli11-dev python3 python3-jsonschema python3-yaml chromium)

log() { printf 'dtao.sh: %s\n' "$*" >&2; }

# shellcheck source=tools/sh/packages.sh
. tools/sh/packages.sh

build() {
    ensure_packages "${PACKAGES[@]}"
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDTAO_WERROR="${DTAO_WERROR:-OFF}" "$@" >/dev/null
    cmake --build "$BUILD_DIR" -j "$JOBS"
}

cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
    build) build ;;
    demo)
        build
        "$BUILD_DIR/dtao" demo
        py=examples/adapters/python
        run() { printf '\n$ %s\n' "$*"; "$@" || true; }
        run "$BUILD_DIR/dtao" conform --impl "$BUILD_DIR/dtao eval" --vectors vectors --max-listed 3
        run "$BUILD_DIR/dtao" conform --impl "python3 $py/dtao_adapter.py" --vectors vectors --profile $py/profiles/exact.json
        run "$BUILD_DIR/dtao" conform --impl "python3 $py/dtao_adapter.py --float" --vectors vectors --profile $py/profiles/float64.json
        run "$BUILD_DIR/dtao" conform --impl "python3 $py/dtao_adapter.py --wrong" --vectors vectors --profile $py/profiles/float64.json --max-listed 2
        run "$BUILD_DIR/dtao" conform --impl "python3 $py/dtao_adapter.py --wrong" --profile $py/profiles/float64.json --random 20 --seed 3 --shrink-limit 2
        ;;
    eval) build >&2; exec "$BUILD_DIR/dtao" eval "$@" ;;
    test)
        start=$(date +%s)
        build
        ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j "$JOBS" "$@"
        log "test finished in $(( $(date +%s) - start )) s"
        ;;
    bench)
        ensure_packages "${PACKAGES[@]}" libbenchmark-dev
        cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DDTAO_BENCHMARKS=ON -DDTAO_TESTING=OFF >/dev/null
        cmake --build build-bench -j "$JOBS" --target dtao-bench
        ./build-bench/bench/dtao-bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true "$@"
        ;;
    fuzz) exec ./fuzz/dtao-fuzz.sh "$@" ;;
    sanitize)
        # The unit tests only: the rules library is where undefined behaviour
        # would change an answer, and the whole suite under ASan would not fit
        # the CI budget on 2 cores.
        start=$(date +%s)
        ensure_packages "${PACKAGES[@]}"
        cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDTAO_SANITIZE=address,undefined \
            -DDTAO_WERROR="${DTAO_WERROR:-OFF}" >/dev/null
        cmake --build build-asan -j "$JOBS" --target dtao-unittests
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            ctest --test-dir build-asan --output-on-failure --no-tests=error -j "$JOBS" -R '^unit/' "$@"
        log "sanitize finished in $(( $(date +%s) - start )) s"
        ;;
    format)
        ensure_packages clang-format
        mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
        if [ "${1:-}" = --fix ]; then
            clang-format -i "${files[@]}"
        else
            clang-format --dry-run --Werror "${files[@]}"
            log "format: ${#files[@]} files match .clang-format"
        fi
        ;;
    help|-h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) log "unknown command '$cmd'"; sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
