#pragma once

#include "station/DeviceMonitor.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QListWidget;
class QTimer;

namespace ps::gui {

/// A small live summary of what the device says while a flow runs: its LTE connection, its
/// provisioning client and its nRF Cloud connection, each with the latest state in words, and
/// the last few events. LTE going down while the device writes its new credentials is normal;
/// the view says so instead of showing it as a problem.
class DeviceStatesView : public QWidget {
    Q_OBJECT
public:
    /// How a lane looks now.
    enum class Tone { Unknown, Good, Busy, Attention, Bad };

    explicit DeviceStatesView(QWidget *parent = nullptr);

    /// Follows `monitor` from its next event on (and shows what it saw since `since`).
    void setMonitor(ps::station::DeviceMonitor *monitor, qsizetype since = 0);

    /// The words shown for each lane (tests).
    [[nodiscard]] QString lteText() const;
    [[nodiscard]] QString provisioningText() const;
    [[nodiscard]] QString cloudText() const;
    /// Whether the "LTE drops and comes back: normal" notice is emphasised (LTE is down while
    /// provisioning runs).
    [[nodiscard]] bool lteDropExplained() const { return m_lteDropNow; }
    /// Whether LTE went down during provisioning at any time since setMonitor().
    [[nodiscard]] bool lteDropSeen() const { return m_lteDropSeen; }

    /// The tone of a device event's state in its lane.
    static Tone toneOf(const ps::station::DeviceEvent &event);

private:
    void onEvent(const ps::station::DeviceEvent &event);
    void repaintLanes();

    struct Lane {
        QLabel *icon = nullptr;
        QLabel *text = nullptr;
        QString value;
        Tone tone = Tone::Unknown;
    };
    QPointer<ps::station::DeviceMonitor> m_monitor;
    Lane m_lte;
    Lane m_provisioning;
    Lane m_cloud;
    QLabel *m_notice = nullptr;
    QListWidget *m_events = nullptr;
    QTimer *m_coalesce = nullptr;
    QStringList m_pendingEvents;
    bool m_provisioningActive = false;
    bool m_lteDropNow = false;
    bool m_lteDropSeen = false;
};

} // namespace ps::gui
