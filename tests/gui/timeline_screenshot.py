#!/usr/bin/env python3
"""Makes docs/screenshots/timeline*.png: a claim-and-provision run replayed live into the GUI.

Run it under a virtual X server:

    xvfb-run -a -s "-screen 0 1400x900x24" tests/gui/timeline_screenshot.py \
        build/dev/app/provstation docs/screenshots/timeline.png [--theme light|dark]

A pseudo-terminal plays tests/data/logs/timeline/first-provisioning.log into the window's
console at the pace of its device uptimes (about 28 s), so the console's timeline fills live,
as it does with a real nRF91 on USB. The Timeline dock is dragged taller, the view fitted to the run (Ctrl+0), the pointer rests
on the provisioning run so its tooltip shows, and the screen is captured. Mouse input goes
through the X test extension (libXtst).
"""

import argparse
import ctypes
import os
import re
import select
import subprocess
import sys
import tempfile
import time
import tty

HERE = os.path.dirname(os.path.abspath(__file__))
LOG = os.path.join(HERE, "..", "data", "logs", "timeline", "first-provisioning.log")
UPTIME = re.compile(rb"\[(\d+):(\d\d):(\d\d)\.(\d{3}),(\d{3})\]")


class Mouse:
    """Moves and clicks the X pointer through the XTEST extension."""

    def __init__(self):
        self.x11 = ctypes.CDLL("libX11.so.6")
        self.xtst = ctypes.CDLL("libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                                   ctypes.c_int, ctypes.c_ulong]
        self.xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                   ctypes.c_ulong]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                ctypes.c_ulong]
        self.display = self.x11.XOpenDisplay(None)
        if not self.display:
            raise SystemExit("no X display: run this under xvfb-run")

    def move(self, x, y):
        self.xtst.XTestFakeMotionEvent(self.display, -1, x, y, 0)
        self.x11.XFlush(self.display)

    def key(self, keysym, with_control=False):
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        control = self.x11.XKeysymToKeycode(self.display, 0xffe3)  # Control_L
        code = self.x11.XKeysymToKeycode(self.display, keysym)
        if with_control:
            self.xtst.XTestFakeKeyEvent(self.display, control, True, 0)
        self.xtst.XTestFakeKeyEvent(self.display, code, True, 0)
        self.xtst.XTestFakeKeyEvent(self.display, code, False, 0)
        if with_control:
            self.xtst.XTestFakeKeyEvent(self.display, control, False, 0)
        self.x11.XFlush(self.display)

    def drag(self, x, y_from, y_to, steps=12):
        self.move(x, y_from)
        self.xtst.XTestFakeButtonEvent(self.display, 1, True, 0)
        self.x11.XFlush(self.display)
        for i in range(1, steps + 1):
            time.sleep(0.03)
            self.move(x, y_from + (y_to - y_from) * i // steps)
        self.xtst.XTestFakeButtonEvent(self.display, 1, False, 0)
        self.x11.XFlush(self.display)


class Device:
    """The far end of the pty: prints the capture's bytes and swallows what the host sends."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)

    def pump(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                os.read(self.master, 1024)

    def replay(self, path, speed):
        """Writes each line when the device printed it (by its uptime stamp)."""
        with open(path, "rb") as capture:
            lines = capture.read().splitlines(keepends=True)
        start = time.monotonic()
        for line in lines:
            stamp = UPTIME.search(line)
            if stamp:
                h, m, s, ms, us = (int(v) for v in stamp.groups())
                at = (h * 3600 + m * 60 + s + ms / 1e3 + us / 1e6) / speed
                self.pump(max(0.0, start + at - time.monotonic()))
            os.write(self.master, line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", help="path of the provstation executable")
    parser.add_argument("output", help="PNG to write")
    parser.add_argument("--theme", default="light", choices=["light", "dark", "system"])
    parser.add_argument("--size", default="1400x900")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="replay faster than the device printed (times on the axis shrink)")
    parser.add_argument("--dock-from", type=int, default=586,
                        help="y of the splitter above the Timeline dock in a fresh window")
    parser.add_argument("--dock-to", type=int, default=470, help="y to drag that splitter to")
    parser.add_argument("--hover", default="0.65,0.85",
                        help="pointer position as fractions of the window, for a tooltip")
    args = parser.parse_args()

    device = Device()
    settings = tempfile.NamedTemporaryFile(suffix=".ini", delete=False)
    settings.close()
    env = dict(os.environ, XDG_DATA_HOME=tempfile.mkdtemp(), QT_SCALE_FACTOR="1")
    app = subprocess.Popen([args.app, "--port", device.path, "--settings", settings.name,
                            "--theme", args.theme, "-geometry", args.size + "+0+0"], env=env)
    try:
        device.pump(3.0)  # the window comes up and opens the port
        mouse = Mouse()
        width, height = (int(v) for v in args.size.split("x"))
        mouse.drag(width * 2 // 3, args.dock_from, args.dock_to)
        device.replay(LOG, args.speed)
        device.pump(1.0)
        mouse.key(0x30, with_control=True)  # Ctrl+0: fit the whole run
        device.pump(0.5)
        fx, fy = (float(v) for v in args.hover.split(","))
        mouse.move(int(width * fx) - 3, int(height * fy))
        device.pump(0.3)
        mouse.move(int(width * fx), int(height * fy))
        device.pump(1.5)  # the tooltip shows after a moment at rest
        subprocess.run(["import", "-window", "root", args.output], check=True)
    finally:
        app.terminate()
        app.wait(timeout=10)
        os.unlink(settings.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
