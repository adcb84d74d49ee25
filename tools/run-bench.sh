#!/usr/bin/env bash
# ./run bench: builds the benchmarks (tests/bench) and runs them on one core; prints one table and
# writes the same figures as JSON to bench-results.json, so runs can be compared.
set -euo pipefail
build_dir="$1"; shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmake --build "$build_dir"
out="$here/bench-results.json"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
benches=()
while IFS= read -r -d '' exe; do benches+=("$exe"); done \
  < <(find "$build_dir/tests/bench" -maxdepth 1 -type f -executable -name '*bench*' -print0 | sort -z)
[ ${#benches[@]} -gt 0 ] || { echo "no benchmarks were built" >&2; exit 1; }
for exe in "${benches[@]}"; do
  name="$(basename "$exe")"
  echo "== $name" >&2
  # One core: the figures are per-core throughputs.
  taskset -c 0 "$exe" --benchmark_out="$tmp/$name.json" --benchmark_out_format=json "$@"
done
python3 - "$out" "$tmp"/*.json <<'PY'
import json, sys, datetime
out, files = sys.argv[1], sys.argv[2:]
rows, context = [], None
for f in files:
    data = json.load(open(f))
    context = context or data.get("context", {})
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate":
            continue
        row = {"name": b["name"], "time_ns": b.get("real_time"), "time_unit": b.get("time_unit")}
        for key in ("items_per_second", "bytes_per_second"):
            if key in b:
                row[key] = b[key]
        for key, value in b.items():
            if key not in row and isinstance(value, (int, float)) and key not in (
                    "iterations", "real_time", "cpu_time", "repetitions", "repetition_index",
                    "threads", "family_index", "per_family_instance_index"):
                row[key] = value
        rows.append(row)
result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
          "host": {"cpus": context.get("num_cpus"), "mhz": context.get("mhz_per_cpu")},
          "benchmarks": rows}
json.dump(result, open(out, "w"), indent=2)
print(f"\n{'benchmark':60} {'lines/s':>14} {'MB/s':>10}")
for r in rows:
    ips = r.get("items_per_second")
    bps = r.get("bytes_per_second")
    print(f"{r['name'][:60]:60} {ips/1e6 if ips else 0:>11.2f} M {bps/1e6 if bps else 0:>10.1f}")
print(f"\nwritten to {out}")
PY
