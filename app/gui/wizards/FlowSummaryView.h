#pragma once

#include "station/AuditRecord.h"

#include <QPointer>
#include <QWidget>
#include <expected>

class QLabel;
class QLineEdit;
class QPushButton;

namespace ps::station {
class Flow;
}

namespace ps::gui {

class FlowStepList;
class FlowTracker;

/// The end of a wizard: the verdict in words, the device id to copy, a link to the device in
/// the nRF Cloud portal, every step with its time, and the report (the attempt's audit record
/// as JSON) to save.
class FlowSummaryView : public QWidget {
    Q_OBJECT
public:
    explicit FlowSummaryView(QWidget *parent = nullptr);

    void setTracker(FlowTracker *tracker);
    void refresh();

    /// The report of the finished flow: its audit record as JSON.
    [[nodiscard]] QByteArray reportJson() const;
    std::expected<void, QString> exportReport(const QString &path) const;
    /// https://nrfcloud.com/#/devices/<id>
    static QUrl portalUrl(const QString &deviceId);

    [[nodiscard]] QString verdictText() const;
    [[nodiscard]] QString deviceId() const;

private:
    void askExport();

    QPointer<FlowTracker> m_tracker;
    QLabel *m_verdictIcon = nullptr;
    QLabel *m_verdict = nullptr;
    QLabel *m_reason = nullptr;
    QLineEdit *m_deviceId = nullptr;
    QPushButton *m_copy = nullptr;
    QLabel *m_portal = nullptr;
    QPushButton *m_export = nullptr;
    QLabel *m_exportStatus = nullptr;
    FlowStepList *m_steps = nullptr;
};

} // namespace ps::gui
