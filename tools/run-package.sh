#!/usr/bin/env bash
# ./run package: builds the DEB and TGZ packages into build/<preset>/packages.
set -euo pipefail
build_dir="$1"; shift
cmake --build "$build_dir"
(cd "$build_dir" && cpack -B "$build_dir/packages" "$@")
ls -l "$build_dir"/packages/*.deb "$build_dir"/packages/*.tar.gz
