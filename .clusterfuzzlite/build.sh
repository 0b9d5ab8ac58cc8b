#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of the dtao fuzz targets (fuzz/README.md).
# Uses $CXX, $CXXFLAGS (sanitizer and -fsanitize=fuzzer-no-link flags, -stdlib=libc++
# under OSS-Fuzz) and $LIB_FUZZING_ENGINE; writes <target>_fuzz,
# <target>_fuzz_seed_corpus.zip and <target>_fuzz.dict to $OUT. No GTest or
# RapidCheck (DTAO_TESTING=OFF): the fuzz targets link only the header-only
# dependencies and the project's own libraries.
set -euo pipefail   # `bash build.sh` ignores the shebang's flags

SRC_DIR=${DTAO_SRC_DIR:-$SRC/dtao}
BUILD=$WORK/dtao-build

cmake -S "$SRC_DIR" -B "$BUILD" -G Ninja \
  -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_CXX_FLAGS="$CXXFLAGS -Wno-unknown-warning-option" \
  -DDTAO_TESTING=OFF -DDTAO_FUZZING=ON \
  -DDTAO_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"

mapfile -t targets < "$BUILD/fuzz/targets.txt"
[ ${#targets[@]} -gt 0 ] || { echo "build.sh: no fuzz targets" >&2; exit 1; }
bins=()
for t in "${targets[@]}"; do bins+=("${t}_fuzz"); done
cmake --build "$BUILD" -j"$(nproc)" --target "${bins[@]}"

for t in "${targets[@]}"; do
  cp "$BUILD/fuzz/${t}_fuzz" "$OUT/"
  if [ -d "$SRC_DIR/fuzz/corpus/$t" ]; then
    rm -f "$OUT/${t}_fuzz_seed_corpus.zip"
    zip -j -q "$OUT/${t}_fuzz_seed_corpus.zip" "$SRC_DIR/fuzz/corpus/$t"/*
  fi
  if [ -f "$SRC_DIR/fuzz/corpus/$t.dict" ]; then
    cp "$SRC_DIR/fuzz/corpus/$t.dict" "$OUT/${t}_fuzz.dict"
  fi
done
echo "build.sh: built ${targets[*]}" >&2
