#include "ProblemLog.h"

#include <QDateTime>

namespace ps::gui {

QString Problem::summary() const {
    QString text = source.isEmpty() ? message : source + QStringLiteral(": ") + message;
    if (!advice.isEmpty())
        text += QStringLiteral(" — ") + advice;
    return text;
}

QString adviceFor(const QString &message) {
    const auto has = [&](const char *word) {
        return message.contains(QLatin1String(word), Qt::CaseInsensitive);
    };
    if (has("dialout") || has("close it") || has("plug") || has("check"))
        return {}; // the message already says what to do
    if (has("permission denied") || has("access denied") || has("not permitted")) {
        return QObject::tr("Add your user to the dialout group (sudo usermod -aG dialout "
                           "$USER), then log out and in again.");
    }
    if (has("busy") || has("in use") || has("locked")) {
        return QObject::tr("Another program holds the port (a serial terminal, nRF Connect, "
                           "ModemManager). Close it and connect again.");
    }
    if (has("no such file") || has("not found") || has("does not exist")) {
        return QObject::tr("The device is unplugged or the path is wrong: check the cable, or "
                           "add the port path again.");
    }
    return {};
}

ProblemLog::ProblemLog(QObject *parent)
    : QObject(parent) {}

void ProblemLog::report(Problem problem) {
    if (problem.timeMs == 0)
        problem.timeMs = QDateTime::currentMSecsSinceEpoch();
    if (problem.advice.isEmpty())
        problem.advice = adviceFor(problem.message);
    m_problems.append(problem);
    if (m_problems.size() > m_limit)
        m_problems.remove(0, m_problems.size() - m_limit);
    Q_EMIT reported(problem);
}

void ProblemLog::report(const QString &source, const QString &message) {
    report(Problem{0, source, message, {}});
}

void ProblemLog::clear() {
    m_problems.clear();
    Q_EMIT cleared();
}

void ProblemLog::setLimit(int limit) {
    m_limit = std::max(1, limit);
    if (m_problems.size() > m_limit)
        m_problems.remove(0, m_problems.size() - m_limit);
}

} // namespace ps::gui
