// SMP flashing figures (PROTOCOL §8):
//
//  (a) micro, one core: the serial framing (encodeSerialPacket, SerialPacketDecoder) and the
//      SMP message layer (encodeSmpMessage, decodeSmpMessage), in MB/s of upload chunks of the
//      size the flasher sends to MCUboot;
//  (b) end to end: SmpFlasher uploading an image of the demo bundle's size to the real
//      provstation-devsim in serial recovery on a 115200 baud line (--baud 115200, device time
//      = host time), against the bound the protocol itself puts on that line.
//
// Counters: MB_per_s (micro); payload_bytes_per_s, bound_bytes_per_s, efficiency, chunk_bytes,
// image_bytes, seconds (end to end).
#include "DevsimHarness.h"
#include "core/bundle/FirmwareBundle.h"
#include "device/SerialTransport.h"
#include "device/SmpFlasher.h"
#include "mcumgr/McubootImage.h"
#include "mcumgr/SmpMessage.h"
#include "mcumgr/SmpSerial.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <benchmark/benchmark.h>
#include <qcoro/qcorotask.h>

using ps::core::CborValue;
using ps::mcumgr::smpEntry;
using ps::mcumgr::SmpHeader;
using ps::mcumgr::SmpOp;

namespace {

constexpr qsizetype DeviceBuffer = 1024; // MCUboot's receive buffer; it has no "parameters"
constexpr int Baud = 115200;
// provstation-bundle demo: 48 KiB of payload in an MCUboot image (firmware/bundle/main.cpp).
constexpr qsizetype DemoPayloadSize = 48 * 1024;

QByteArray demoSizedImage() {
    QByteArray payload;
    const QByteArray line = "ProvStation bench application 1.6.0\n";
    while (payload.size() < DemoPayloadSize)
        payload += line;
    payload.truncate(DemoPayloadSize);
    return ps::mcumgr::buildMcubootImage(ps::mcumgr::ImageVersion{1, 6, 0, 0}, payload);
}

// One upload chunk as the flasher sends it after the first: {off, data}.
QByteArray chunkBody(qsizetype offset, qsizetype size, quint8 sequence) {
    SmpHeader header;
    header.op = SmpOp::Write;
    header.group = ps::mcumgr::SmpGroup::Image;
    header.command = ps::mcumgr::SmpImageCommand::Upload;
    header.sequence = sequence;
    QByteArray data(size, '\0');
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char((i * 131 + offset) & 0xff);
    return ps::mcumgr::encodeSmpMessage(
        header, CborValue::map({smpEntry(QStringLiteral("off"), CborValue::integer(offset)),
                                smpEntry(QStringLiteral("data"), CborValue::byteString(data))}));
}

qsizetype chunkSize() {
    return ps::device::SmpFlasher::chunkSize(DeviceBuffer, demoSizedImage().size());
}

void setMegabytesPerSecond(benchmark::State &state, qint64 bytesPerIteration) {
    state.counters["MB_per_s"] = benchmark::Counter(
        double(state.iterations()) * double(bytesPerIteration) / 1e6, benchmark::Counter::kIsRate);
}

void BM_SmpFrameEncode(benchmark::State &state) {
    const QByteArray body = chunkBody(4096, chunkSize(), 7);
    for (auto _ : state)
        benchmark::DoNotOptimize(ps::mcumgr::encodeSerialPacket(body));
    setMegabytesPerSecond(state, body.size());
}
BENCHMARK(BM_SmpFrameEncode);

void BM_SmpFrameDecode(benchmark::State &state) {
    // 64 framed chunks with a console line between them, fed in 4 KiB reads.
    QByteArray stream;
    qint64 bodies = 0;
    for (int i = 0; i < 64; ++i) {
        const QByteArray body = chunkBody(i * chunkSize(), chunkSize(), quint8(i));
        bodies += body.size();
        stream += ps::mcumgr::encodeSerialPacket(body);
        stream += "[00:00:01.000,000] <inf> main: console text between packets\r\n";
    }
    for (auto _ : state) {
        ps::mcumgr::SerialPacketDecoder decoder(8192);
        qsizetype packets = 0;
        for (qsizetype at = 0; at < stream.size(); at += 4096)
            packets += qsizetype(decoder
                                     .feed(QByteArrayView(stream).sliced(
                                         at, std::min<qsizetype>(4096, stream.size() - at)))
                                     .size());
        if (packets != 64)
            state.SkipWithError("the decoder lost packets");
    }
    setMegabytesPerSecond(state, bodies);
}
BENCHMARK(BM_SmpFrameDecode);

void BM_SmpMessageEncode(benchmark::State &state) {
    QByteArray data(chunkSize(), 'x');
    SmpHeader header;
    header.op = SmpOp::Write;
    header.group = ps::mcumgr::SmpGroup::Image;
    header.command = ps::mcumgr::SmpImageCommand::Upload;
    qint64 bytes = 0;
    for (auto _ : state) {
        // Building the map is part of the work: the flasher makes one per chunk.
        const CborValue payload =
            CborValue::map({smpEntry(QStringLiteral("off"), CborValue::integer(40000)),
                            smpEntry(QStringLiteral("data"), CborValue::byteString(data))});
        const QByteArray encoded = ps::mcumgr::encodeSmpMessage(header, payload);
        bytes = encoded.size();
        benchmark::DoNotOptimize(encoded.constData());
    }
    setMegabytesPerSecond(state, bytes);
}
BENCHMARK(BM_SmpMessageEncode);

void BM_SmpMessageDecode(benchmark::State &state) {
    const QByteArray body = chunkBody(40000, chunkSize(), 9);
    for (auto _ : state) {
        auto message = ps::mcumgr::decodeSmpMessage(body);
        if (!message)
            state.SkipWithError("the chunk does not decode");
        benchmark::DoNotOptimize(message);
    }
    setMegabytesPerSecond(state, body.size());
}
BENCHMARK(BM_SmpMessageDecode);

// ---- The protocol's bound on a serial line --------------------------------------------------
//
// Stop and wait: the flasher sends a chunk and waits for its answer before the next, so each
// chunk costs the line time of its request plus that of the device's answer (the device's own
// processing time is left out, which is what makes this an upper bound):
//
//   bound = baud/10 * sum(data_i) / sum(wire(request_i) + wire(response_i))      [bytes/s]
//
// with 10 bits a byte on the line (8N1) and, for a packet whose SMP body is B bytes:
//   raw       = 2 (length) + B + 2 (CRC-16)
//   wire(raw) = 127 bytes for each full frame of 93 raw bytes (2 start bytes, 124 base64
//               characters, '\n'), and for the rest r: 3 + 4*ceil(r/3)
//   B         = 8 (SMP header) + the CBOR map:
//     request  {"off": o, "data": h'...'} (+ "len": n, "sha": h'32 bytes' on the first chunk)
//              = 1 (map head) + (1+3) + uint(o) + (1+4) + uint(d) + d  [+ (1+3) + uint(n)
//                + (1+3) + 2 + 32]
//     response {"rc": 0, "off": o'} = 1 + (1+2) + 1 + (1+3) + uint(o')
//   uint(v)   = CBOR head of an integer or length v: 1 below 24, 2 below 256, 3 below 65536,
//               5 below 2^32.
//
// For 115200 baud and 1024-byte MCUboot buffers the chunk is about 940 bytes, each request
// about 1.3 kB on the wire and each answer 35 bytes: base64 alone caps payload at 3/4 of the
// line, the framing and answers take a few percent more.

qint64 cborHead(qint64 value) {
    if (value < 24)
        return 1;
    if (value < 256)
        return 2;
    if (value < 65536)
        return 3;
    if (value < (qint64(1) << 32))
        return 5;
    return 9;
}

qint64 wireBytes(qint64 body) {
    const qint64 raw = 2 + body + 2;
    const qint64 rawPerFrame = (127 - 3) / 4 * 3; // 93
    const qint64 full = raw / rawPerFrame;
    const qint64 rest = raw % rawPerFrame;
    return full * 127 + (rest > 0 ? 3 + 4 * ((rest + 2) / 3) : 0);
}

struct LineBound {
    qint64 payload = 0;
    qint64 wire = 0;
    [[nodiscard]] double bytesPerSecond(int baud) const {
        return double(baud) / 10.0 * double(payload) / double(wire);
    }
};

LineBound uploadBound(qint64 imageSize, qint64 chunk) {
    LineBound bound;
    for (qint64 offset = 0; offset < imageSize; offset += chunk) {
        const qint64 data = std::min(chunk, imageSize - offset);
        qint64 request = 1 + 4 + cborHead(offset) + 5 + cborHead(data) + data;
        if (offset == 0)
            request += 4 + cborHead(imageSize) + 4 + 2 + 32;
        const qint64 response = 1 + 3 + 1 + 4 + cborHead(offset + data);
        bound.payload += data;
        bound.wire += wireBytes(8 + request) + wireBytes(8 + response);
    }
    return bound;
}

// The formula above, checked against the real encoder for a first and a later chunk and their
// answers, so the bound is the protocol's and not a guess.
bool formulaMatchesTheEncoder(qint64 imageSize, qint64 chunk) {
    const auto framed = [](const CborValue &map) {
        return ps::mcumgr::encodeSerialPacket(ps::mcumgr::encodeSmpMessage(SmpHeader{}, map))
            .size();
    };
    const QByteArray data(chunk, 'd');
    const qint64 first =
        framed(CborValue::map(
            {smpEntry(QStringLiteral("off"), CborValue::integer(0)),
             smpEntry(QStringLiteral("data"), CborValue::byteString(data)),
             smpEntry(QStringLiteral("len"), CborValue::integer(imageSize)),
             smpEntry(QStringLiteral("sha"), CborValue::byteString(QByteArray(32, 's')))})) +
        framed(CborValue::map({smpEntry(QStringLiteral("rc"), CborValue::integer(0)),
                               smpEntry(QStringLiteral("off"), CborValue::integer(chunk))}));
    const qint64 second =
        framed(CborValue::map({smpEntry(QStringLiteral("off"), CborValue::integer(chunk)),
                               smpEntry(QStringLiteral("data"), CborValue::byteString(data))})) +
        framed(CborValue::map({smpEntry(QStringLiteral("rc"), CborValue::integer(0)),
                               smpEntry(QStringLiteral("off"), CborValue::integer(2 * chunk))}));
    return uploadBound(chunk, chunk).wire == first &&
           uploadBound(2 * chunk, chunk).wire == first + second;
}

void BM_SmpUploadDevsim115200(benchmark::State &state) {
    const QByteArray image = demoSizedImage();
    ps::bundle::BundleSource source;
    source.name = QStringLiteral("bench firmware");
    source.version = QStringLiteral("1.6.0");
    source.models = {QStringLiteral("nRF9151")};
    source.application = image;
    const auto zip = ps::bundle::writeBundle(source);
    if (!zip) {
        state.SkipWithError("cannot write the bundle");
        return;
    }
    auto bundle = ps::bundle::FirmwareBundle::read(*zip);
    if (!bundle) {
        state.SkipWithError("cannot read the bundle");
        return;
    }
    const qsizetype chunk = ps::device::SmpFlasher::chunkSize(DeviceBuffer, image.size());
    if (!formulaMatchesTheEncoder(image.size(), chunk)) {
        state.SkipWithError("the bound's size formula disagrees with the SMP encoder");
        return;
    }

    double payloadRate = 0;
    double seconds = 0;
    for (auto _ : state) {
        state.PauseTiming();
        ps::devsim::test::DevsimSandbox box;
        ps::devsim::test::DevsimProcess device(
            {QStringLiteral("--state"), box.state(), QStringLiteral("--link"), box.link(),
             QStringLiteral("--bootloader"), QStringLiteral("--baud"), QString::number(Baud)});
        if (!device.start() ||
            !device.waitForLine(QStringLiteral("BOOT MCUboot serial recovery"))) {
            state.SkipWithError("provstation-devsim did not start");
            return;
        }
        ps::device::SerialTransport transport(box.link());
        ps::device::SmpFlashOptions options;
        options.deviceBufferSize = DeviceBuffer;
        options.skipIfSame = false;
        options.checkBoot = false;
        ps::device::SmpFlasher flasher(transport, options);
        state.ResumeTiming();

        ps::bundle::FirmwareBundle copy = *bundle;
        const auto outcome = QCoro::waitFor(flasher.flash(std::move(copy)));
        if (!outcome) {
            state.SkipWithError(qPrintable(outcome.error().message));
            return;
        }
        payloadRate = outcome->bytesPerSecond; // the upload alone, first chunk to last answer
        seconds = outcome->seconds;
        state.PauseTiming();
        transport.close();
        device.stop();
        state.ResumeTiming();
    }
    const double bound = uploadBound(image.size(), chunk).bytesPerSecond(Baud);
    state.counters["payload_bytes_per_s"] = payloadRate;
    state.counters["bound_bytes_per_s"] = bound;
    state.counters["efficiency"] = payloadRate / bound;
    state.counters["chunk_bytes"] = double(chunk);
    state.counters["image_bytes"] = double(image.size());
    state.counters["seconds"] = seconds;
}
BENCHMARK(BM_SmpUploadDevsim115200)->UseRealTime()->Iterations(1)->Unit(benchmark::kSecond);

} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv); // the end-to-end run needs an event loop
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
