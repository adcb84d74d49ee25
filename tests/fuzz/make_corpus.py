#!/usr/bin/env python3
"""Writes the seed corpora in tests/data/fuzz-corpus from the project's own test data and small
hand-made inputs. Run it again after adding test data; the output is deterministic.

    python3 tests/fuzz/make_corpus.py

Each target's first input bytes are harness options (see the target's source): the seeds put a
fixed option byte in front where a target expects one.
"""
import base64
import hashlib
import pathlib
import shutil
import io
import json
import struct
import tarfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
OUT = DATA / "fuzz-corpus"


# ---- a minimal CBOR encoder for the seeds --------------------------------------------------------
def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for extra, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | extra]) + struct.pack(fmt, n)
    raise ValueError(n)


def cbor(v):
    if isinstance(v, bool):
        return bytes([0xF5 if v else 0xF4])
    if v is None:
        return b"\xf6"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, bytes):
        return head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return head(3, len(b)) + b
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    if isinstance(v, tuple) and v[0] == "tag":
        return head(6, v[1]) + cbor(v[2])
    raise TypeError(v)


def write(target, name, content):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(content if isinstance(content, bytes) else content.encode())


def logs():
    files = sorted((DATA / "logs").glob("*.log")) + sorted((DATA / "logs" / "timeline").glob("*.log"))
    return [(f.stem, f.read_bytes()) for f in files]


