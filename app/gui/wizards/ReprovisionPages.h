#pragma once

#include "FlowWizard.h"

#include <memory>

namespace Ui {
class ReprovisionIdentifyPage;
class ReprovisionComparePage;
class ReprovisionActionPage;
class ReprovisionTriggerPage;
class ReprovisionFollowPage;
class ReprovisionSummaryPage;
} // namespace Ui

namespace ps::gui {

class ReprovisionWizard;

/// 1: the connected device, or a device of the account by id or IMEI.
class ReprovisionIdentifyPage : public QWizardPage {
    Q_OBJECT
public:
    explicit ReprovisionIdentifyPage(ReprovisionWizard *wizard);
    ~ReprovisionIdentifyPage() override;

    bool isComplete() const override;
    bool validatePage() override;

    void chooseDevice(int index);
    void setLookup(const QString &deviceIdOrImei);

private:
    void update();

    std::unique_ptr<Ui::ReprovisionIdentifyPage> m_ui;
    ReprovisionWizard *m_wizard = nullptr;
};

/// 2: the device's credentials next to the cloud's view, differences in words.
class ReprovisionComparePage : public FlowPage {
    Q_OBJECT
public:
    explicit ReprovisionComparePage(ReprovisionWizard *wizard);
    ~ReprovisionComparePage() override;
    void initializePage() override;

    [[nodiscard]] QString differencesText() const;

protected:
    void refresh() override;

private:
    std::unique_ptr<Ui::ReprovisionComparePage> m_ui;
};

/// 3: a new key on a sec tag, or unclaim and claim again.
class ReprovisionActionPage : public FlowPage {
    Q_OBJECT
public:
    explicit ReprovisionActionPage(ReprovisionWizard *wizard);
    ~ReprovisionActionPage() override;
    void initializePage() override;
    bool validatePage() override;

    void chooseReclaim(bool reclaim);
    void setSecTag(quint32 secTag);

private:
    void update();

    std::unique_ptr<Ui::ReprovisionActionPage> m_ui;
    ReprovisionWizard *m_wizard = nullptr;
};

/// 4: how the device learns about the command.
class ReprovisionTriggerPage : public FlowPage {
    Q_OBJECT
public:
    explicit ReprovisionTriggerPage(ReprovisionWizard *wizard);
    ~ReprovisionTriggerPage() override;
    void initializePage() override;
    bool validatePage() override;

    enum class Choice { Shell, Shadow, Wait };
    void choose(Choice choice);

protected:
    void refresh() override;

private:
    std::unique_ptr<Ui::ReprovisionTriggerPage> m_ui;
    ReprovisionWizard *m_wizard = nullptr;
};

/// 5: the cloud command and the device side by side, until the device is back.
class ReprovisionFollowPage : public FlowPage {
    Q_OBJECT
public:
    explicit ReprovisionFollowPage(ReprovisionWizard *wizard);
    ~ReprovisionFollowPage() override;
    void initializePage() override;

private:
    std::unique_ptr<Ui::ReprovisionFollowPage> m_ui;
};

/// 6: the outcome and the report.
class ReprovisionSummaryPage : public FlowPage {
    Q_OBJECT
public:
    explicit ReprovisionSummaryPage(ReprovisionWizard *wizard);
    ~ReprovisionSummaryPage() override;
    void initializePage() override;
    bool isComplete() const override;

private:
    std::unique_ptr<Ui::ReprovisionSummaryPage> m_ui;
};

} // namespace ps::gui
