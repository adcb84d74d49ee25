#!/usr/bin/env bash
# Makes docs/screenshots/station-*.png with the real station window, four provstation-devsim
# virtual devices and provstation-cloudsim, on a virtual X server:
#
#   tests/gui/StationScreenshots.sh build/dev [docs/screenshots]
#
# Needs xvfb-run. Build the target provstation_station_screenshots first.
set -euo pipefail
build_dir="$1"
out="${2:-$(cd "$(dirname "$0")/../.." && pwd)/docs/screenshots}"
mkdir -p "$out"
exec xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \
  "$build_dir/tests/gui/provstation_station_screenshots" "$out"
