#!/usr/bin/env bash
# Prints the kiosk's start-up time and memory, release build, on this machine.
#
#   first frame: from process start (main) to the first turn of the event loop with the
#                window shown, where its first frame is drawn; median of RUNS runs. Also
#                the whole process wall time (start, first frame, exit) from outside.
#   memory:      VmRSS and PSS after one whole demo cash-register sale (add two items,
#                pay, cash register, the register takes the payment, thank-you).
#
# Needs an X display; starts Xvfb (Debian package xvfb) when DISPLAY is unset.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-15}

cargo build --release --quiet
bin=target/release/instore-kiosk
if [ -z "${DISPLAY:-}" ]; then
    Xvfb :87 -screen 0 1280x800x24 >/dev/null 2>&1 &
    xvfb=$!
    trap 'kill $xvfb 2>/dev/null || true' EXIT
    export DISPLAY=:87
    sleep 1
fi
export INSTORE_LOG=warn
config=$(mktemp)
# A scratch data directory: the measurement never touches the machine's real one.
data=$(mktemp -d)
trap 'rm -f "$config"; rm -rf "$data"; kill ${xvfb:-} 2>/dev/null || true' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm)"
frames=()
walls=()
for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    ms=$("$bin" --config "$config" --data-dir "$data" demo --exit-after-first-frame | awk '/first-frame-ms/ {print $2}')
    end=$(date +%s%N)
    frames+=("$ms")
    walls+=("$(( (end - start) / 1000000 ))")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "first frame (ms, in-process): median $(median "${frames[@]}") over $RUNS runs: ${frames[*]}"
echo "process start to exit after first frame (ms, wall): median $(median "${walls[@]}")"
"$bin" --config "$config" --data-dir "$data" demo --bench-sale
