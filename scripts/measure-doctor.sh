#!/usr/bin/env bash
# Times `instore-kiosk doctor` on a device-like setup: settings as a provisioned device
# has them (a commerce server on the network, here the simulator on loopback; the
# virtual printer and scanner; PINs), a data directory with a database, no display.
# Prints each run and the median.
#
#   scripts/measure-doctor.sh [BINARY] [RUNS]      (default target/release/instore-kiosk, 7)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/target/release/instore-kiosk}"
runs="${2:-7}"
[ -x "$bin" ] || { echo "error: $bin is not built (cargo build --release)" >&2; exit 1; }
work="$(mktemp -d)"
port=$(( 20000 + RANDOM % 20000 ))
INSTORE_LOG=warn "$bin" sim --listen "127.0.0.1:$port" --data-dir "$work/sim" >/dev/null 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
cat > "$work/fleet.toml" <<TOML
[commerce]
url = "http://127.0.0.1:$port/"
email = "demo@instore.test"
password = "demo1234"
[printer]
port = "virtual"
[scanner]
port = "virtual"
[pins]
clerk = "2580"
technician = "97531"
TOML
INSTORE_LOG=warn "$bin" --config "$work/settings.toml" provision --from "$work/fleet.toml" >/dev/null
INSTORE_LOG=warn "$bin" --config "$work/settings.toml" --data-dir "$work/data" catalog sync >/dev/null 2>&1 || true
times=()
for i in $(seq "$runs"); do
    start=$(date +%s%N)
    INSTORE_LOG=warn "$bin" --config "$work/settings.toml" --data-dir "$work/data" doctor > "$work/doctor.txt" || true
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    times+=("$ms")
    echo "run $i: ${ms} ms"
done
echo "the last report:"; sed "s/^/  /" "$work/doctor.txt"
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
echo "doctor on a device-like setup: median ${median} ms over $runs runs ($(nproc) cores, $(uname -m))"
