#!/usr/bin/env bash
# Builds the DEB with CPack, unpacks it into a throwaway root and runs the installed files:
# provstation-cli --version, a token decode, and the desktop entry and AppStream metainfo through
# their validators when those are installed. Called by ctest with the build dir and source dir.
set -euo pipefail
build_dir="$1"
source_dir="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$build_dir" && cpack -G DEB -B "$work/packages" > "$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log"; echo "FAIL: cpack could not build the DEB"; exit 1; }
deb="$(ls "$work"/packages/*.deb)"
echo "built $(basename "$deb")"

# The package declares what it needs and holds what it promises.
fields="$(dpkg-deb --field "$deb" Package Version Depends)"
echo "$fields"
grep -q '^Depends:.*libqt6core6' <<<"$fields" || { echo "FAIL: Depends lacks the Qt libraries"; exit 1; }
contents="$(dpkg-deb --contents "$deb")"
for path in ./usr/bin/provstation ./usr/bin/provstation-cli ./usr/bin/provstation-devsim \
            ./usr/bin/provstation-cloudsim ./usr/share/applications/provstation.desktop \
            ./usr/share/metainfo/io.github.provstation.ProvStation.metainfo.xml \
            ./usr/share/icons/hicolor/scalable/apps/provstation.svg \
            ./usr/share/icons/hicolor/48x48/apps/provstation.png \
            ./usr/share/icons/hicolor/256x256/apps/provstation.png \
            ./usr/share/man/man1/provstation-cli.1.gz ./lib/udev/rules.d/71-provstation.rules; do
  grep -q " $path\$" <<<"$contents" || { echo "FAIL: the package lacks $path"; exit 1; }
done

root="$work/root"
dpkg-deb -x "$deb" "$root"
cli="$root/usr/bin/provstation-cli"

version="$("$cli" --version)"
echo "$version"
grep -q "^provstation-cli [0-9]\+\.[0-9]\+\.[0-9]\+ (git " <<<"$version" || {
  echo "FAIL: unexpected --version output"; exit 1; }
for tool in provstation-devsim provstation-cloudsim; do
  "$root/usr/bin/$tool" --help > /dev/null || { echo "FAIL: installed $tool --help"; exit 1; }
done

token="$(cat "$source_dir/tests/data/tokens/valid.txt")"
decoded="$("$cli" token decode "$token")"
grep -q '"deviceUuid": "4a2f6c1e-93b7-4d05-8e21-7c3fa9b04d12"' <<<"$decoded" || {
  echo "$decoded"; echo "FAIL: installed token decode"; exit 1; }
set +e
"$cli" token decode not-a-token > /dev/null 2>&1
status=$?
set -e
[ "$status" -eq 2 ] || { echo "FAIL: a malformed token exited $status, not 2"; exit 1; }

if command -v desktop-file-validate > /dev/null; then
  desktop-file-validate "$root/usr/share/applications/provstation.desktop"
  echo "desktop entry valid"
else
  echo "desktop-file-validate not installed: desktop entry not validated"
fi
if command -v appstreamcli > /dev/null; then
  appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.provstation.ProvStation.metainfo.xml"
  echo "metainfo valid"
else
  echo "appstreamcli not installed: metainfo not validated"
fi
if command -v udevadm > /dev/null && udevadm verify --help > /dev/null 2>&1; then
  udevadm verify "$root/lib/udev/rules.d/71-provstation.rules"
fi
echo "PASS: the DEB installs and its programs run"
