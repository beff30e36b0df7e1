#!/bin/sh
# Footprint of `thermogate run` with six simulated entrances at 10 Hz: resident memory and CPU
# share of one core, sampled from /proc while it runs. Usage: footprint.sh BINARY [SECONDS]
# (`make footprint` builds the release binary and runs it for 60 s). Prints one line per 10 s and
# a summary; the target for a gate box is under 30 MB RSS and under 2 % of one core.
set -eu
binary=${1:?usage: footprint.sh BINARY [SECONDS]}
seconds=${2:-60}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/gate.yaml" <<YAML
site: footprint
state_directory: $work/state
sample_rate_hz: 10
screening: {warm_up_s: 1}
entrances:
  - {name: e1, thermometer: "sim:mcp2221?seed=1", badge: sim, gate: "sim:relay?channel=1"}
  - {name: e2, thermometer: "sim:mcp2221?seed=2", badge: sim, gate: "sim:relay?channel=2"}
  - {name: e3, thermometer: "sim:mcp2221?seed=3", badge: sim, gate: "sim:relay?channel=3"}
  - {name: e4, thermometer: "sim:cp2112?seed=4", badge: sim, gate: "sim:relay?channel=4"}
  - {name: e5, thermometer: "sim:optris?seed=5", badge: sim, gate: "sim:relay?channel=5"}
  - {name: e6, thermometer: "sim:pyrousb?seed=6", badge: sim, gate: "sim:relay?channel=6"}
http: {port: 0}
YAML
"$binary" run --config "$work/gate.yaml" --log-level warning > "$work/out" 2> "$work/err" &
pid=$!
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
# Let it start and warm up before measuring.
sleep 5
start_cpu=$(cpu)
start_time=$(date +%s.%N)
peak=0
elapsed=0
while [ "$elapsed" -lt "$seconds" ]; do
  sleep 10
  elapsed=$((elapsed + 10))
  now_rss=$(rss)
  [ "$now_rss" -gt "$peak" ] && peak=$now_rss
  echo "t=${elapsed}s rss=$((now_rss / 1024)) MB"
done
end_cpu=$(cpu)
end_time=$(date +%s.%N)
screenings=$(grep -c . "$work/out" || true)
kill -TERM "$pid"
wait "$pid" || true
awk -v c0="$start_cpu" -v c1="$end_cpu" -v t0="$start_time" -v t1="$end_time" -v hz="$ticks" -v peak="$peak" \
  'BEGIN { printf "footprint: peak RSS %.1f MB, CPU %.2f %% of one core over %.0f s (six entrances at 10 Hz)\n", peak / 1024, 100 * (c1 - c0) / hz / (t1 - t0), t1 - t0 }'
