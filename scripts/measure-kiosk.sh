#!/usr/bin/env bash
# Prints the kiosk's start-up time and memory, release build, on this machine, for demo
# mode (the simulator in the process) and for a device's settings (a commerce server
# elsewhere: here the simulator in a process of its own, so none of it is the kiosk's).
#
#   first frame:  from run_kiosk to the event loop's second turn, when the window is made,
#                 drawn and mapped (src/ui/mod.rs, after_first_frame); median of RUNS runs.
#   window:       from the launch to the X server mapping the window (scripts/map_time.py
#                 watching the root window), median of RUNS runs.
#   breakdown:    PSS three seconds after start, split by what it is (the binary's file
#                 pages, heap, fonts, the renderer's buffers, the rest) and the binary's
#                 resident pages split by whose they are (scripts/pss_breakdown.py).
#   sale:         VmRSS and PSS after one whole demo cash-register sale.
#   web kiosk:    with COMPARE=N (default 3) and Debian's chromium installed: N rounds,
#                 each the kiosk (device settings) then Chromium in --kiosk mode showing a
#                 one-screen checkout page (scripts/web-kiosk.html), in the same Xvfb:
#                 time to a mapped window and PSS (all of Chromium's processes) three
#                 seconds after start, and the ratios. COMPARE=0 skips it.
#
# KIOSK_BIN measures a build kept from before a change instead of this tree's.
# Needs Xvfb and libX11 (Debian packages xvfb, libx11-6), python3 and nm (binutils).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-15}
COMPARE=${COMPARE:-3}
SETTLE=${SETTLE:-3}

# bin, scratch, DISPLAY, demo_config, device_config (the simulator started), cleanup.
source scripts/kiosk-setup.sh

# kiosk_command MODE ARGS...: sets $command to the kiosk in demo mode or on the device's
# settings, with a fresh data directory (the measurement never touches the machine's
# real one). kiosk MODE ARGS... execs it: call that in a subshell or in the background.
kiosk_command() {
    local mode=$1
    shift
    local data
    data=$(mktemp -d -p "$scratch")
    case $mode in
        demo) command=("$bin" --config "$demo_config" --data-dir "$data" demo "$@") ;;
        device) command=("$bin" --config "$device_config" --data-dir "$data" run "$@") ;;
    esac
}
kiosk() {
    kiosk_command "$@"
    exec "${command[@]}"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# map_ms COMMAND...: starts COMMAND in the background; sets $mapped to the milliseconds
# from its launch to the first window the X server maps ("none" within 4 s), and
# $launched to its pid (scripts/map_time.py: the clock next to the launch and the event).
map_ms() {
    local out
    out=$(python3 scripts/map_time.py "$@")
    launched=${out%% *}
    mapped=${out##* }
}

# tree PID: the process and all its descendants.
tree() {
    echo "$1"
    local child
    for child in $(pgrep -P "$1" || true); do tree "$child"; done
}
# pss_kib PID: the PSS of the process and all its descendants, in KiB.
pss_kib() {
    tree "$1" | while read -r p; do
        awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true
    done | awk '{s+=$1} END {print s+0}'
}
# stop PID: the process and its descendants.
stop() {
    local all
    all=$(tree "$1")
    kill $all 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    # One map_time.py launched is not this shell's child: wait till it is gone.
    for _ in $(seq 200); do
        [ -e "/proc/$1" ] || break
        sleep 0.01
    done
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm)"
echo "binary: $(stat -c %s "$bin" | awk '{printf "%.1f MB", $1/1e6}') ($(size -A "$bin" | awk '$1==".text" {printf "%.1f MB of code", $2/1e6}'))"
for mode in demo device; do
    frames=()
    maps=()
    for _ in $(seq "$RUNS"); do
        out=$(kiosk "$mode" --exit-after-first-frame)
        frames+=("$(awk '/first-frame-ms/ {print $2}' <<<"$out")")
        phases=$(sed -n 's/^phases-ms //p' <<<"$out")
    done
    for _ in $(seq "$RUNS"); do
        kiosk_command "$mode"
        map_ms "${command[@]}"
        maps+=("$mapped")
        stop "$launched"
    done
    echo "$mode: first frame (ms, in-process): median $(median "${frames[@]}") over $RUNS runs: ${frames[*]}"
    echo "$mode: its phases (ms, the last run): $phases"
    echo "$mode: launch to a mapped window (ms): median $(median "${maps[@]}") over $RUNS runs: ${maps[*]}"
    kiosk "$mode" &
    launched=$!
    sleep "$SETTLE"
    echo "$mode: ${SETTLE} s after start:"
    python3 scripts/pss_breakdown.py "$launched" | sed 's/^/  /'
    stop "$launched"
done
(kiosk demo --bench-sale)

chromium=$(command -v chromium || true)
if [ "$COMPARE" -gt 0 ] && [ -n "$chromium" ]; then
    page="file://$PWD/scripts/web-kiosk.html"
    k_maps=() c_maps=() k_pss=() c_pss=()
    for round in $(seq "$COMPARE"); do
        kiosk_command device
        map_ms "${command[@]}"
        k_maps+=("$mapped")
        sleep "$SETTLE"
        k_pss+=("$(pss_kib "$launched")")
        stop "$launched"
        profile=$(mktemp -d -p "$scratch")
        # As the environment's notes start it: no sandbox as root, nothing from the network.
        map_ms "$chromium" --kiosk --no-sandbox --disable-gpu --disable-quic --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$profile" "$page"
        c_maps+=("$mapped")
        sleep "$SETTLE"
        c_pss+=("$(pss_kib "$launched")")
        stop "$launched"
        sleep 1
        echo "round $round: kiosk ${k_maps[-1]} ms to a window, $((k_pss[-1] / 1024)) MiB PSS; chromium ${c_maps[-1]} ms, $((c_pss[-1] / 1024)) MiB PSS"
    done
    for i in "${!k_maps[@]}"; do
        awk -v km="${k_maps[$i]}" -v cm="${c_maps[$i]}" -v kp="${k_pss[$i]}" -v cp="${c_pss[$i]}" -v r="$((i + 1))" \
            'BEGIN {printf "round %d: chromium/kiosk: %.1fx the memory, %.1fx the time to a window\n", r, cp/kp, cm/km}'
    done
fi
