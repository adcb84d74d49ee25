#include "NrfutilFlasher.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace ps::device {
namespace {

FlashError toolError(FlashError::Kind kind, QString message) {
    FlashError error;
    error.kind = kind;
    error.message = std::move(message);
    return error;
}

QString resolve(const QString &program) {
    if (program.contains(u'/')) {
        const QFileInfo info(program);
        return info.isFile() && info.isExecutable() ? info.absoluteFilePath() : QString();
    }
    return QStandardPaths::findExecutable(program);
}

/// The task's description in a task_* object, wherever nrfutil versions put it.
QString taskText(const QJsonObject &data) {
    const QJsonObject task = data.value(QStringLiteral("task")).toObject();
    QString text = task.value(QStringLiteral("description")).toString();
    if (text.isEmpty())
        text = data.value(QStringLiteral("description")).toString();
    return text;
}

} // namespace

NrfutilFlasher::NrfutilFlasher(NrfutilOptions options, QObject *parent)
    : Flasher(parent)
    , m_options(std::move(options)) {}

bool NrfutilFlasher::isAvailable(const QString &program) {
    return !resolve(program).isEmpty();
}

std::optional<QString> NrfutilFlasher::handleLine(const QByteArray &line, qint64 size) {
    const QByteArray trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(trimmed, &parseError);
    if (!document.isObject()) {
        m_ignored.push_back(QString::fromUtf8(trimmed));
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    const QString type = object.value(QStringLiteral("type")).toString();
    const QJsonObject data = object.value(QStringLiteral("data")).toObject();
    if (type == u"task_begin") {
        Q_EMIT stageChanged(Stage::Uploading, taskText(data));
    } else if (type == u"task_progress") {
        const QJsonObject progressObject = data.value(QStringLiteral("progress")).toObject();
        const double percent =
            progressObject.value(QStringLiteral("progressPercentage")).toDouble(-1);
        if (percent >= 0 && percent <= 100)
            Q_EMIT progress(qint64(double(size) * percent / 100.0), size, 0);
    } else if (type == u"task_end") {
        const QString result = data.value(QStringLiteral("result")).toString();
        if (result != u"success") {
            QString message = data.value(QStringLiteral("error"))
                                  .toObject()
                                  .value(QStringLiteral("description"))
                                  .toString();
            if (message.isEmpty())
                message = data.value(QStringLiteral("message")).toString();
            if (message.isEmpty())
                message = QStringLiteral("task \"%1\" ended with result \"%2\"")
                              .arg(taskText(data), result);
            return message;
        }
    } else {
        m_ignored.push_back(QString::fromUtf8(trimmed));
    }
    return std::nullopt;
}

QCoro::Task<std::expected<void, FlashError>> NrfutilFlasher::program(QString file, qint64 size) {
    const QString executable = resolve(m_options.program);
    if (executable.isEmpty())
        co_return std::unexpected(toolError(
            FlashError::Kind::ToolMissing,
            QStringLiteral("nrfutil (%1) is not installed or not executable; install nrfutil "
                           "with its \"device\" command, or flash over serial recovery.")
                .arg(m_options.program)));
    QStringList arguments{QStringLiteral("device"), QStringLiteral("program"),
                          QStringLiteral("--firmware"), file};
    if (!m_options.serialNumber.isEmpty())
        arguments << QStringLiteral("--serial-number") << m_options.serialNumber;
    arguments << QStringLiteral("--json");

    QProcess process;
    QByteArray pending;
    std::optional<QString> failure;
    bool finished = false;
    connect(&process, &QProcess::readyReadStandardOutput, this, [&] {
        pending += process.readAllStandardOutput();
        qsizetype newline = 0;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(newline);
            pending.remove(0, newline + 1);
            if (auto message = handleLine(line, size); message && !failure)
                failure = std::move(message);
        }
    });
    connect(&process, &QProcess::finished, this, [&] {
        finished = true;
        Q_EMIT wake();
    });
    connect(&process, &QProcess::errorOccurred, this, [&](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            finished = true;
            Q_EMIT wake();
        }
    });
    process.start(executable, arguments);
    const QDeadlineTimer deadline(m_options.timeout);
    while (!finished && !isCancelled() && !deadline.hasExpired()) {
        WakeAwaiter awaiter(
            *this, std::chrono::milliseconds(std::max<qint64>(1, deadline.remainingTime())));
        co_await awaiter;
    }
    if (!finished) {
        process.kill();
        process.waitForFinished(2000);
        co_return std::unexpected(toolError(
            isCancelled() ? FlashError::Kind::Cancelled : FlashError::Kind::ToolFailed,
            isCancelled() ? QStringLiteral("Cancelled: nrfutil was stopped; program the device "
                                           "again before using it.")
                          : QStringLiteral("nrfutil did not finish within %1 s.")
                                .arg(m_options.timeout.count() / 1000)));
    }
    pending += process.readAllStandardOutput();
    if (!pending.isEmpty())
        if (auto message = handleLine(pending, size); message && !failure)
            failure = std::move(message);
    if (process.error() == QProcess::FailedToStart)
        co_return std::unexpected(toolError(
            FlashError::Kind::ToolMissing,
            QStringLiteral("nrfutil could not be started: %1").arg(process.errorString())));
    if (failure)
        co_return std::unexpected(
            toolError(FlashError::Kind::ToolFailed, QStringLiteral("nrfutil: ") + *failure));
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString stderrText = QString::fromUtf8(process.readAllStandardError()).trimmed();
        co_return std::unexpected(toolError(
            FlashError::Kind::ToolFailed,
            QStringLiteral("nrfutil failed (exit code %1)%2")
                .arg(process.exitCode())
                .arg(stderrText.isEmpty() ? QString() : QStringLiteral(": ") + stderrText)));
    }
    co_return {};
}

QCoro::Task<std::expected<FlashOutcome, FlashError>>
NrfutilFlasher::flash(ps::bundle::FirmwareBundle bundle) {
    const ps::bundle::BundleImage *application = bundle.application();
    if (!application)
        co_return std::unexpected(toolError(
            FlashError::Kind::BadBundle, QStringLiteral("The bundle has no application image.")));
    QTemporaryDir dir;
    if (!dir.isValid())
        co_return std::unexpected(toolError(
            FlashError::Kind::ToolFailed,
            QStringLiteral("No temporary folder for nrfutil: %1").arg(dir.errorString())));
    FlashOutcome outcome;
    outcome.expectedVersion = application->version;
    outcome.confirmation = QStringLiteral("programmed over the debug probe");
    QElapsedTimer elapsed;
    elapsed.start();
    QList<const ps::bundle::BundleImage *> order;
    if (const auto *modem = bundle.modem())
        order.push_back(modem);
    order.push_back(application);
    for (const ps::bundle::BundleImage *image : order) {
        const QString path = dir.filePath(QFileInfo(image->file).fileName());
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(image->data) != image->data.size())
            co_return std::unexpected(toolError(
                FlashError::Kind::ToolFailed,
                QStringLiteral("Cannot write %1 for nrfutil: %2").arg(path, file.errorString())));
        file.close();
        auto done = co_await program(path, image->data.size());
        if (!done) {
            done.error().bytesSent = outcome.bytesSent;
            co_return std::unexpected(done.error());
        }
        outcome.bytesSent += image->data.size();
    }
    outcome.seconds = double(elapsed.nsecsElapsed()) / 1e9;
    outcome.bytesPerSecond = outcome.seconds > 0 ? double(outcome.bytesSent) / outcome.seconds : 0;
    co_return outcome;
}

} // namespace ps::device
