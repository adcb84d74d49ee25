#include "Settings.h"

#include <QSettings>
#include <algorithm>
#include <array>
#include <utility>

namespace ps::gui {

namespace {

using namespace Qt::StringLiterals;

// Enums are stored as words so that a settings file stays readable and survives reordering.
template<typename E> struct EnumName {
    E value;
    QLatin1StringView name;
};

constexpr std::array lineEndingNames{
    EnumName<LineEnding>{LineEnding::CrLf, "crlf"_L1},
    EnumName<LineEnding>{LineEnding::Cr, "cr"_L1},
    EnumName<LineEnding>{LineEnding::Lf, "lf"_L1},
    EnumName<LineEnding>{LineEnding::None, "none"_L1},
};

constexpr std::array themeNames{
    EnumName<Theme>{Theme::System, "system"_L1},
    EnumName<Theme>{Theme::Light, "light"_L1},
    EnumName<Theme>{Theme::Dark, "dark"_L1},
};

using Parity = ps::device::SerialSettings::Parity;
constexpr std::array parityNames{
    EnumName<Parity>{Parity::None, "none"_L1},
    EnumName<Parity>{Parity::Even, "even"_L1},
    EnumName<Parity>{Parity::Odd, "odd"_L1},
};

template<typename E, std::size_t N>
QString nameOf(const std::array<EnumName<E>, N> &names, E value) {
    for (const auto &entry : names) {
        if (entry.value == value)
            return entry.name;
    }
    return names.front().name;
}

template<typename E, std::size_t N>
E valueOf(const std::array<EnumName<E>, N> &names, const QVariant &stored, E fallback) {
    const QString text = stored.toString();
    for (const auto &entry : names) {
        if (entry.name == text)
            return entry.value;
    }
    return fallback;
}

int clampedInt(const QVariant &stored, int fallback, int low, int high) {
    bool ok = false;
    const int value = stored.toInt(&ok);
    return ok ? std::clamp(value, low, high) : fallback;
}

qint64 clampedInt64(const QVariant &stored, qint64 fallback, qint64 low, qint64 high) {
    bool ok = false;
    const qint64 value = stored.toLongLong(&ok);
    return ok ? std::clamp(value, low, high) : fallback;
}

constexpr std::array validBaudRates{1200,  2400,   4800,   9600,   19200,  38400,
                                    57600, 115200, 230400, 460800, 921600, 1000000};

} // namespace

QByteArray lineEndingBytes(LineEnding ending) {
    switch (ending) {
    case LineEnding::CrLf:
        return QByteArrayLiteral("\r\n");
    case LineEnding::Cr:
        return QByteArrayLiteral("\r");
    case LineEnding::Lf:
        return QByteArrayLiteral("\n");
    case LineEnding::None:
        break;
    }
    return {};
}

Settings Settings::load() {
    QSettings store;
    return load(store);
}

Settings Settings::load(QSettings &store) {
    Settings s;
    const Settings defaults;

    store.beginGroup(u"console"_s);
    s.console.maxLines =
        clampedInt(store.value(u"maxLines"_s), defaults.console.maxLines, 100, 10'000'000);
    s.console.maxMegabytes =
        clampedInt(store.value(u"maxMegabytes"_s), defaults.console.maxMegabytes, 1, 4096);
    s.console.showTimestamps =
        store.value(u"showTimestamps"_s, defaults.console.showTimestamps).toBool();
    s.console.fontPointSize = clampedInt(store.value(u"fontPointSize"_s), 0, 0, 72);
    store.endGroup();

    store.beginGroup(u"command"_s);
    s.command.lineEnding =
        valueOf(lineEndingNames, store.value(u"lineEnding"_s), defaults.command.lineEnding);
    s.command.hexMode = store.value(u"hexMode"_s, false).toBool();
    s.command.historyLimit =
        clampedInt(store.value(u"historyLimit"_s), defaults.command.historyLimit, 1, 100'000);
    s.command.history = store.value(u"history"_s).toStringList();
    if (s.command.history.size() > s.command.historyLimit)
        s.command.history.remove(0, s.command.history.size() - s.command.historyLimit);
    store.endGroup();

    store.beginGroup(u"sessionLog"_s);
    s.sessionLog.enabled = store.value(u"enabled"_s, defaults.sessionLog.enabled).toBool();
    s.sessionLog.maxFileBytes =
        clampedInt64(store.value(u"maxFileBytes"_s), defaults.sessionLog.maxFileBytes, 4096,
                     4LL * 1024 * 1024 * 1024);
    s.sessionLog.keepFiles =
        clampedInt(store.value(u"keepFiles"_s), defaults.sessionLog.keepFiles, 1, 10'000);
    store.endGroup();

    store.beginGroup(u"serial"_s);
    const int baud = store.value(u"baudRate"_s, defaults.serial.baudRate).toInt();
    s.serial.baudRate = std::ranges::find(validBaudRates, baud) != validBaudRates.end()
                            ? baud
                            : defaults.serial.baudRate;
    s.serial.dataBits = clampedInt(store.value(u"dataBits"_s), defaults.serial.dataBits, 5, 8);
    s.serial.parity = valueOf(parityNames, store.value(u"parity"_s), defaults.serial.parity);
    s.serial.stopBits = clampedInt(store.value(u"stopBits"_s), defaults.serial.stopBits, 1, 2);
    s.serial.hardwareFlowControl = store.value(u"hardwareFlowControl"_s, false).toBool();
    store.endGroup();

    store.beginGroup(u"window"_s);
    s.theme = valueOf(themeNames, store.value(u"theme"_s), defaults.theme);
    s.windowGeometry = store.value(u"geometry"_s).toByteArray();
    s.windowState = store.value(u"state"_s).toByteArray();
    store.endGroup();

    s.manualPorts = store.value(u"ports/manual"_s).toStringList();
    s.manualPorts.removeDuplicates();
    return s;
}

void Settings::save() const {
    QSettings store;
    save(store);
}

void Settings::save(QSettings &store) const {
    store.beginGroup(u"console"_s);
    store.setValue(u"maxLines"_s, console.maxLines);
    store.setValue(u"maxMegabytes"_s, console.maxMegabytes);
    store.setValue(u"showTimestamps"_s, console.showTimestamps);
    store.setValue(u"fontPointSize"_s, console.fontPointSize);
    store.endGroup();

    store.beginGroup(u"command"_s);
    store.setValue(u"lineEnding"_s, nameOf(lineEndingNames, command.lineEnding));
    store.setValue(u"hexMode"_s, command.hexMode);
    store.setValue(u"historyLimit"_s, command.historyLimit);
    store.setValue(u"history"_s, command.history);
    store.endGroup();

    store.beginGroup(u"sessionLog"_s);
    store.setValue(u"enabled"_s, sessionLog.enabled);
    store.setValue(u"maxFileBytes"_s, sessionLog.maxFileBytes);
    store.setValue(u"keepFiles"_s, sessionLog.keepFiles);
    store.endGroup();

    store.beginGroup(u"serial"_s);
    store.setValue(u"baudRate"_s, serial.baudRate);
    store.setValue(u"dataBits"_s, serial.dataBits);
    store.setValue(u"parity"_s, nameOf(parityNames, serial.parity));
    store.setValue(u"stopBits"_s, serial.stopBits);
    store.setValue(u"hardwareFlowControl"_s, serial.hardwareFlowControl);
    store.endGroup();

    store.beginGroup(u"window"_s);
    store.setValue(u"theme"_s, nameOf(themeNames, theme));
    store.setValue(u"geometry"_s, windowGeometry);
    store.setValue(u"state"_s, windowState);
    store.endGroup();

    store.setValue(u"ports/manual"_s, manualPorts);
    store.sync();
}

} // namespace ps::gui
