#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <map>
#include <optional>
#include <utility>

namespace ps::devsim {

/// The modem's credential storage (%CMNG, %KEYGEN), kept in `<state>/modem.json` so credentials
/// survive restarts as they survive power cycles on a real modem.
///
/// Content is stored as written (PEM text for certificates and keys; %KEYGEN stores its private
/// key as PKCS#8 PEM under type 2). The listed SHA-256 is the hash of that content.
class CredentialStore {
public:
    struct Credential {
        quint32 secTag = 0;
        int type = 0;
        QByteArray content;
    };

    /// Reads `<stateDir>/modem.json` if it exists; without a state folder the store lives in
    /// memory only.
    explicit CredentialStore(QString stateDir = {});

    [[nodiscard]] QString loadError() const { return m_loadError; }

    [[nodiscard]] std::optional<Credential> find(quint32 secTag, int type) const;
    /// Sorted by sec tag, then type; all tags when `secTag` is empty.
    [[nodiscard]] QList<Credential> list(std::optional<quint32> secTag = std::nullopt,
                                         std::optional<int> type = std::nullopt) const;
    bool write(quint32 secTag, int type, QByteArray content);
    bool remove(quint32 secTag, int type);
    /// %XFACTORYRESET: forget every credential.
    void clear();

    /// Upper-case hex SHA-256 as %CMNG lists it.
    static QString digestOf(const QByteArray &content);

private:
    bool save();

    QString m_path;
    QString m_loadError;
    std::map<std::pair<quint32, int>, QByteArray> m_credentials;
};

} // namespace ps::devsim
