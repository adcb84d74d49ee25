#pragma once

#include "gui/account/CloudAccount.h"
#include "gui/history/HistorySettings.h"
#include "station/AuditStore.h"
#include "station/FlowTypes.h"

#include <QObject>
#include <QPointer>
#include <expected>
#include <memory>

class QWidget;

namespace ps::device {
class DeviceLink;
}

namespace ps::gui {

/// A device a wizard may work on: an open console's link, under the name its tab shows.
struct DeviceChoice {
    QString title;
    QPointer<ps::device::DeviceLink> link;
};

/// What the claim and reprovision wizards and the History panel share in one window: the
/// nRF Cloud account (settings, key, REST client), the audit store (opened on first use), and
/// who works where. The window makes one and hands it to each wizard and to the panel.
///
/// Problems that are not a flow's (the audit store will not open, the key cannot be stored)
/// go out through problemOccurred, to the window's one place for problems.
class ProvisioningContext : public QObject {
    Q_OBJECT
public:
    ProvisioningContext(AccountSettings account, HistorySettings history,
                        QObject *parent = nullptr);
    ~ProvisioningContext() override;

    [[nodiscard]] CloudAccount *account() const { return m_account; }
    [[nodiscard]] const HistorySettings &historySettings() const { return m_history; }

    /// The audit store, opened (and created) on first use; the error says why it would not
    /// open and is also reported through problemOccurred.
    std::expected<ps::station::AuditStore *, QString> auditStore();

    [[nodiscard]] ps::station::StationIdentity station() const { return m_station; }
    void setStation(ps::station::StationIdentity station) { m_station = std::move(station); }

    /// Shows the Account dialog and applies what it returns (the caller acts: STYLE §9).
    /// `done` runs after the change was applied (or the dialog was cancelled).
    void editAccount(QWidget *parent, std::function<void(bool changed)> done = {});

    /// A flow finished and its record is in the store: History panels refresh.
    void announceRecord(const ps::station::AuditRecord &record);

Q_SIGNALS:
    void recordAdded(const ps::station::AuditRecord &record);
    void accountChanged(const ps::gui::AccountSettings &settings);
    void problemOccurred(const QString &source, const QString &message);

private:
    CloudAccount *m_account = nullptr;
    HistorySettings m_history;
    std::unique_ptr<ps::station::AuditStore> m_store;
    ps::station::StationIdentity m_station;
};

} // namespace ps::gui
