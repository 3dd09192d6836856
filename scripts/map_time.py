#!/usr/bin/env python3
"""Launches a command and prints "PID MS": its pid and the milliseconds from its launch to
the X server mapping its first window ("none" within the timeout, 4 s by default).

scripts/measure-kiosk.sh times the kiosk and Chromium with it, the same way for both. It
watches the root window itself (Xlib through ctypes, libX11 of Debian's libx11-6), so
the figure holds only what the program took: no `date` forked on either side of the
launch, no xev and shell pipe between the X server's event and the clock.

The command is left running: the caller measures its memory, then stops it.
"""
import ctypes
import ctypes.util
import os
import select
import subprocess
import sys
import time

MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19


def main():
    timeout = float(os.environ.get("MAP_TIMEOUT", "4"))
    command = sys.argv[1:]
    if not command:
        sys.exit("usage: map_time.py COMMAND [ARG...]")
    xlib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XDefaultRootWindow.restype = ctypes.c_ulong
    xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    xlib.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
    xlib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    xlib.XConnectionNumber.argtypes = [ctypes.c_void_p]
    xlib.XPending.argtypes = [ctypes.c_void_p]
    xlib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    display = xlib.XOpenDisplay(None)
    if not display:
        sys.exit("map_time.py: cannot open the X display")
    xlib.XSelectInput(display, xlib.XDefaultRootWindow(display), SUBSTRUCTURE_NOTIFY_MASK)
    xlib.XSync(display, 0)
    fd = xlib.XConnectionNumber(display)
    event = (ctypes.c_long * 24)()  # an XEvent: 192 bytes, its type the first int

    start = time.monotonic_ns()
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    mapped = None
    deadline = start + int(timeout * 1e9)
    while mapped is None and time.monotonic_ns() < deadline:
        while xlib.XPending(display):
            xlib.XNextEvent(display, event)
            if ctypes.cast(event, ctypes.POINTER(ctypes.c_int))[0] == MAP_NOTIFY:
                mapped = time.monotonic_ns()
                break
        if mapped is None:
            select.select([fd], [], [], max(0.0, (deadline - time.monotonic_ns()) / 1e9))
    ms = "none" if mapped is None else str(round((mapped - start) / 1e6, 1))
    print(child.pid, ms, flush=True)


if __name__ == "__main__":
    main()
