# Sourced by scripts/measure-kiosk.sh and scripts/order-symbols.sh: what both set up
# before they run the release kiosk. It sets
#   bin             the kiosk: KIOSK_BIN (a build kept from before a change) or this
#                   tree's release build, built here;
#   scratch         a private directory, removed on exit with every process in
#                   pids_to_kill;
#   DISPLAY         an Xvfb of its own (1280x800) when there is none;
#   demo_config     demo mode's settings (none: the built-in simulator);
#   device_config   a device's settings: the simulator on a free loopback port, started
#                   here from a copy of the binary, so that no second process shares the
#                   kiosk's code pages (which would halve their part of its PSS, as no
#                   commerce server does on a device).
# Needs Xvfb (Debian package xvfb) and python3.

if [ -n "${KIOSK_BIN:-}" ]; then
    bin=$(realpath "$KIOSK_BIN")
else
    cargo build --release --quiet
    bin=$PWD/target/release/instore-kiosk
fi
scratch=$(mktemp -d)
pids_to_kill=()
cleanup() {
    for p in "${pids_to_kill[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
    Xvfb :87 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
    pids_to_kill+=($!)
    export DISPLAY=:87
    sleep 1
fi
export INSTORE_LOG=warn

demo_config=$scratch/demo.toml
: >"$demo_config"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp "$bin" "$scratch/simulator"
"$scratch/simulator" sim --listen "127.0.0.1:$port" >/dev/null 2>&1 &
pids_to_kill+=($!)
device_config=$scratch/device.toml
cat >"$device_config" <<SETTINGS
[commerce]
url = "http://127.0.0.1:$port/"
email = "demo@instore.test"
password = "demo1234"
SETTINGS
chmod 600 "$device_config"
for _ in $(seq 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
done
