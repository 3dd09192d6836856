#!/usr/bin/env python3
"""Where a running kiosk's memory is: PSS split by what it is, from /proc/PID/smaps,
and the binary's resident code and data split by whose it is (the simulator, the
screenshots, the HTTP server crates, Slint, the rest), from /proc/PID/pagemap and the
binary's symbol table.

    scripts/pss_breakdown.py PID [PID...]     one block per process, then the sum

Run as root or as the process's owner (pagemap's "present" bit needs no privilege).
The binary's pages are split by ELF section (readelf), its code by the symbols it
lies in. The binary must still have its symbol table (target/release keeps it; the device
package is stripped by cargo-deb): without symbols the owners' split is skipped.

Python rather than Rust: it reads text files of /proc and nm's output, runs on a
developer's machine next to the build, and is never shipped.
"""

import bisect
import os
import re
import struct
import subprocess
import sys

PAGE = os.sysconf("SC_PAGE_SIZE")

# What a symbol's demangled name says of whose code it is, first match wins. Generic
# code instantiated for the simulator (a tokio task polling a simulator future) names it
# inside the brackets, so the whole name is searched.
OWNERS = [
    ("simulator", re.compile(r"instore_kiosk::sim::")),
    ("screenshots", re.compile(r"instore_kiosk::ui::screenshots")),
    ("http server (axum, hyper's server, tower, matchit)",
     re.compile(r"\baxum(_core)?::|hyper::server::|hyper::proto::h1::role::Server|hyper_util::server::|\btower::|\bmatchit::")),
    ("slint (i_slint_*, slint_*, generated screens)", re.compile(r"\bi_slint_|\bslint::|\bslint_|\bMainWindow|\bInner[A-Z]")),
    ("instore_kiosk (the rest)", re.compile(r"\binstore_kiosk::")),
    ("tokio, reqwest, rustls, ring", re.compile(r"\btokio::|\breqwest::|\brustls::|\bring::|\bh2::|\bhyper")),
    ("sqlite", re.compile(r"^sqlite3|^rusqlite::|\brusqlite::")),
    ("fonts and text (fontdue, ttf_parser, rustybuzz, skrifa, zeno)",
     re.compile(r"\bfontdue::|\bttf_parser::|\brustybuzz::|\bskrifa::|\bread_fonts::|\bzeno::|\bswash::|\bfontique::|\bparley::|\bfontdb::")),
]


def kib(n):
    return f"{n / 1024:8.1f} MiB" if n >= 10 * 1024 else f"{n:8d} KiB"


def mappings(pid):
    """(start, end, offset, path, {field: kB}) for every mapping of smaps."""
    out = []
    head = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ \d+\s*(.*)$")
    with open(f"/proc/{pid}/smaps") as f:
        current = None
        for line in f:
            m = head.match(line)
            if m:
                current = [int(m[1], 16), int(m[2], 16), int(m[4], 16), m[5].strip(), {}, m[3]]
                out.append(current)
            elif current is not None and ":" in line:
                name, _, rest = line.partition(":")
                parts = rest.split()
                if len(parts) == 2 and parts[1] == "kB":
                    current[4][name] = int(parts[0])
    return out


def kind(path, binary, perms):
    if path == binary:
        return "the binary's file pages (code, read-only data)"
    if path == "[heap]" or (path == "" and "w" in perms):
        return "heap and anonymous (malloc arenas, thread stacks)"
    if path.startswith("[stack"):
        return "heap and anonymous (malloc arenas, thread stacks)"
    if re.search(r"\.(ttf|otf|ttc|pcf(\.gz)?)$|/fonts?/|fontconfig", path):
        return "fonts (files mapped, fontconfig's cache)"
    if path.startswith("/SYSV") or path.startswith("/memfd:") or path.startswith("/dev/dri") or "shm" in path:
        return "renderer's buffers (X11 shared memory, DRM)"
    if ".so" in path:
        return "shared libraries"
    return "the rest (vdso, guard pages, other files)"


