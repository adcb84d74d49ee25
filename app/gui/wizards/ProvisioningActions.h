#pragma once

#include "ProvisioningContext.h"

#include <QObject>
#include <functional>

class QAction;
class QWidget;

namespace ps::gui {

class ClaimWizard;
class ReprovisionWizard;

/// The window's ways into claiming and reprovisioning: the actions Claim Device… (Ctrl+Shift+N),
/// Reprovision Device… (Ctrl+Shift+R) and Account… (Ctrl+Shift+A), each opening its wizard or
/// dialog on the window's ProvisioningContext. Wizards open as windows of their own, so the
/// consoles stay visible and usable while a flow runs.
///
/// The window says which devices there are (`devices`, asked each time a wizard opens: the
/// open consoles, current tab first) and puts the actions in its menus.
class ProvisioningActions : public QObject {
    Q_OBJECT
public:
    ProvisioningActions(ProvisioningContext *context, std::function<QList<DeviceChoice>()> devices,
                        QWidget *window);

    [[nodiscard]] QAction *claimAction() const { return m_claim; }
    [[nodiscard]] QAction *reprovisionAction() const { return m_reprovision; }
    [[nodiscard]] QAction *accountAction() const { return m_account; }

    ClaimWizard *openClaimWizard();
    ReprovisionWizard *openReprovisionWizard();

Q_SIGNALS:
    void wizardOpened(QWidget *wizard);

private:
    ProvisioningContext *m_context = nullptr;
    std::function<QList<DeviceChoice>()> m_devices;
    QWidget *m_window = nullptr;
    QAction *m_claim = nullptr;
    QAction *m_reprovision = nullptr;
    QAction *m_account = nullptr;
};

} // namespace ps::gui
