#!/usr/bin/env bash
# ./run demo: the workstation wired to virtual devices and the local nRF Cloud stand-in.
#
# Starts provstation-cloudsim (HTTPS REST stand-in) and DEVICES virtual nRF91 devices
# (provstation-devsim on pseudo-terminals), then the GUI with each device's port open. State lives
# in build/demo (PROVSTATION_DEMO_DIR), so the devices and the cloud account stay the same from one
# demo to the next; delete the folder for a fresh start. Everything stops when the window closes.
# Each device's MCUboot waits 500 ms for DFU after a reset (as CONFIG_BOOT_SERIAL_WAIT_FOR_DFU does),
# so the flashing station can flash the demo bundle onto a device that runs its application.
set -euo pipefail

build_dir="$1"; shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
demo="${PROVSTATION_DEMO_DIR:-$here/build/demo}"
devices="${DEVICES:-2}"
mkdir -p "$demo"

cloudsim="$build_dir/app/cloudsim/provstation-cloudsim"
devsim="$build_dir/firmware/sim/provstation-devsim"
gui="$build_dir/app/provstation"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# The demo account's API key: made once, kept in a file readable only by this user.
key_file="$demo/api-key.txt"
if [ ! -s "$key_file" ]; then
  (umask 077; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "$key_file")
fi

# Waits up to $2 seconds for the file $1 to exist (a start-up handshake, not a test).
wait_for() {
  local file="$1" limit="$2" waited=0
  until [ -e "$file" ]; do
    sleep 0.1; waited=$((waited + 1))
    if [ "$waited" -ge $((limit * 10)) ]; then echo "demo: $file did not appear" >&2; exit 1; fi
  done
}

"$cloudsim" --state "$demo/cloud" --api-key "$(cat "$key_file")" \
  --registry "$demo/registry.jsonl" --http-port 0 > "$demo/cloudsim.out" 2>&1 &
pids+=($!)
wait_for "$demo/cloud/ca.pem" 20
until grep -q "https port:" "$demo/cloudsim.out"; do
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$demo/cloudsim.out" >&2; exit 1; }
  sleep 0.1
done
https_port="$(sed -n 's/.*https port: *\([0-9]*\).*/\1/p' "$demo/cloudsim.out" | head -n1)"
coap_port="$(sed -n 's/.*coaps port: *\([0-9]*\).*/\1/p' "$demo/cloudsim.out" | head -n1)"

# Point the workstation at the stand-in (its port changes every run): cloud URLs, the CA to
# trust and the demo account's key file, kept in the demo's own settings file.
python3 - "$demo/provstation.ini" "$https_port" "$demo" <<'PY'
import configparser, sys
path, port, demo = sys.argv[1], sys.argv[2], sys.argv[3]
ini = configparser.RawConfigParser()
ini.optionxform = str  # QSettings keys are case-sensitive
ini.read(path)
values = {
    "cloud": {"provisioningBaseUrl": f"https://127.0.0.1:{port}/provisioning/v1/",
              "mainBaseUrl": f"https://127.0.0.1:{port}/v1/",
              "extraCaFile": f"{demo}/cloud/ca.pem"},
    "account": {"apiKeyFile": f"{demo}/api-key.txt"},
    "history": {"database": f"{demo}/audit.sqlite"},
}
for section, entries in values.items():
    if not ini.has_section(section):
        ini.add_section(section)
    for key, value in entries.items():
        ini.set(section, key, value)
with open(path, "w") as out:
    ini.write(out, space_around_delimiters=False)
PY

gui_args=()
for i in $(seq 1 "$devices"); do
  link="$demo/device-$i.tty"
  rm -f "$link"
  args=(--state "$demo/device-$i" --link "$link" --registry "$demo/registry.jsonl"
        --ca "$demo/cloud/ca.pem" --boot-on-open --dfu-wait 500)
  if [ -n "$coap_port" ]; then args+=(--cloud "127.0.0.1:$coap_port"); fi
  "$devsim" "${args[@]}" > "$demo/device-$i.out" 2>&1 &
  pids+=($!)
  wait_for "$link" 20
  gui_args+=(--port "$link")
done

cat <<SUMMARY
ProvStation demo
  cloud stand-in   https://127.0.0.1:$https_port (CA: $demo/cloud/ca.pem)${coap_port:+, coaps port $coap_port}
  API key file     $key_file
  virtual devices  $(for i in $(seq 1 "$devices"); do printf '%s ' "$demo/device-$i.tty"; done)
  logs             $demo/*.out

Claim a virtual device from a terminal (disconnect it in the window first: a port has one reader):
  provstation-cli claim --port $demo/device-1.tty --api-key-file $key_file \\
    --cloud-ca $demo/cloud/ca.pem --provisioning-url https://127.0.0.1:$https_port/provisioning/v1/ \\
    --api-url https://127.0.0.1:$https_port/v1/
SUMMARY

"$gui" --settings "$demo/provstation.ini" "${gui_args[@]}" "$@"
