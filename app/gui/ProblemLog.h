#pragma once

#include <QList>
#include <QObject>
#include <QString>

namespace ps::gui {

/// Something that went wrong, with what the person can do about it.
struct Problem {
    qint64 timeMs = 0;
    QString source;  ///< the port or part of the app it concerns ("/dev/ttyACM0", "Session log")
    QString message; ///< what happened, in words
    QString advice;  ///< what to do next; may be empty when the message already says it

    /// "message — advice" for a status bar.
    [[nodiscard]] QString summary() const;
};

/// What to do about a failure reported in words by the device layer or the OS, for the
/// failures people meet most: a port they may not open (dialout), a port another program holds,
/// a device that went away. Empty when there is nothing useful to add or the text says it.
QString adviceFor(const QString &message);

/// The one place problems are collected: the main window shows the newest in the status bar
/// and all of them in the Problems dock. Bounded: the oldest are dropped past `limit`.
class ProblemLog : public QObject {
    Q_OBJECT
public:
    explicit ProblemLog(QObject *parent = nullptr);

    /// Adds a problem; fills in advice from adviceFor() when none was given.
    void report(Problem problem);
    void report(const QString &source, const QString &message);
    void clear();
    [[nodiscard]] const QList<Problem> &problems() const { return m_problems; }
    void setLimit(int limit);

Q_SIGNALS:
    void reported(const ps::gui::Problem &problem);
    void cleared();

private:
    QList<Problem> m_problems;
    int m_limit = 500;
};

} // namespace ps::gui
