#!/usr/bin/env bash
# Writes ui/fonts/DejaVuSans*.ttf: Debian's DejaVu Sans (package fonts-dejavu-core, the
# same files the package depends on) cut to the scripts and symbols a Turkish or English
# store shows: Latin with its accents and combining marks, punctuation, currency (₺),
# arrows, maths, technical symbols (⌫ ⏎), shapes and dingbats (✓ ✕). Every layout
# feature (kerning) is kept, so the text the kiosk draws does not move by a pixel.
#
# Why: the fonts are compiled into the binary, and the kernel maps its read-only data by
# whole page-cache folios: the full fonts (1.47 MB, 5,900 glyphs each) kept about 950 KiB
# resident for the few hundred glyphs a screen draws. A name in another script (Cyrillic,
# Greek, Arabic...) is drawn by the system's fonts, as any glyph missing here is.
#
# Needs fonttools (pip install fonttools) and fonts-dejavu-core.
set -euo pipefail
cd "$(dirname "$0")/.."
from=${DEJAVU_DIR:-/usr/share/fonts/truetype/dejavu}
unicodes="U+0000-024F,U+0300-036F,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2200-22FF"
unicodes+=",U+2300-23FF,U+2500-25FF,U+2600-26FF,U+2700-27BF,U+FFFD"
for font in DejaVuSans DejaVuSans-Bold; do
    pyftsubset "$from/$font.ttf" --unicodes="$unicodes" --layout-features='*' --name-IDs='*' \
        --name-languages='*' --notdef-outline --output-file="ui/fonts/$font.ttf"
    echo "ui/fonts/$font.ttf: $(stat -c %s "ui/fonts/$font.ttf") bytes (from $(stat -c %s "$from/$font.ttf"))"
done
