#!/usr/bin/env bash
# Makes docs/screenshots/wizard-*.png and history.png with the real window, provstation-devsim
# and provstation-cloudsim, on a virtual X server:
#
#   tests/gui/WizardScreenshots.sh build/dev [docs/screenshots]
#
# Needs xvfb-run and ImageMagick's import. Build the target provstation_wizard_screenshots first.
set -euo pipefail
build_dir="$1"
out="${2:-$(cd "$(dirname "$0")/../.." && pwd)/docs/screenshots}"
mkdir -p "$out"
exec xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \
  "$build_dir/tests/gui/provstation_wizard_screenshots" "$out"
