#!/usr/bin/env bash
# Builds ProvStation's libFuzzer targets (tests/fuzz) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in build/fuzz, and runs each one for a while on a copy of its seed
# corpus (tests/data/fuzz-corpus/<name>), so the repository is never written.
#
#   tools/run-fuzz.sh [--time S] [--target NAME] [--jobs N] [--keep]
#
#   --time S       seconds per target (default 60); --time 10 is the CI-sized run
#   --target NAME  run one target only (e.g. cbor or fuzz_cbor); may be repeated
#   --jobs N       build jobs (default: nproc)
#   --keep         keep the temporary corpus and crash directory and print where it is
#
# Crashes are written to the temporary directory and reported at the end; the exit status is 1
# when any target crashed. PROVSTATION_FUZZ_BUILD_DIR overrides the build directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${PROVSTATION_FUZZ_BUILD_DIR:-$here/build/fuzz}"
corpus_root="$here/tests/data/fuzz-corpus"
seconds=60
jobs="$(nproc)"
keep=0
targets=()

log() { printf '\033[1m[fuzz]\033[0m %s\n' "$*" >&2; }
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds="${2:?--time needs seconds}"; shift 2 ;;
    --target) t="${2:?--target needs a name}"; targets+=("fuzz_${t#fuzz_}"); shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
done
case "$seconds" in ''|*[!0-9]*) log "--time takes whole seconds"; exit 2 ;; esac

command -v clang >/dev/null && command -v clang++ >/dev/null ||
  { log "clang and clang++ are needed (Debian: apt-get install clang)"; exit 1; }

# Sanitizer instrumentation for everything in the build dir; the fuzz executables add
# -fsanitize=fuzzer at link time (tests/fuzz/CMakeLists.txt). -O1 keeps asserts (Debug) but runs
# fast enough to fuzz.
sanitize="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# clang 14 cannot emit -fsanitize=function's prologue data for split coroutines ("Cannot represent
# a difference across sections" in app/cloud), so that one check is left out.
cxx_extra="-fno-sanitize=function -Wno-unknown-warning-option"
# libstdc++ 12 hides <expected> from clang < 16; tests/fuzz/compat provides it for this build.
if ! printf '#include <expected>\nstd::expected<int, int> e;\n' |
    clang++ -std=c++2b -x c++ -fsyntax-only - 2>/dev/null; then
  cxx_extra="$cxx_extra -isystem $here/tests/fuzz/compat"
fi

# Configured every time (quick once the cache exists) so that changed flags take effect.
log "configuring $build_dir (clang, libFuzzer, ASan, UBSan)"
CC=clang CXX=clang++ cmake -S "$here" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DCMAKE_C_FLAGS="$sanitize" -DCMAKE_CXX_FLAGS="$sanitize $cxx_extra" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DPROVSTATION_FUZZ=ON -DPROVSTATION_WERROR=OFF >/dev/null

if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(grep -o 'provstation_fuzzer(fuzz_[a-z0-9_]*' \
                           "$here/tests/fuzz/CMakeLists.txt" | sed 's/.*(//' | sort -u)
fi
# Targets whose library is not part of this checkout are skipped, not failed.
available=()
for t in "${targets[@]}"; do
  if ninja -C "$build_dir" -t query "$t" >/dev/null 2>&1; then
    available+=("$t")
  else
    log "no target $t in this build: skipped"
  fi
done
[ ${#available[@]} -gt 0 ] || { log "nothing to run"; exit 2; }

log "building ${available[*]}"
cmake --build "$build_dir" -j "$jobs" --target "${available[@]}"

work="$(mktemp -d "${TMPDIR:-/tmp}/provstation-fuzz.XXXXXX")"
if [ "$keep" -eq 0 ]; then
  trap 'rm -rf "$work"' EXIT
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export QT_QPA_PLATFORM=offscreen

failed=()
start=$(date +%s)
printf '%-26s %10s %8s %8s %s\n' target execs exec/s cov result > "$work/summary"
for t in "${available[@]}"; do
  name="${t#fuzz_}"
  corpus="$work/corpus/$name"
  crashes="$work/crashes/$name"
  mkdir -p "$corpus" "$crashes"
  if [ -d "$corpus_root/$name" ]; then
    cp -r "$corpus_root/$name/." "$corpus/"
  fi
  dict=()
  if [ -f "$here/tests/fuzz/$name.dict" ]; then
    dict=(-dict="$here/tests/fuzz/$name.dict")
  fi
  max_len=8192
  case "$name" in timeline_rules) max_len=65536 ;; esac
  log "running $t for ${seconds}s"
  status=0
  "$build_dir/tests/fuzz/$t" "$corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$crashes/" \
    >"$work/$name.log" 2>&1 || status=$?
  # A target that dies on its first input prints no "cov:" line: no match is not an error here.
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$name.log" | tail -1)"
  cov="$( (grep -o 'cov: [0-9]*' "$work/$name.log" || true) | tail -1 | cut -d' ' -f2)"
  result=ok
  if [ "$status" -ne 0 ]; then
    result="CRASH (exit $status)"
    failed+=("$t")
    tail -n 40 "$work/$name.log" >&2
    ls "$crashes" >&2
  fi
  printf '%-26s %10s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$result" >> "$work/summary"
done
cat "$work/summary"
log "total $(( $(date +%s) - start ))s of fuzzing"
if [ "$keep" -eq 1 ] || [ ${#failed[@]} -gt 0 ]; then
  trap - EXIT
  log "corpora, logs and crashes kept in $work"
fi
if [ ${#failed[@]} -gt 0 ]; then
  log "crashed: ${failed[*]}"
  exit 1
fi
