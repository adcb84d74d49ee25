#pragma once

#include "FlowWizard.h"

#include <QStringList>
#include <memory>

namespace Ui {
class ClaimDevicePage;
class ClaimIdentityPage;
class ClaimAccountPage;
class ClaimPreflightPage;
class ClaimProvisionPage;
class ClaimVerifyPage;
class ClaimSummaryPage;
} // namespace Ui

namespace ps::gui {

class ClaimWizard;

/// 1: which device, or a token pasted or read from a saved log.
class ClaimDevicePage : public QWizardPage {
    Q_OBJECT
public:
    explicit ClaimDevicePage(ClaimWizard *wizard);
    ~ClaimDevicePage() override;

    bool isComplete() const override;
    bool validatePage() override;

    /// Reads the newest token from a saved log (what the button does after its file dialog).
    bool takeTokenFromLog(const QString &path);
    void setToken(const QString &text);
    void chooseDevice(int index);

private:
    void update();

    std::unique_ptr<Ui::ClaimDevicePage> m_ui;
    ClaimWizard *m_wizard = nullptr;
};

/// 2: what the device said about itself and its token.
class ClaimIdentityPage : public FlowPage {
    Q_OBJECT
public:
    explicit ClaimIdentityPage(ClaimWizard *wizard);
    ~ClaimIdentityPage() override;
    void initializePage() override;

protected:
    void refresh() override;

private:
    std::unique_ptr<Ui::ClaimIdentityPage> m_ui;
};

/// 3: the key, the onboarding rule (with consent to create it) and the tags.
class ClaimAccountPage : public FlowPage {
    Q_OBJECT
public:
    explicit ClaimAccountPage(ClaimWizard *wizard);
    ~ClaimAccountPage() override;
    void initializePage() override;

    [[nodiscard]] QStringList tags() const;
    [[nodiscard]] bool consentToCreateRule() const;
    void setConsentToCreateRule(bool consent);

protected:
    void refresh() override;

private:
    std::unique_ptr<Ui::ClaimAccountPage> m_ui;
    ClaimWizard *m_wizard = nullptr;
};

/// 4: the dry-run claim.
class ClaimPreflightPage : public FlowPage {
    Q_OBJECT
public:
    explicit ClaimPreflightPage(ClaimWizard *wizard);
    ~ClaimPreflightPage() override;
    void initializePage() override;

private:
    std::unique_ptr<Ui::ClaimPreflightPage> m_ui;
};

/// 5: the claim and the device's provisioning, live.
class ClaimProvisionPage : public FlowPage {
    Q_OBJECT
public:
    explicit ClaimProvisionPage(ClaimWizard *wizard);
    ~ClaimProvisionPage() override;
    void initializePage() override;

private:
    std::unique_ptr<Ui::ClaimProvisionPage> m_ui;
};

/// 6: the cloud connection and the account's device list.
class ClaimVerifyPage : public FlowPage {
    Q_OBJECT
public:
    explicit ClaimVerifyPage(ClaimWizard *wizard);
    ~ClaimVerifyPage() override;
    void initializePage() override;

protected:
    void refresh() override;

private:
    std::unique_ptr<Ui::ClaimVerifyPage> m_ui;
};

/// 7: the outcome.
class ClaimSummaryPage : public FlowPage {
    Q_OBJECT
public:
    explicit ClaimSummaryPage(ClaimWizard *wizard);
    ~ClaimSummaryPage() override;
    void initializePage() override;
    bool isComplete() const override;

private:
    std::unique_ptr<Ui::ClaimSummaryPage> m_ui;
};

} // namespace ps::gui
