#!/usr/bin/env python3
"""Makes docs/screenshots/console*.png: the GUI connected to a scripted nRF91 on a pseudo-terminal.

Run it under a virtual X server:

    xvfb-run -a -s "-screen 0 1400x900x24" tests/gui/console_screenshot.py \
        build/dev/app/provstation docs/screenshots/console.png [--theme light|dark]

The device side prints what an Asset Tracker Template boot prints (banner, coloured Zephyr log
records, the shell prompt, records interleaved with the prompt the way the log backend does it),
echoes what the console types and answers a few shell commands. Typing into the window goes
through the X test extension (libXtst), so the console's own command line sends the command.
"""

import argparse
import ctypes
import os
import select
import subprocess
import sys
import tempfile
import time
import tty

PROMPT = b"\x1b[1;32muart:~$ \x1b[m"
PROMPT_WIDTH = len("uart:~$ ")
COLOURS = {"err": b"\x1b[1;31m", "wrn": b"\x1b[1;33m", "inf": b"\x1b[0m", "dbg": b"\x1b[0m"}

BANNER = [
    b"*** Booting Asset Tracker Template v1.5.0 - 7f3c2a1e9b ***",
    b"*** Using nRF Connect SDK v3.0.1-3f2e0b0d1a ***",
    b"*** Using Zephyr OS v4.0.99-77f865b8f8d0 ***",
]

# (device seconds, level, module, message)
BOOT_LOG = [
    (0.251434, "inf", "main", "Asset Tracker Template started"),
    (0.261749, "dbg", "network", "state_running_entry: Bringing the network interface up"),
    (0.412112, "inf", "network", "Connecting to the LTE network"),
    (2.107522, "dbg", "network", "PDN connection activated"),
    (2.110418, "inf", "cloud",
     "Connecting to nRF Cloud CoAP with client ID: 5099a5c8-7a51-4c8e-9b1e-2f6d0e3a41b7"),
    (2.350105, "inf", "nrf_cloud_coap_transport", "Request authorization with JWT"),
    (4.003886, "err", "cloud", "nRF Cloud CoAP connection failed, unauthorized or invalid credentials"),
    (4.004020, "wrn", "cloud", "Connection attempt failed, backoff time: 60 seconds"),
    (4.120733, "inf", "nrf_provisioning_coap", "Init CoAP client"),
    (4.121504, "inf", "nrf_provisioning_coap", "DTLS setup"),
    (5.268859, "inf", "nrf_provisioning_coap", "Connected"),
    (5.270122, "inf", "nrf_provisioning_coap", "Requesting commands"),
    (5.901377, "err", "nrf_provisioning", "Unauthorized access: device is not yet claimed."),
    (5.901560, "wrn", "cloud", "Provisioning failed, device not claimed"),
    (5.901612, "wrn", "cloud", "Claim the device on nrfcloud.com using the attestation token below"),
]

LATER_LOG = [
    (8.512004, "dbg", "location", "Location request: GNSS, then cellular"),
    (9.030118, "inf", "network", "PSM parameters received, TAU: 3240, Active time: 60"),
    (12.44871, "wrn", "lte_lc", "Registration rejected, EMM cause: 15, Cell ID: 0x01a2d301, "
                                "Tracking area: 0x0f3e, LTE mode: 7"),
    (13.00202, "inf", "network", "Connecting to the LTE network"),
]

ANSWERS = {
    "help": [b"Available commands:",
             b"  at                 : Execute an AT command",
             b"  att_button         : Asset Tracker Template button commands",
             b"  att_cloud          : Asset Tracker Template cloud commands",
             b"  att_network        : Asset Tracker Template network commands",
             b"  kernel             : Kernel commands"],
    "at AT+CGMR": [b"mfw_nrf91x1_2.0.2", b"OK"],
    "at AT+CEREG?": [b"+CEREG: 5,1,\"0F3E\",\"01A2D301\",7", b"OK"],
}


