#!/usr/bin/env bash
# ./run bench [filter] [benchmark options]: builds the benchmarks (tests/bench) and runs every
# bench_* executable on one core; prints one table with every figure each benchmark reports (its
# time and all its counters, with units) and writes the same figures, every counter kept, as
# JSON to bench-results.json, so runs can be compared.
#
# filter: a regular expression. An executable whose name matches runs whole (`./run bench smp`);
# otherwise it is Google Benchmark's --benchmark_filter for each executable, and executables
# with no matching benchmark are skipped (`./run bench Upload`). Options starting with '-' go to
# every executable (e.g. --benchmark_min_time=2), except --all-cores: without it the micro
# benchmarks run pinned to core 0 (per-core throughputs); with it nothing is pinned. The whole-system
# benchmarks (console, claim, station: the application plus the devices, stand-in and X server they
# start) always run unpinned, as the workstation would; --one-core pins them too.
set -euo pipefail
build_dir="$1"; shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
filter=""
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then filter="$1"; shift; fi
pin=(taskset -c 0)
pin_system=0
system_benches=" bench_console bench_claim bench_station "
passed=()
for arg in "$@"; do
  if [ "$arg" = "--all-cores" ]; then pin=()
  elif [ "$arg" = "--one-core" ]; then pin_system=1
  else passed+=("$arg"); fi
done
set -- "${passed[@]+"${passed[@]}"}"
cmake --build "$build_dir"
out="$here/bench-results.json"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
benches=()
while IFS= read -r -d '' exe; do benches+=("$exe"); done \
  < <(find "$build_dir/tests/bench" -maxdepth 1 -type f -executable -name 'bench_*' -print0 | sort -z)
