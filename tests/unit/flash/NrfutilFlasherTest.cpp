// NrfutilFlasher against stand-in scripts that print what `nrfutil device program --json` prints.
#include "device/NrfutilFlasher.h"

#include "core/bundle/FirmwareBundle.h"

#include <QFile>
#include <QTemporaryDir>
#include <gtest/gtest.h>
#include <qcoro/qcorotask.h>

using ps::device::FlashError;
using ps::device::NrfutilFlasher;
using ps::mcumgr::ImageVersion;

namespace {

ps::bundle::FirmwareBundle testBundle(bool withModem) {
    ps::bundle::BundleSource source;
    source.name = QStringLiteral("test firmware");
    source.version = QStringLiteral("1.6.0");
    source.models = {QStringLiteral("nRF9151")};
    source.application =
        ps::mcumgr::buildMcubootImage(ImageVersion{1, 6, 0, 0}, QByteArray("code").repeated(1000));
    if (withModem) {
        source.modem = QByteArray("modem package");
        source.modemVersion = QStringLiteral("mfw_nrf91x1_2.0.3");
    }
    return *ps::bundle::FirmwareBundle::read(*ps::bundle::writeBundle(source));
}

const char *const Begin =
    R"({"type":"task_begin","data":{"task":{"id":"1","description":"Programming","name":"program"}}})";
const char *const Progress50 =
    R"({"type":"task_progress","data":{"task":{"id":"1"},"progress":{"progressPercentage":50,"description":"Writing"}}})";
const char *const Progress100 =
    R"({"type":"task_progress","data":{"task":{"id":"1"},"progress":{"progressPercentage":100}}})";
const char *const EndOk = R"({"type":"task_end","data":{"task":{"id":"1"},"result":"success"}})";
const char *const EndFail =
    R"({"type":"task_end","data":{"task":{"id":"1","description":"Programming"},"result":"fail","error":{"code":24,"description":"Failed to connect to the J-Link probe"}}})";

class NrfutilStandIn : public testing::Test {
protected:
    /// A script that records its arguments, prints `lines` and exits with `exitCode`.
    QString script(const QStringList &lines, int exitCode) {
        const QString path = dir.filePath(QStringLiteral("nrfutil"));
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        QByteArray text = "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '" +
                          dir.filePath(QStringLiteral("args")).toUtf8() + "'\n";
        for (const QString &line : lines)
            text += "cat <<'EOF'\n" + line.toUtf8() + "\nEOF\n";
        text += "exit " + QByteArray::number(exitCode) + "\n";
        file.write(text);
        file.close();
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return path;
    }
    QStringList recordedArguments() {
        QFile file(dir.filePath(QStringLiteral("args")));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    }
    std::expected<ps::device::FlashOutcome, FlashError> run(const QString &program,
                                                            bool withModem = false) {
        ps::device::NrfutilOptions options;
        options.program = program;
        options.serialNumber = QStringLiteral("001050912345");
        NrfutilFlasher flasher(options);
        QObject::connect(&flasher, &NrfutilFlasher::progress, &flasher,
                         [this](qint64 sent, qint64 total, double) {
                             progress.push_back(sent);
                             total_ = total;
                         });
        QObject::connect(&flasher, &NrfutilFlasher::stageChanged, &flasher,
                         [this](auto, const QString &text) { stages.push_back(text); });
        auto result = QCoro::waitFor(flasher.flash(testBundle(withModem)));
        ignored = flasher.ignoredLines();
        return result;
    }

    QTemporaryDir dir;
    QList<qint64> progress;
    qint64 total_ = 0;
    QStringList stages;
    QStringList ignored;
};

} // namespace

TEST_F(NrfutilStandIn, ReportsProgressAndSucceeds) {
    const auto outcome = run(script({QString::fromLatin1(Begin), QString::fromLatin1(Progress50),
                                     QString::fromLatin1(Progress100), QString::fromLatin1(EndOk)},
                                    0));
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    const qint64 size = testBundle(false).application()->data.size();
    EXPECT_EQ(progress, (QList<qint64>{size / 2, size}));
    EXPECT_EQ(total_, size);
    EXPECT_EQ(stages, QStringList{QStringLiteral("Programming")});
    const QStringList args = recordedArguments();
    ASSERT_EQ(args.size(), 7);
    EXPECT_EQ(args.mid(0, 3), (QStringList{QStringLiteral("device"), QStringLiteral("program"),
                                           QStringLiteral("--firmware")}));
    EXPECT_TRUE(args.at(3).endsWith(u"app_update.bin"));
    EXPECT_EQ(args.mid(4), (QStringList{QStringLiteral("--serial-number"),
                                        QStringLiteral("001050912345"), QStringLiteral("--json")}));
}

TEST_F(NrfutilStandIn, ProgramsTheModemPackageFirstWhenTheBundleHasOne) {
    const auto outcome = run(script({QString::fromLatin1(EndOk)}, 0), true);
    ASSERT_TRUE(outcome.has_value()) << outcome.error().message.toStdString();
    const QStringList args = recordedArguments();
    ASSERT_EQ(args.size(), 14);
    EXPECT_TRUE(args.at(3).endsWith(u"modem.zip"));
    EXPECT_TRUE(args.at(10).endsWith(u"app_update.bin"));
}

TEST_F(NrfutilStandIn, FailsWithNrfutilsOwnMessage) {
    const auto outcome = run(script({QString::fromLatin1(Begin), QString::fromLatin1(EndFail)}, 1));
    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(toString(outcome.error().kind), toString(FlashError::Kind::ToolFailed));
    EXPECT_TRUE(outcome.error().message.contains(u"Failed to connect to the J-Link probe"))
        << outcome.error().message.toStdString();
}

TEST_F(NrfutilStandIn, IgnoresGarbageButTrustsTheExitCode) {
    const auto ok = run(script({QStringLiteral("Warning: something odd"), QStringLiteral("{\"half"),
                                QStringLiteral("[1,2,3]"), QString::fromLatin1(Progress50),
                                QString::fromLatin1(EndOk)},
                               0));
    ASSERT_TRUE(ok.has_value()) << ok.error().message.toStdString();
    EXPECT_EQ(ignored.size(), 3);
    EXPECT_EQ(progress.size(), 1);

    const auto failed = run(script({QStringLiteral("not json at all")}, 3));
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(toString(failed.error().kind), toString(FlashError::Kind::ToolFailed));
    EXPECT_TRUE(failed.error().message.contains(u"exit code 3"))
        << failed.error().message.toStdString();
}

TEST_F(NrfutilStandIn, SaysWhenNrfutilIsMissing) {
    const QString missing = dir.filePath(QStringLiteral("no-such-nrfutil"));
    EXPECT_FALSE(NrfutilFlasher::isAvailable(missing));
    const auto outcome = run(missing);
    ASSERT_FALSE(outcome.has_value());
    EXPECT_EQ(toString(outcome.error().kind), toString(FlashError::Kind::ToolMissing));
    EXPECT_TRUE(outcome.error().message.contains(u"not installed"));
}