def stamp(seconds):
    whole = int(seconds)
    micros = int(round((seconds - whole) * 1_000_000))
    return "[%02d:%02d:%02d.%03d,%03d]" % (whole // 3600, whole // 60 % 60, whole % 60,
                                           micros // 1000, micros % 1000)


def record(seconds, level, module, message):
    return (stamp(seconds).encode() + b" " + COLOURS[level] + b"<" + level.encode() + b"> "
            + module.encode() + b": " + message.encode() + b"\x1b[0m\r\n")


class Device:
    """The far end of the pty: a Zephyr shell with the log backend in front of it."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.typed = b""
        self.prompt_shown = False

    def write(self, data):
        os.write(self.master, data)

    def prompt(self):
        self.write(PROMPT)
        self.prompt_shown = True

    def log(self, entry):
        text = record(*entry)
        if self.prompt_shown:
            # Erase prompt and typed text, print the record, print them again.
            width = PROMPT_WIDTH + len(self.typed)
            self.write(b"\x1b[%dD\x1b[J" % width + text + PROMPT + self.typed)
        else:
            self.write(text)

    def pump(self, seconds):
        """Echo and answer what the host sends for `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            for byte in os.read(self.master, 1024):
                self.key(bytes([byte]))

    def key(self, char):
        if char in (b"\r", b"\n"):
            if char == b"\n" and not self.typed and not self.prompt_shown:
                return
            command = self.typed.decode(errors="replace").strip()
            self.typed = b""
            self.write(b"\r\n")
            self.prompt_shown = False
            if command:
                lines = ANSWERS.get(command, [command.encode() + b": command not found"])
                for line in lines:
                    self.write(line + b"\r\n")
            self.prompt()
        elif char in (b"\x7f", b"\x08"):
            if self.typed:
                self.typed = self.typed[:-1]
                self.write(b"\x08 \x08")
        else:
            self.typed += char
            self.write(char)


class Keyboard:
    """Types into whatever X window has the focus, through the XTEST extension."""

    SHIFT = 0xffe1
    RETURN = 0xff0d
    ESCAPE = 0xff1b
    NAMES = {" ": "space", "+": "plus", "?": "question", "_": "underscore", ":": "colon",
             "%": "percent", "=": "equal", ",": "comma", ".": "period", "-": "minus"}

    def __init__(self):
        self.x11 = ctypes.CDLL("libX11.so.6")
        self.xtst = ctypes.CDLL("libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XKeycodeToKeysym.argtypes = [ctypes.c_void_p, ctypes.c_ubyte, ctypes.c_int]
        self.x11.XKeycodeToKeysym.restype = ctypes.c_ulong
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                ctypes.c_ulong]
        self.xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                                   ctypes.c_int, ctypes.c_ulong]
        self.xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                   ctypes.c_ulong]
        self.display = self.x11.XOpenDisplay(None)
        if not self.display:
            raise SystemExit("no X display: run this under xvfb-run")

    def click(self, x, y):
        self.xtst.XTestFakeMotionEvent(self.display, -1, x, y, 0)
        self.xtst.XTestFakeButtonEvent(self.display, 1, True, 0)
        self.xtst.XTestFakeButtonEvent(self.display, 1, False, 0)
        self.x11.XFlush(self.display)

    def press(self, keysym):
        code = self.x11.XKeysymToKeycode(self.display, keysym)
        shifted = self.x11.XKeycodeToKeysym(self.display, code, 0) != keysym
        if shifted:
            self.xtst.XTestFakeKeyEvent(self.display,
                                        self.x11.XKeysymToKeycode(self.display, self.SHIFT), True, 0)
        self.xtst.XTestFakeKeyEvent(self.display, code, True, 0)
        self.xtst.XTestFakeKeyEvent(self.display, code, False, 0)
        if shifted:
            self.xtst.XTestFakeKeyEvent(self.display,
                                        self.x11.XKeysymToKeycode(self.display, self.SHIFT), False, 0)
        self.x11.XFlush(self.display)

    def type(self, text):
        for char in text:
            name = self.NAMES.get(char, char)
            self.press(self.x11.XStringToKeysym(name.encode()))
            time.sleep(0.03)

    def enter(self):
        self.press(self.RETURN)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", help="path of the provstation executable")
    parser.add_argument("output", help="PNG to write")
    parser.add_argument("--theme", default="light", choices=["light", "dark", "system"])
    parser.add_argument("--size", default="1400x900")
    args = parser.parse_args()

    device = Device()
    settings = tempfile.NamedTemporaryFile(suffix=".ini", delete=False)
    settings.close()
    env = dict(os.environ, XDG_DATA_HOME=tempfile.mkdtemp(), QT_SCALE_FACTOR="1")
    app = subprocess.Popen([args.app, "--port", device.path, "--settings", settings.name,
                            "--theme", args.theme, "-geometry", args.size + "+0+0"], env=env)
    try:
        device.pump(3.0)  # the window comes up and opens the port
        for line in BANNER:
            device.write(line + b"\r\n")
        for entry in BOOT_LOG:
            device.log(entry)
            device.pump(0.05)
        device.prompt()
        device.pump(0.5)

        keyboard = Keyboard()
        width, height = (int(v) for v in args.size.split("x"))
        keyboard.click(width // 2, height - 60)  # the command line
        device.pump(0.5)
        for command in ["help", "at AT+CGMR"]:
            keyboard.type(command)
            device.pump(0.3)
            keyboard.enter()
            device.pump(0.8)
        for entry in LATER_LOG:
            device.log(entry)
            device.pump(0.1)
        keyboard.type("at AT+CEREG?")
        device.pump(0.3)
        keyboard.press(Keyboard.ESCAPE)  # close the completion popup
        device.pump(1.0)
        subprocess.run(["import", "-window", "root", args.output], check=True)
    finally:
        app.terminate()
        app.wait(timeout=10)
        os.unlink(settings.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
