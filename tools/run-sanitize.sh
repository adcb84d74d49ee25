#!/usr/bin/env bash
# Builds the unit and integration suites with AddressSanitizer and UndefinedBehaviorSanitizer
# (the "sanitize" preset of CMakePresets.json: g++, Debug at -O1 with line tables, every error
# fatal) in build/sanitize and runs them with ctest. Only what those suites need is built (the
# sanitize_suites target of tests/CMakeLists.txt), not the GUI, e2e or benchmark executables.
#
#   tools/run-sanitize.sh [--labels REGEX] [--jobs N] [-- CTEST ARGS...]
#
#   --labels REGEX  ctest labels to run (default: unit|device|bundle|flash|devsim|integration)
#   --jobs N        build and test jobs (default: nproc)
#   -- ARGS         passed to ctest, e.g. -- -R SecretHygiene
#
# A sanitizer report fails the test it happened in (the process exits non-zero; programs a test
# starts, provstation-devsim, provstation-cloudsim and provstation-cli, are built the same way
# and inherit the options). Leaks are reported too; tools/lsan-suppressions.txt lists the
# third-party ones that are ignored, each with its reason. PROVSTATION_SANITIZE_BUILD_DIR
# overrides the build directory. The time of each phase is printed at the end.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${PROVSTATION_SANITIZE_BUILD_DIR:-$here/build/sanitize}"
labels='^(unit|device|bundle|flash|devsim|integration)$'
jobs="$(nproc)"
ctest_args=()

log() { printf '\033[1m[sanitize]\033[0m %s\n' "$*" >&2; }
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --labels) labels="${2:?--labels needs a regular expression}"; shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift 2 ;;
    --) shift; ctest_args=("$@"); break ;;
    -h|--help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
done

# The same options for the build (gtest_discover_tests runs every test executable once to list
# its tests) and for the run. halt_on_error stops at the first report; abort_on_error=0 keeps
# the exit status a plain failure instead of a core dump.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0:check_initialization_order=1:strict_init_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/tools/lsan-suppressions.txt:print_suppressions=0}"
export QT_QPA_PLATFORM=offscreen

started=$(date +%s)
log "configuring $build_dir (preset sanitize)"
cmake --preset sanitize -B "$build_dir" >/dev/null
configured=$(date +%s)

log "building the unit and integration suites ($jobs jobs)"
cmake --build "$build_dir" -j "$jobs" --target sanitize_suites
built=$(date +%s)

log "running ctest -L '$labels'"
status=0
ctest --test-dir "$build_dir" -L "$labels" --output-on-failure -j "$jobs" --timeout 600 \
  "${ctest_args[@]}" || status=$?
finished=$(date +%s)

log "configure $((configured - started)) s, build $((built - configured)) s, tests $((finished - built)) s"
if [ "$status" -ne 0 ]; then
  log "failed: a test failed or a sanitizer reported an error (see above)"
fi
exit "$status"