def resident_pages(pid, start, end):
    """Virtual addresses of the present pages in [start, end)."""
    n = (end - start) // PAGE
    with open(f"/proc/{pid}/pagemap", "rb") as f:
        f.seek(start // PAGE * 8)
        data = f.read(n * 8)
    present = []
    for i in range(len(data) // 8):
        (entry,) = struct.unpack_from("<Q", data, i * 8)
        if entry >> 63 & 1:
            present.append(start + i * PAGE)
    return present


def symbols(binary):
    """Sorted (address, size, demangled name) of the binary's defined symbols."""
    try:
        text = subprocess.run(["nm", "--demangle", "--defined-only", "-S", binary],
                              capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    out = []
    for line in text.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4 and all(c in "0123456789abcdef" for c in parts[0] + parts[1]):
            out.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
    out.sort()
    return out


def sections(binary):
    """Sorted (address, size, name) of the binary's allocated sections."""
    try:
        text = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    out = []
    for line in text.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)\s", line)
        if m and int(m[2], 16) and "NOBITS" not in line:
            out.append((int(m[2], 16), int(m[3], 16), m[1]))
    return sorted(out)


def owner(name):
    for label, rule in OWNERS:
        if rule.search(name):
            return label
    return "std, core and the other crates"


def split(pages, ranges, fallback):
    """KiB of the pages [lo, hi) covered by each range's label (address, size, label)."""
    starts = [r[0] for r in ranges]
    bytes_by = {}
    for lo in pages:
        hi = lo + PAGE
        covered = 0
        i = max(bisect.bisect_right(starts, lo) - 1, 0)
        while i < len(ranges) and ranges[i][0] < hi:
            a, size, label = ranges[i]
            overlap = min(a + size, hi) - max(a, lo)
            if overlap > 0:
                bytes_by[label] = bytes_by.get(label, 0) + overlap
                covered += overlap
            i += 1
        if covered < PAGE:
            bytes_by[fallback] = bytes_by.get(fallback, 0) + PAGE - covered
    return {k: v // 1024 for k, v in bytes_by.items()}


def binary_pages(pid, maps, binary):
    """The binary's resident pages, as addresses of the file's own layout."""
    base = min(m[0] - m[2] for m in maps if m[3] == binary)
    pages = []
    for m in maps:
        if m[3] == binary:
            pages += [p - base for p in resident_pages(pid, m[0], m[1])]
    return pages


def owners_of_code(pages, binary):
    syms = [(a, size, owner(name)) for a, size, name in symbols(binary)]
    if not syms:
        return None
    text = [s for s in sections(binary) if s[2] == ".text"]
    if text:
        lo, hi = text[0][0], text[0][0] + text[0][1]
        pages = [p for p in pages if lo <= p < hi]
    return split(pages, syms, "no symbol (padding, unnamed code)")


def show(title, table):
    print(f"  {title}")
    for k, v in sorted(table.items(), key=lambda kv: -kv[1]):
        if v:
            print(f"    {kib(v)}  {k}")


def report(pid):
    binary = os.path.realpath(f"/proc/{pid}/exe")
    maps = mappings(pid)
    by_kind = {}
    for start, end, offset, path, fields, perms in maps:
        k = kind(path, binary, perms)
        by_kind[k] = by_kind.get(k, 0) + fields.get("Pss", 0)
    total = sum(by_kind.values())
    print(f"pid {pid} ({os.path.basename(binary)}): PSS {kib(total)}")
    for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        print(f"  {kib(v)}  {k}")
    pages = binary_pages(pid, maps, binary)
    show(f"the binary's resident pages ({kib(len(pages) * PAGE // 1024)} RSS) by section:",
         split(pages, sections(binary), "between sections"))
    owners = owners_of_code(pages, binary)
    if owners is None:
        print("  (the binary has no symbol table: its resident code is not split by owner)")
    else:
        show("its resident code (.text) by whose it is:", owners)
    return total


def main():
    pids = [int(p) for p in sys.argv[1:]]
    if not pids:
        sys.exit(__doc__)
    totals = [report(p) for p in pids]
    if len(pids) > 1:
        print(f"sum of {len(pids)} processes: PSS {kib(sum(totals))}")


if __name__ == "__main__":
    main()
