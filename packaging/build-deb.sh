#!/usr/bin/env bash
# Builds the device package: instore-kiosk_<version>_<arch>.deb, with the binary, the
# systemd unit, an example settings file and the scripts that make the `kiosk` user
# and its data directory. The technician then provisions the device
# (`instore-kiosk provision --from FILE`) and enables the service.
#
#   packaging/build-deb.sh [--binary PATH] [--out DIR] [--fast]
#
# Without --binary it builds the release binary first (cargo build --release).
# --fast compresses with gzip -1 instead of xz (tests package the debug binary).
# Needs dpkg-deb (Debian's dpkg); no root: file owners are set in the archive.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
binary=""
out="$root/target/debian"
compress=()
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --fast) compress=(-Zgzip -z1); shift ;;
        *) echo "usage: $0 [--binary PATH] [--out DIR] [--fast]" >&2; exit 2 ;;
    esac
done
if [ -z "$binary" ]; then
    (cd "$root" && cargo build --release --locked)
    binary="$root/target/release/instore-kiosk"
fi
[ -x "$binary" ] || { echo "error: $binary is not an executable" >&2; exit 1; }

version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"
arch="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"

install -D -m 0755 "$binary" "$stage/usr/bin/instore-kiosk"
install -D -m 0644 "$here/instore-kiosk.service" "$stage/lib/systemd/system/instore-kiosk.service"
install -D -m 0644 "$here/settings.example.toml" "$stage/usr/share/doc/instore-kiosk/settings.example.toml"
install -d -m 0750 "$stage/etc/instore-kiosk"
install -d -m 0755 "$stage/DEBIAN"

# What a device needs at run time: Slint's software renderer (fontconfig, freetype),
# the keyboard maps (xkbcommon), libinput and libudev for a device without X11
# (linuxkms), the fallback fonts.
cat > "$stage/DEBIAN/control" <<CONTROL
Package: instore-kiosk
Version: $version
Architecture: $arch
Maintainer: Instore kiosk team <kiosk@instore.invalid>
Depends: libc6, libfontconfig1, libfreetype6, libxkbcommon0, libxkbcommon-x11-0, libinput10, libudev1, fonts-dejavu-core
Section: misc
Priority: optional
Description: Akinon Instore checkout kiosk
 A touchscreen checkout for stores on the Akinon commerce platform: the cash
 register, pay on delivery, saved cards and every payment strategy of the
 platform; serial receipt printers and scanners; an offline queue that sends
 each order exactly once when the line returns.
CONTROL

cat > "$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# The kiosk runs as its own user, with its data in /var/lib/instore-kiosk and its
# settings (owner-only, written by `instore-kiosk provision`) in /etc/instore-kiosk.
set -e
if [ "$1" = "configure" ]; then
    if ! getent passwd kiosk >/dev/null; then
        adduser --system --group --home /var/lib/instore-kiosk --no-create-home kiosk >/dev/null
    fi
    # Serial printers and scanners belong to the dialout group; without X11 the kiosk
    # draws through /dev/dri (video) and reads touch and keys from /dev/input (input).
    for group in dialout video input; do
        adduser kiosk "$group" >/dev/null 2>&1 || true
    done
    install -d -o kiosk -g kiosk -m 0750 /var/lib/instore-kiosk
    chown kiosk:kiosk /etc/instore-kiosk
    chmod 0750 /etc/instore-kiosk
    if command -v systemctl >/dev/null 2>&1; then
        systemctl daemon-reload >/dev/null 2>&1 || true
    fi
    echo "instore-kiosk: provision the device with 'sudo -u kiosk instore-kiosk --config /etc/instore-kiosk/settings.toml provision --from FILE', then 'systemctl enable --now instore-kiosk'."
fi
exit 0
POSTINST

cat > "$stage/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
# Stop the kiosk before its binary goes; its data (the queue) stays.
set -e
if command -v systemctl >/dev/null 2>&1; then
    systemctl stop instore-kiosk >/dev/null 2>&1 || true
fi
exit 0
PRERM
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm"

mkdir -p "$out"
package="$out/instore-kiosk_${version}_${arch}.deb"
dpkg-deb --root-owner-group "${compress[@]}" --build "$stage" "$package" >/dev/null
echo "$package"