def token_texts():
    return [(f.stem, f.read_text().strip()) for f in sorted((DATA / "tokens").glob("*.txt"))]


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main():
    if OUT.exists():
        shutil.rmtree(OUT)

    # log_lines: option byte (chunk seed; 0x40 = export too), max line byte (0 = default), bytes.
    for i, (name, content) in enumerate(logs()):
        write("log_lines", name, bytes([(i * 7) & 0x3F | (0x40 if i % 2 else 0), 0]) + content)
    write("log_lines", "ansi-colours",
          b"\x05\x00\x1b[1;32muart:~$ \x1b[m at at+cgsn\r\n358299840012345\r\nOK\r\n"
          b"\x1b[0;31m[00:00:01.000,000] <err> main: failed\x1b[0m\r\n\x1b]0;title\x07partial")
    # Found by the fuzzer once (LogParser sliced past a bare banner); kept as a seed.
    write("log_lines", "bare-banners", b"\x00\x00*** Booting \r\n*** Using ***\r\n*** Using \r\n")
    write("log_lines", "short-lines", b"\x11\x02" + b"[00:00:02.000,000] <inf> a: " + b"x" * 40 + b"\n")

    # at_response: one response per line, the first line doubling as value() prefix.
    at_lines = set()
    for _, content in logs():
        for line in content.decode(errors="replace").splitlines():
            line = line.strip()
            if line.startswith(("+", "%", "OK", "ERROR")) or line.startswith("Sending AT"):
                at_lines.add(line)
    at_lines.update([
        "OK", "ERROR", "+CME ERROR: 514", "Sending AT command failed with error code -8",
        "358299840012345", "+CGSN: \"358299840012345\"", "%XDEVICEUUID: 50503041-3633-4261-803d-1e2b8f70111a",
        "%XMODEMUUID: 25c95751-efa4-40d4-8b4a-1dcaab81fac9", "+CFUN: 1",
        "%CMNG: 16842753,0,\"2C43952EE9E000FF2ACC4E2ED0897C0A72AD5FA72C3D934E81741CBD54F05BD1\"",
        "%CMNG: 42,1", "+CEREG: 5,\"0B12\",\"0012BEEF\",7,0,13,\"00000110\",\"00100001\"",
        "+CEREG: 2,1,\"0B12\",\"0012BEEF\",9", "+CEREG: 90", "+CGEV: ME PDN ACT 0,2",
        "+CGEV: NW PDN DEACT 1", "+CGEV: ME DETACH", "+CGEV: IPV6 0", "+CGEV: IPV6 FAIL 0",
        "+CGEV: EXCE STATUS 0",
    ])
    for i, line in enumerate(sorted(at_lines)):
        write("at_response", f"line-{i:03d}", line + "\n")
    write("at_response", "prefix-value", "%XICCID:\n%XICCID: 8901234567890123456F\n")

    # attestation_token: the project's token files (valid and invalid ones).
    tokens = token_texts()
    for name, text in tokens:
        write("attestation_token", name, text)
        if text.startswith("%ATTESTTOKEN:"):
            write("attestation_token", name + "-bare", text.split(":", 1)[1].strip().strip('"'))

    # cbor: option byte (bit 0 indefinite lengths, bits 1..5 depth - 1), then an item.
    valid = dict(tokens).get("valid", "")
    depth = 15 << 1
    for i, part in enumerate(valid.split(".")):
        try:
            write("cbor", f"token-part{i + 1}", bytes([depth]) + b64url_decode(part))
        except ValueError:
            pass
    hand_made = {
        "integers": [0, 23, 24, 255, 256, 65536, 2**32, 2**64 - 1, -1, -24, -25, -(2**63)],
        "strings": ["", "a", "ü€𝄞", b"", b"\x00\xff"],
        "map": {"rc": 0, 1: "one", "nested": {"a": [1, 2, {"b": None}]}},
        "simple": [True, False, None, 1.5, -0.0],
        "tagged": ("tag", 18, [b"\xa1\x01\x26", {4: b"kid"}, b"payload", b"\x00" * 64]),
    }
    for name, value in hand_made.items():
        write("cbor", name, bytes([depth]) + cbor(value))
    write("cbor", "indefinite", bytes([depth | 1]) + b"\x9f\x01\xbf\x61a\x02\xff\x5f\x41x\x42yz\xff\x7f\x61a\xff\xff")
    write("cbor", "half-float", bytes([depth]) + b"\x83\xf9\x3c\x00\xf9\x7c\x00\xfa\x47\xc3\x50\x00")
    write("cbor", "sequence", bytes([depth]) + cbor(1) + cbor("two") + cbor([3]))

    # prov_messages: byte 0 bit 0 = 0 commands / 1 responses, then the CBOR payload.
    commands = [
        ["c1", 0, "%KEYGEN", "16842753,2,0", [519]],
        ["c2", 0, "%CMNG", "16842753,0,\"-----BEGIN CERTIFICATE-----\"", [514, 527]],
        ["c3", 1, {"nrf-cloud-host": "coap.nrfcloud.com", "sec-tag": "16842753"}],
        ["c4", 2],
    ]
    write("prov_messages", "commands", b"\x00" + cbor(commands))
    write("prov_messages", "commands-empty", b"\x00")
    write("prov_messages", "commands-empty-array", b"\x00\x80")
    responses = [
        ["c1", 100, "%KEYGEN: \"MIIB...\""],
        ["c2", 99, 514, "+CME ERROR: 514"],
        ["c3", 101],
        ["c4", 102],
    ]
    write("prov_messages", "responses", b"\x01" + cbor(responses))

    # smp: chunk seed, then SMP serial frames (and one bare SMP message).
    def smp(op, group, seq, cmd, payload):
        body = cbor(payload)
        return struct.pack(">BBHHBB", op, 0, len(body), group, seq, cmd) + body

    def crc16(data):
        crc = 0
        for b in data:
            crc ^= b << 8
            for _ in range(8):
                crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
        return crc

    def frame(body, chunk=93):
        raw = struct.pack(">H", len(body) + 2) + body + struct.pack(">H", crc16(body))
        out = b""
        for off in range(0, len(raw), chunk):
            out += (b"\x06\x09" if off == 0 else b"\x04\x14") + base64.b64encode(raw[off:off + chunk]) + b"\n"
        return out

    echo = smp(2, 0, 1, 0, {"d": "hello"})
    state = smp(0, 1, 2, 0, {})
    upload = smp(2, 1, 3, 1, {"off": 0, "data": bytes(range(200)), "len": 4096, "sha": b"\x11" * 32})
    answer = smp(3, 1, 3, 1, {"rc": 0, "off": 200})
    write("smp", "bare-echo", b"\x00" + echo)
    write("smp", "console-and-frames", b"\x03uart:~$ mcumgr\r\n" + frame(echo) + b"log line\n" + frame(state))
    write("smp", "long-upload", b"\x09" + frame(upload))
    write("smp", "answer", b"\x01" + frame(answer))

    # mcuboot_image: small images with and without protected TLVs.
    def image(payload, version=(1, 2, 3, 4), protected=b""):
        hdr_size = 0x20
        header = struct.pack("<IIHHIIBBHI", 0x96F3B83D, 0, hdr_size, len(protected), len(payload), 0,
                             *version) + b"\x00" * 4
        body = header + payload + protected
        sha = hashlib.sha256(body).digest()
        tlvs = struct.pack("<HH", 0x10, 32) + sha
        return body + struct.pack("<HH", 0x6907, 4 + len(tlvs)) + tlvs

    write("mcuboot_image", "plain", image(bytes(range(64))))
    prot_tlvs = struct.pack("<HH", 0x50, 4) + b"\x01\x02\x03\x04"
    write("mcuboot_image", "protected-tlvs", image(b"\xaa" * 40, (2, 0, 1, 7),
                                                   struct.pack("<HH", 0x6908, 4 + len(prot_tlvs)) + prot_tlvs))
    write("mcuboot_image", "version-text", "1.5.0+12")

    # bundle: firmware bundles (zip with manifest.json, an MCUboot image, a modem package).
    app = image(bytes(range(256)) * 2, (1, 6, 0, 0))
    modem = b"PK\x05\x06" + b"\x00" * 18

    def bundle(method, with_modem):
        images = [{"type": "application", "file": "app_update.bin", "size": len(app),
                   "sha256": hashlib.sha256(app).hexdigest(), "version": "1.6.0"}]
        if with_modem:
            images.append({"type": "modem", "file": "modem.zip", "size": len(modem),
                           "sha256": hashlib.sha256(modem).hexdigest(), "version": "mfw_nrf91x1_2.0.3"})
        manifest = {"format": "provstation-firmware-bundle", "formatVersion": 1,
                    "name": "Asset Tracker Template", "version": "1.6.0",
                    "models": ["nRF9151", "nRF9161-LACA"], "boards": ["thingy91x"], "images": images}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", method) as z:
            for name, content in (("manifest.json", json.dumps(manifest, indent=1).encode()),
                                  ("app_update.bin", app)) + ((("modem.zip", modem),) if with_modem else ()):
                info = zipfile.ZipInfo(name, (2025, 1, 2, 3, 4, 6))
                info.compress_type = method
                z.writestr(info, content)
        return out.getvalue()

    write("bundle", "stored-with-modem", bundle(zipfile.ZIP_STORED, True))
    write("bundle", "deflated", bundle(zipfile.ZIP_DEFLATED, False))

    # cloud_json: answers of the provisioning and device APIs, and error bodies.
    jsons = {
        "claimed-device": '{"id":"50503041-3633-4261-803d-1e2b8f70111a","imei":"358299840012345",'
                          '"ownershipStatus":"claimed","tags":["a","b"],"claimedAt":"2025-01-02T03:04:05.678Z"}',
        "command-list": '{"items":[{"id":"c1","status":"PENDING","createdAt":"2025-01-02T03:04:05Z",'
                        '"request":{"cloudAccessKeyGeneration":{"secTag":16842753}}},'
                        '{"id":"c2","status":"FAILED","response":{"content":"+CME ERROR: 514"},'
                        '"request":{"finished":{}}}],"total":2}',
        "requests": '{"clientPrivateKeyGeneration":{"secTag":42,"keyUsage":"101010000"}}',
        "csr": '{"certificateSigningRequest":{"secTag":42,"attributes":"O=Nordic,CN=dev"}}',
        "certs": '{"serverCertificate":{"secTag":42,"content":"-----BEGIN CERTIFICATE-----\\n"},'
                 '"clientCertificate":{"secTag":42,"content":"x"}}',
        "rule": '{"id":"r1","active":true,"description":"onboarding","commands":[{"finished":{}}]}',
        "device": '{"id":"nrf-358299840012345","name":"dev","type":"Generic","tags":[],'
                  '"state":{"reported":{"x":1},"desired":{"y":2},"delta":{"y":2},"version":7}}',
        "error": '{"message":"Device not found","code":40410}',
        "error-code-text": '{"message":"","code":"40100"}',
    }
    for name, text in jsons.items():
        write("cloud_json", name, text)

    # station_files: an audit record body as the store keeps it, a slot map file, --slots text
    # (first byte: 0 record, 1 slot map, 2 --slots).
    record = {
        "sequence": 2, "flowId": "8f1d2c3b-0000-4a5b-9c8d-112233445566", "kind": "claim",
        "operator": "op", "station": "bench-1", "slot": "A",
        "startedAt": "2025-03-04T05:06:07.890Z", "finishedAt": "2025-03-04T05:06:40.123Z",
        "durationMs": 32233,
        "device": {"imei": "358299840012345", "deviceId": "50503041-3633-4261-803d-1e2b8f70111a",
                   "model": "nRF9151", "firmware": "Asset Tracker Template v1.5.0"},
        "steps": [{"id": "identify", "title": "Identify the device", "result": "succeeded",
                   "attempts": 1, "durationMs": 812, "startedAt": "2025-03-04T05:06:07.900Z"},
                  {"id": "claim", "title": "Claim", "result": "failed", "attempts": 2,
                   "durationMs": 1200, "error": "HTTP 409", "errorKind": "conflict",
                   "hint": "Unclaim it first", "note": "already claimed"}],
        "cloudCalls": [{"at": "2025-03-04T05:06:09.000Z", "step": "claim",
                        "operation": "POST claimed-devices", "ok": False, "httpStatus": 409,
                        "code": 40901, "message": "already claimed", "attempts": 1,
                        "retried": True}],
        "verdict": "failed", "error": "HTTP 409", "errorKind": "conflict", "hint": "Unclaim it first",
        "details": {"claimed": False, "commandIds": ["c1"]},
        "previousHash": "0" * 64, "hash": "a" * 64,
    }
    write("station_files", "audit-record", b"\x00" + json.dumps(record).encode())
    slots = {"format": "provstation-slot-map", "formatVersion": 1,
             "slots": [{"id": "A", "label": "left", "match": "serialNumber",
                        "serialNumber": "001051234567", "interfaceOrdinal": 0},
                       {"id": "B", "match": "location", "location": "1-2.3"},
                       {"id": "C", "match": "path", "path": "/dev/ttyACM4"}]}
    write("station_files", "slot-map", b"\x01" + json.dumps(slots).encode())
    write("station_files", "slots-argument",
          b"\x02A=/dev/ttyACM0,B=serial:001051234567,C=location:1-2.3,/tmp/ttyDEV-d")

    # support_bundle: tar archives as the timeline's support bundle writes them (ustar), and an
    # old-style one.
    def tar(fmt, files):
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w", format=fmt) as archive:
            for name, content in files:
                info = tarfile.TarInfo(name)
                info.size = len(content)
                info.mtime = 1735689600
                info.mode = 0o644
                archive.addfile(info, io.BytesIO(content))
        return out.getvalue()
    bundle_files = [("bundle/summary.txt", b"ProvStation support bundle\n"),
                    ("bundle/device.log", b"[00:00:00.250,000] <inf> main: booted\n" * 4),
                    ("bundle/events.json", b'{"events":[]}'),
                    ("bundle/" + "d" * 120 + "/long-name.txt", b"x")]
    write("support_bundle", "ustar", tar(tarfile.USTAR_FORMAT, bundle_files))
    write("support_bundle", "old-style", tar(tarfile.GNU_FORMAT, bundle_files[:2]))
    write("support_bundle", "empty", b"\0" * 1024)

    # timeline_rules: the built-in table and a small hand-made one.
    write("timeline_rules", "rules-v1", (ROOT / "resources" / "timeline" / "rules-v1.json").read_bytes())
    write("timeline_rules", "small", """{
  "format": "provstation-timeline-rules", "version": 1, "name": "small",
  "lanes": [{ "id": "device", "label": "Device" }, { "id": "lte", "label": "LTE" }],
  "states": [
    { "lane": "device", "id": "boot", "label": "Boot", "kind": "span", "color": "#5c6bc0" },
    { "lane": "lte", "id": "registered", "label": "Registered", "kind": "span", "lte": "up" },
    { "lane": "lte", "id": "searching", "label": "Searching", "kind": "span", "lte": "down" },
    { "lane": "device", "id": "dropped", "label": "Dropped", "kind": "point" }
  ],
  "rules": [
    { "id": "device.boot", "lane": "device", "state": "boot", "decoder": "boot",
      "label": "Boot: {firmware}[ ({commit})]" },
    { "id": "lte.cereg", "lane": "lte", "state": "registered", "source": "any", "decoder": "cereg",
      "where": { "stat": [1, 5] }, "label": "Registered[ in {tac}]" },
    { "id": "lte.search", "lane": "lte", "state": "searching", "levels": ["inf", "wrn"],
      "modules": ["net*"], "anchor": "lost", "regex": "connectivity (?<what>lost)", "label": "{what}" },
    { "id": "device.dropped", "lane": "device", "state": "dropped", "decoder": "dropped",
      "label": "{count} dropped" }
  ]
}
""")


if __name__ == "__main__":
    main()
