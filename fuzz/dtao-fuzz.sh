#!/usr/bin/env bash
# fuzz/dtao-fuzz.sh — build and run the libFuzzer targets (ASan + UBSan, clang).
# Called as `./dtao.sh fuzz ...`; installs clang and libclang-rt-14-dev when missing.
#
#   ./dtao.sh fuzz                               list the targets
#   ./dtao.sh fuzz build                         configure (preset `fuzz`) and build every target
#   ./dtao.sh fuzz <target> [seconds] [args...]  fuzz one target (default 60 s; 0 = until stopped);
#                                                corpus build-fuzz/corpus/<target>/ (seeded from
#                                                fuzz/corpus/<target>/), crash files in
#                                                build-fuzz/artifacts/<target>/; extra args go to libFuzzer
#   ./dtao.sh fuzz <target> repro <file>...      run inputs once with PRINT=1 (exit ≠ 0 on a failure)
#   ./dtao.sh fuzz <target> minimize <file> [runs]  -minimize_crash=1; writes <file>.min
#   ./dtao.sh fuzz <target> merge [dirs...]      minimise fuzz/corpus/<target>/ with what the work
#                                                corpus (or dirs) found (-merge=1), in place
#   ./dtao.sh fuzz ci [seconds]                  every target for `seconds` each (default 25), two
#                                                at a time; fails on any crash, leak or sanitizer
#                                                report and prints the crash file paths
#   ./dtao.sh fuzz mutant [seconds]              the swap target against a swap that rounds up:
#                                                succeeds when the bug is found (default limit 60 s)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${DTAO_FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${DTAO_JOBS:-$(nproc)}
PACKAGES=(cmake ninja-build g++ clang libclang-rt-14-dev libboost-dev libgmp-dev nlohmann-json3-dev libcli11-dev libssl-dev)

log() { printf 'dtao-fuzz: %s\n' "$*" >&2; }
usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }

# shellcheck source=tools/sh/packages.sh
. tools/sh/packages.sh

configure() {
    ensure_packages "${PACKAGES[@]}"
    cmake --preset fuzz -B "$BUILD_DIR" >/dev/null
}

targets() { cat "$BUILD_DIR/fuzz/targets.txt"; }

# Build only the fuzz binaries (and what they link), not the whole project.
build() {
    configure
    local t bins=()
    for t in $(targets); do bins+=("${t}_fuzz"); done
    cmake --build "$BUILD_DIR" -j "$JOBS" --target "${bins[@]}" "$@"
}

binary() {
    local t=$1
    [ -f "$BUILD_DIR/fuzz/targets.txt" ] || configure
    # a target added since the build directory was configured: configure once more
    grep -qx "$t" "$BUILD_DIR/fuzz/targets.txt" || configure
    grep -qx "$t" "$BUILD_DIR/fuzz/targets.txt" || { log "unknown target '$t' (targets: $(targets | tr '\n' ' '))"; exit 2; }
    cmake --build "$BUILD_DIR" -j "$JOBS" --target "${t}_fuzz" >&2
    echo "$BUILD_DIR/fuzz/${t}_fuzz"
}

dict_args() { [ -f "fuzz/corpus/$1.dict" ] && echo "-dict=fuzz/corpus/$1.dict" || true; }

