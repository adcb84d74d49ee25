#include "ProvisioningContext.h"

#include "gui/account/AccountDialog.h"

#include <QPointer>

namespace ps::gui {

ProvisioningContext::ProvisioningContext(AccountSettings account, HistorySettings history,
                                         QObject *parent)
    : QObject(parent)
    , m_account(new CloudAccount(std::move(account), this))
    , m_history(std::move(history))
    , m_station(ps::station::StationIdentity{}.resolved()) {}

ProvisioningContext::~ProvisioningContext() = default;

std::expected<ps::station::AuditStore *, QString> ProvisioningContext::auditStore() {
    if (m_store && m_store->isOpen())
        return m_store.get();
    ps::station::AuditStoreOptions options;
    options.databaseName = m_history.database;
    auto store = std::make_unique<ps::station::AuditStore>(options);
    if (auto opened = store->open(); !opened) {
        const QString message =
            tr("The audit database %1 cannot be opened: %2")
                .arg(options.databaseName.isEmpty() ? ps::station::AuditStoreOptions::defaultPath()
                                                    : options.databaseName,
                     opened.error());
        Q_EMIT problemOccurred(tr("History"), message);
        return std::unexpected(message);
    }
    m_store = std::move(store);
    return m_store.get();
}

void ProvisioningContext::editAccount(QWidget *parent, std::function<void(bool)> done) {
    const auto change = AccountDialog::ask(parent, *m_account);
    if (!change) {
        if (done)
            done(false);
        return;
    }
    QCoro::connect(m_account->apply(*change), this,
                   [this, done = std::move(done)](const std::expected<void, QString> &applied) {
                       if (!applied)
                           Q_EMIT problemOccurred(tr("Account"), applied.error());
                       Q_EMIT accountChanged(m_account->settings());
                       if (done)
                           done(true);
                   });
}

void ProvisioningContext::announceRecord(const ps::station::AuditRecord &record) {
    Q_EMIT recordAdded(record);
}

} // namespace ps::gui
