#!/usr/bin/env bash
# Builds the DEB with CPack, unpacks it into a throwaway root and runs the installed files:
# --version of every program, a token decode, a claim of a virtual device against the cloud
# stand-in (installed provstation-devsim + provstation-cloudsim + provstation-cli, loopback only),
# and the desktop entry and AppStream metainfo through their validators when those are installed.
# Called by ctest with the build dir and source dir.
set -euo pipefail
build_dir="$1"
source_dir="$2"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

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

# Every program prints the same version and git revision (one place: the CMake project).
expected=""
for tool in provstation provstation-cli provstation-devsim provstation-cloudsim provstation-bundle; do
  line="$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/$tool" --version)"
  echo "$line"
  grep -q "^$tool [0-9]\+\.[0-9]\+\.[0-9]\+ (git " <<<"$line" || {
    echo "FAIL: unexpected $tool --version output"; exit 1; }
  rest="${line#"$tool "}"
  [ -z "$expected" ] || [ "$rest" = "$expected" ] || {
    echo "FAIL: $tool says $rest, provstation says $expected"; exit 1; }
  expected="$rest"
done
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

# A claim from the installed files alone: the stand-in, one virtual device, the CLI.
# wait_until FILE PATTERN SECONDS: the file gains a line matching PATTERN (polled, bounded).
wait_until() {
  local file="$1" pattern="$2" limit=$(( $3 * 20 )) i=0
  until grep -q "$pattern" "$file" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -ge "$limit" ]; then
      echo "FAIL: '$pattern' did not appear in $file"; cat "$file" 2>/dev/null; exit 1
    fi
    sleep 0.05
  done
}
demo="$work/demo"
mkdir -p "$demo"
key="install-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
(umask 077; printf '%s' "$key" > "$demo/api-key.txt")
"$root/usr/bin/provstation-cloudsim" --state "$demo/cloud" --api-key "$key" \
  --registry "$demo/registry.jsonl" > "$demo/cloudsim.out" 2>&1 &
pids+=($!)
wait_until "$demo/cloudsim.out" "coaps port:" 20
https_port="$(sed -n 's/.*https port: *\([0-9]*\).*/\1/p' "$demo/cloudsim.out" | head -n1)"
coap_port="$(sed -n 's/.*coaps port: *\([0-9]*\).*/\1/p' "$demo/cloudsim.out" | head -n1)"
"$root/usr/bin/provstation-devsim" --state "$demo/device" --link "$demo/device.tty" \
  --registry "$demo/registry.jsonl" --ca "$demo/cloud/ca.pem" --cloud "127.0.0.1:$coap_port" \
  --boot-on-open --speed 4 > "$demo/devsim.out" 2>&1 &
pids+=($!)
wait_until "$demo/devsim.out" "^LINK " 20
set +e
"$cli" claim --port "$demo/device.tty" --api-key-file "$demo/api-key.txt" \
  --cloud-ca "$demo/cloud/ca.pem" --provisioning-url "https://127.0.0.1:$https_port/provisioning/v1/" \
  --api-url "https://127.0.0.1:$https_port/v1/" --audit-db "$demo/audit.sqlite" --json \
  > "$demo/claim.json" 2> "$demo/claim.err"
status=$?
set -e
if [ "$status" -ne 0 ] || ! grep -q '"verdict": *"succeeded"' "$demo/claim.json"; then
  cat "$demo/claim.json" "$demo/claim.err" "$demo/devsim.out"
  echo "FAIL: the installed claim exited $status"; exit 1
fi
if grep -q -- "$key" "$demo/claim.json" "$demo/claim.err"; then
  echo "FAIL: the claim printed the API key"; exit 1
fi
"$cli" audit verify --audit-db "$demo/audit.sqlite" > "$demo/verify.out" || {
  cat "$demo/verify.out"; echo "FAIL: audit verify of the installed claim"; exit 1; }
echo "installed claim passed: $(grep -o '"deviceId": *"[^"]*"' "$demo/claim.json" | head -n1)"

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
