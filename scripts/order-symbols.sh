#!/usr/bin/env bash
# Writes packaging/symbol-order.txt: the kiosk's functions that run, for the linker to lay
# them side by side at the front of .text (build.rs passes it to lld in release builds).
#
# Why: the kernel maps a program's code 64 KiB at a time around each page it runs
# (fault-around), and the few functions a kiosk runs are strewn among the many it never
# runs (the simulator's, the screenshots', the command line tools', most of every
# library's). Measured on the release build before this file existed: 1.8 MB of
# functions ran during a start and a whole sale, yet 15.8 MiB of .text was resident,
# for they touched 237 different 64 KiB windows. Grouped, they take a few windows.
#
# How: the release binary runs under valgrind's callgrind (which names every function
# that ran, by its symbol) under Xvfb, twice:
#   1. on a device's settings (the simulator in a process of its own), from the start to
#      the basket loaded: the functions a kiosk selling on a real server runs first;
#   2. in demo mode, one whole cash-register sale (--bench-sale): the rest of a sale, and
#      the demo's own simulator last, so that a device never maps it.
# The file lists (1), then what only (2) ran; each part sorted by name so that a new
# run changes only the lines whose functions changed. A name the next build no longer
# has is skipped by the linker: a stale file costs memory, never correctness. Run this
# again after a large change (a new screen, a new dependency) and commit the file.
#
# Needs valgrind, Xvfb, python3 and nm (binutils).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_ON_DEVICE=${SECONDS_ON_DEVICE:-25}
out=packaging/symbol-order.txt

# bin (KIOSK_BIN or this tree's release build), scratch, DISPLAY, demo_config,
# device_config (the simulator started), cleanup.
source scripts/kiosk-setup.sh

# callgrind NAME SECONDS ARGS...: the kiosk under callgrind, interrupted after SECONDS
# (callgrind writes what it saw when the kiosk ends, by itself or by the signal).
callgrind() {
    local name=$1 seconds=$2
    shift 2
    timeout -s INT "$seconds" valgrind --tool=callgrind --demangle=no \
        --callgrind-out-file="$scratch/$name.out" "$bin" "$@" >"$scratch/$name.log" 2>&1 || true
}

echo "1. device settings, ${SECONDS_ON_DEVICE} s under callgrind"
mkdir "$scratch/device-data"
callgrind device "$SECONDS_ON_DEVICE" --config "$device_config" --data-dir "$scratch/device-data" run
echo "2. demo mode, one whole sale under callgrind"
mkdir "$scratch/demo-data"
callgrind demo 300 --config "$demo_config" --data-dir "$scratch/demo-data" demo --bench-sale
grep -q '^sale-ms' "$scratch/demo.log" || { cat "$scratch/demo.log"; echo "the demo sale did not finish" >&2; exit 1; }

python3 - "$bin" "$scratch/device.out" "$scratch/demo.out" "$out" <<'EOF'
import os, re, subprocess, sys
binary, device, demo, out = sys.argv[1:]

def ran(path):
    """Mangled names of the binary's own functions that callgrind saw run. Its file names
    each object and function once, where it first appears (as a caller's `ob=`/`fn=` or a
    callee's `cob=`/`cfn=`), and by number after that."""
    objects, functions, ids, current = {}, {}, set(), None
    for line in open(path, errors="replace"):
        m = re.match(r"^(c?)(ob|fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if not m:
            continue
        callee, what, number, name = m.groups()
        table = objects if what == "ob" else functions
        if name:
            table[number] = name
        if callee:
            continue
        if what == "ob":
            current = os.path.realpath(objects.get(number, ""))
        elif current == binary:
            ids.add(number)
    return {functions[i] for i in ids if i in functions}

defined = set()
for line in subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True,
                           check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "tTwW":
        defined.add(parts[2])
first = sorted(ran(device) & defined)
then = sorted((ran(demo) & defined) - set(first))
with open(out, "w") as f:
    f.write("# The kiosk's functions that run, in the order lld lays them out at the front of .text\n")
    f.write("# (build.rs, release builds). Written by scripts/order-symbols.sh: a device's start,\n")
    f.write("# then what only a whole demo sale ran. Regenerate it; do not edit it.\n")
    for name in first + then:
        f.write(name + "\n")
print(f"{out}: {len(first)} functions of a device's start, then {len(then)} more of a demo sale")
EOF
