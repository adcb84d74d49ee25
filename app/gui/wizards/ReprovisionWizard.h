#pragma once

#include "FlowWizard.h"
#include "station/ReprovisionFlow.h"

#include <optional>

namespace ps::gui {

/// Repairs the cloud credentials of a device provisioned before, one page per step of a
/// ReprovisionFlow:
///
///  1 Identify  the connected device, or a device id / IMEI looked up in the account
///  2 Compare   the device's credentials on the sec tag next to the cloud's view
///  3 Action    a new cloud access key on a sec tag, or unclaim and claim again (confirmed)
///  4 Trigger   the shell, the device shadow, or the device's own next check
///  5 Follow    the command's status in the cloud and the device's states, to reconnection
///  6 Summary   the outcome and the report
///
/// The flow is held before the action and the trigger: the operator chooses on the page
/// before, and Next lets it run with that choice.
class ReprovisionWizard : public FlowWizard {
    Q_OBJECT
public:
    enum PageId { IdentifyPage, ComparePage, ActionPage, TriggerPage, FollowPage, SummaryPage };

    ReprovisionWizard(ProvisioningContext *context, QList<DeviceChoice> devices,
                      QWidget *parent = nullptr);

    /// Options every reprovision of this wizard starts from (timeouts); the pages set the
    /// device, the action and the trigger.
    void setBaseOptions(ps::station::ReprovisionOptions options) {
        m_baseOptions = std::move(options);
    }
    [[nodiscard]] const ps::station::ReprovisionOptions &baseOptions() const {
        return m_baseOptions;
    }
    [[nodiscard]] ps::station::ReprovisionFlow *reprovisionFlow() const;

    /// Starts with `link`'s device, or the account's device with this id or IMEI.
    void begin(ps::device::DeviceLink *link, const QString &deviceId, const QString &imei);

    /// The pages' choices, applied before the held steps run (and before a retry).
    void chooseAction(ps::station::ReprovisionOptions::Action action, quint32 secTag,
                      bool confirmed);
    void chooseTrigger(ps::station::ReprovisionOptions::Trigger trigger);
    [[nodiscard]] bool deviceAtHand() const;

    /// Asks before a destructive reclaim (replaceable for tests); true to go ahead.
    using Confirmation = std::function<bool(QWidget *parent, const QString &deviceId)>;
    void setReclaimConfirmation(Confirmation confirm) { m_confirm = std::move(confirm); }
    bool confirmReclaim();

    [[nodiscard]] int summaryPageId() const override { return SummaryPage; }

protected:
    void applyChoices() override;

private:
    ps::station::ReprovisionOptions m_baseOptions;
    std::optional<ps::station::ReprovisionOptions::Action> m_action;
    quint32 m_secTag = 16842753;
    bool m_confirmed = false;
    std::optional<ps::station::ReprovisionOptions::Trigger> m_trigger;
    Confirmation m_confirm;
};

} // namespace ps::gui