fuzz_one() {  # target seconds [libFuzzer args]
    local t=$1 secs=${2:-60}; shift; [ $# -gt 0 ] && shift
    local bin; bin=$(binary "$t")
    local work="$BUILD_DIR/corpus/$t" art="$BUILD_DIR/artifacts/$t/"
    mkdir -p "$work" "$art"
    cp -n "fuzz/corpus/$t"/* "$work"/ 2>/dev/null || true
    local time_args=(); [ "$secs" != 0 ] && time_args=(-max_total_time="$secs")
    log "fuzzing $t (${secs}s); corpus $work, crash files in $art"
    "$bin" "${time_args[@]}" -print_final_stats=1 -timeout=25 $(dict_args "$t") -artifact_prefix="$art" "$@" "$work"
}

ci() {  # seconds per target; two targets at a time
    local secs=${1:-25}
    # Build output goes to stderr so that a compile error shows in the CI log.
    build >&2
    local out="$BUILD_DIR/ci"; rm -rf "$out"; mkdir -p "$out"
    local ts; ts=($(targets))
    local failed=0 i pids=() names=()
    run_target() {
        local t=$1
        local work="$out/$t/corpus" art="$out/$t/artifacts/"
        mkdir -p "$work" "$art"
        cp "fuzz/corpus/$t"/* "$work"/ 2>/dev/null || true
        "$BUILD_DIR/fuzz/${t}_fuzz" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
            $(dict_args "$t") -artifact_prefix="$art" "$work" >"$out/$t.log" 2>&1
    }
    for ((i = 0; i < ${#ts[@]}; i++)); do
        run_target "${ts[$i]}" & pids+=($!); names+=("${ts[$i]}")
        if [ ${#pids[@]} -eq 2 ] || [ $i -eq $((${#ts[@]} - 1)) ]; then
            for j in "${!pids[@]}"; do
                local t=${names[$j]} rc=0
                wait "${pids[$j]}" || rc=$?
                local execs; execs=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$out/$t.log" | grep -o '[0-9]*$' || true)
                if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|FUZZ ASSERTION' "$out/$t.log"; then
                    failed=1
                    log "FAIL $t (exit $rc); log $out/$t.log"
                    grep -E 'FUZZ ASSERTION|SUMMARY|runtime error|ERROR:' "$out/$t.log" | head -5 >&2 || true
                    local f; for f in "$out/$t/artifacts/"*; do [ -e "$f" ] && log "crash file: $f (reproduce: ./dtao.sh fuzz $t repro $f)"; done
                    grep -o 'Test unit written to .*' "$out/$t.log" >&2 || true
                else
                    log "ok   $t (${secs}s, ${execs:-?} execs/s)"
                fi
            done
            pids=(); names=()
        fi
    done
    return $failed
}

mutant() {
    local limit=${1:-60}
    configure
    cmake --build "$BUILD_DIR" -j "$JOBS" --target swap_mutant_fuzz >&2
    local art="$BUILD_DIR/mutant/"; rm -rf "$art"; mkdir -p "$art"
    local start=$SECONDS rc=0
    # From an empty corpus, so the finding is the fuzzer's, not a seed's.
    "$BUILD_DIR/fuzz/swap_mutant_fuzz" -max_total_time="$limit" -seed=1 -artifact_prefix="$art" >"$art/log" 2>&1 || rc=$?
    local took=$((SECONDS - start))
    if [ $rc -ne 0 ] && ls "$art"crash-* >/dev/null 2>&1; then
        grep -m1 'FUZZ ASSERTION' "$art/log" >&2 || true
        log "mutant (swap output rounded up) found by swap_fuzz in ${took}s: $(ls "$art"crash-*)"
    else
        log "mutant NOT found within ${limit}s (see $art/log)"; return 1
    fi
}

cmd=${1:-list}
[ $# -gt 0 ] && shift
case "$cmd" in
    list) [ -f "$BUILD_DIR/fuzz/targets.txt" ] || configure; targets ;;
    build) build "$@" ;;
    ci) ci "$@" ;;
    mutant) mutant "$@" ;;
    help|-h|--help) usage ;;
    *)
        t=$cmd
        case "${1:-}" in
            repro)
                shift; bin=$(binary "$t")
                PRINT=1 "$bin" -runs=1 "$@" ;;
            minimize)
                shift; bin=$(binary "$t"); f=$1; runs=${2:-10000}
                "$bin" -minimize_crash=1 -runs="$runs" -exact_artifact_path="$f.min" "$f"
                log "minimised input: $f.min" ;;
            merge)
                shift; bin=$(binary "$t"); tmp=$(mktemp -d)
                extra=("$BUILD_DIR/corpus/$t"); [ $# -gt 0 ] && extra=("$@")
                "$bin" -merge=1 $(dict_args "$t") "$tmp" "fuzz/corpus/$t" "${extra[@]}" 2>&1 | grep -E 'MERGE-OUTER' >&2 || true
                # Nothing is deleted unless the merge produced a corpus.
                if [ -z "$(ls -A "$tmp")" ]; then
                    rm -rf "$tmp"; log "merge produced nothing; fuzz/corpus/$t left as it was"; exit 1
                fi
                # Keep the named inputs (seed-*, regress-*); replace the rest by the merged
                # set, minus copies of the named ones.
                find "fuzz/corpus/$t" -type f ! -name 'seed-*' ! -name 'regress-*' -delete
                shopt -s nullglob
                declare -A named=()
                for f in "fuzz/corpus/$t"/*; do named[$(sha1sum <"$f" | cut -c1-40)]=1; done
                for f in "$tmp"/*; do
                    h=$(sha1sum <"$f" | cut -c1-40)
                    [ -n "${named[$h]:-}" ] || cp "$f" "fuzz/corpus/$t/$h"
                done
                rm -rf "$tmp"; log "fuzz/corpus/$t: $(ls "fuzz/corpus/$t" | wc -l) files" ;;
            *) fuzz_one "$t" "$@" ;;
        esac
        ;;
esac