[ ${#benches[@]} -gt 0 ] || { echo "no benchmarks were built" >&2; exit 1; }
failed=()
ran=0
for exe in "${benches[@]}"; do
  name="$(basename "$exe")"
  args=("$@")
  if [ -n "$filter" ] && ! [[ "$name" =~ $filter ]]; then
    listed="$("$exe" --benchmark_list_tests=true --benchmark_filter="$filter" 2>/dev/null || true)"
    [ -n "$listed" ] || continue
    args+=(--benchmark_filter="$filter")
  fi
  echo "== $name" >&2
  ran=$((ran + 1))
  # One core (unless --all-cores): the micro figures are per-core throughputs.
  runner=("${pin[@]+"${pin[@]}"}")
  if [[ "$system_benches" == *" $name "* ]] && [ "$pin_system" -eq 0 ]; then runner=(); fi
  if ! "${runner[@]+"${runner[@]}"}" "$exe" --benchmark_out="$tmp/$name.json" --benchmark_out_format=json \
      "${args[@]+"${args[@]}"}"; then
    failed+=("$name")
  fi
done
[ "$ran" -gt 0 ] || { echo "no benchmark matches '$filter'" >&2; exit 1; }
python3 - "$out" "$tmp" <<'PY'
import glob, json, math, os, re, sys, datetime

out, tmp = sys.argv[1], sys.argv[2]
# Keys of Google Benchmark's JSON that are bookkeeping, not figures.
BOOKKEEPING = {"iterations", "real_time", "cpu_time", "repetitions", "repetition_index",
               "threads", "family_index", "per_family_instance_index"}

def unit_of(key):
    """The unit a counter's name implies (PROVSTATION convention: <what>_per_s, _ms, _MB...)."""
    if key == "items_per_second":
        return "items/s"
    if key == "bytes_per_second":
        return "B/s"
    if key == "efficiency":
        return "%"
    m = re.fullmatch(r"(?:(.*)_)?([A-Za-z]+)_per_([A-Za-z]+)", key)
    if m:
        per = {"s": "s", "second": "s", "hour": "h", "h": "h", "min": "min"}.get(m.group(3),
                                                                            m.group(3))
        return f"{m.group(2)}/{per}"
    for suffix, unit in (("_ms", "ms"), ("_us", "µs"), ("_ns", "ns"), ("_s", "s"),
                         ("_MB", "MB"), ("_KB", "KB"), ("_bytes", "B"), ("_pct", "%")):
        if key.endswith(suffix):
            return unit
    if key in ("seconds", "wall_s"):
        return "s"
    return ""  # a count or a plain number

def readable(value, unit):
    """A figure with about four significant digits; large ones with a k/M/G prefix."""
    if isinstance(value, str):
        return value, unit
    if unit == "%":
        value *= 100
    if float(value).is_integer() and abs(value) < 1e12:
        return f"{int(value):,}".replace(",", " "), unit
    prefix = ""
    # k/M/G only for counts and rates of counted things (bytes/s, lines/s, devices/h), never on
    # units that carry their own scale (MB, ms, %).
    countable = unit == "" or re.fullmatch(r"[a-z]+/[a-z]+", unit) is not None
    if abs(value) >= 1e5 and countable:
        for p, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
            if abs(value) >= scale:
                value, prefix = value / scale, p
                break
    if value == 0 or abs(value) >= 1000:
        text = f"{value:,.0f}".replace(",", " ")
    else:
        digits = max(0, 3 - int(math.floor(math.log10(abs(value)))))
        text = f"{value:.{digits}f}"
    if not prefix:
        return text, unit
    return text, prefix + (" " + unit if unit else "")

def duration(value, unit):
    """A time in the unit that keeps it between 1 and 1000."""
    ns = value * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}.get(unit, 1)
    for name, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return ns / scale, name
    return ns, "ns"

def short(name):
    # "BM_Upload/iterations:1/real_time" -> "BM_Upload": the suffixes say how, not what.
    parts = [p for p in name.split("/")
             if not re.fullmatch(r"(iterations|repeats|min_time|threads):.*|real_time|manual_time",
                                 p)]
    return "/".join(parts)

rows, context = [], None
for f in sorted(glob.glob(os.path.join(tmp, "*.json"))):
    exe = os.path.basename(f)[:-5]
    try:
        data = json.load(open(f))
    except (OSError, ValueError) as error:
        print(f"{exe}: no results ({error})", file=sys.stderr)
        continue
    context = context or data.get("context", {})
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate":
            continue
        row = {"executable": exe, "name": b["name"], "time": b.get("real_time"),
               "time_unit": b.get("time_unit"), "cpu_time": b.get("cpu_time"),
               "iterations": b.get("iterations"), "counters": {}}
        if b.get("error_occurred"):
            row["error"] = b.get("error_message", "failed")
        for key, value in b.items():
            if key not in BOOKKEEPING and isinstance(value, (int, float)) \
                    and not isinstance(value, bool):
                row["counters"][key] = value
        rows.append(row)

result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
          "host": {"cpus": (context or {}).get("num_cpus"),
                   "mhz": (context or {}).get("mhz_per_cpu")},
          "benchmarks": rows}
json.dump(result, open(out, "w"), indent=2)

table = []  # (benchmark, figure, value, unit)
for r in rows:
    label = f"{r['executable']}: {short(r['name'])}"
    figures = []
    if "error" in r:
        figures.append(("error", r["error"], ""))
    else:
        for figure, key in (("real_time_per_iteration", "time"),
                            ("cpu_time_per_iteration", "cpu_time")):
            if r[key] is not None:
                figures.append((figure,) + duration(r[key], r["time_unit"] or "ns"))
        for key in sorted(r["counters"], key=str.lower):
            value = r["counters"][key]
            if key == "bytes_per_second":
                figures.append((key, value / 1e6, "MB/s"))
            else:
                figures.append((key, value, unit_of(key)))
    for i, (figure, value, unit) in enumerate(figures):
        text, unit = readable(value, unit)
        table.append((label if i == 0 else "", figure, text, unit))

headers = ("benchmark", "figure", "value", "unit")
widths = [max([len(headers[c])] + [len(t[c]) for t in table]) for c in range(4)]
def line(cells):
    return (f"{cells[0]:<{widths[0]}}  {cells[1]:<{widths[1]}}  "
            f"{cells[2]:>{widths[2]}}  {cells[3]:<{widths[3]}}").rstrip()
print()
print(line(headers))
print(line(tuple("-" * w for w in widths)))
for i, t in enumerate(table):
    if t[0] and i > 0:
        print()
    print(line(t))
print(f"\nwritten to {out}")
PY
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
