#pragma once

// Looking for a secret in what a program left behind: its files and its output, in every form
// the secret could have been written down in (as is, base64, percent-encoded, hex, UTF-16).

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace ps::secrets::test {

/// One way of writing the secret, and its name for failure messages ("base64 at offset 1").
struct SecretForm {
    QString name;
    QByteArray bytes;
};

/// The forms of `secret` to look for. Base64 is listed for each of the three alignments the
/// secret can have inside a longer encoded text (only the characters that depend on the
/// secret alone), in the standard and the URL alphabet.
QList<SecretForm> secretForms(const QByteArray &secret);

/// Where a form was found: "<file or stream>: <form>".
struct Sighting {
    QString where;
    QString form;
    [[nodiscard]] QString toString() const { return where + QStringLiteral(": ") + form; }
};

/// The forms of `forms` found in `data`, which is named `where` in the sightings.
QList<Sighting> findIn(const QString &where, const QByteArray &data,
                       const QList<SecretForm> &forms);

/// Every regular file below `root` (recursively, hidden files too) searched for `forms`;
/// `searched` receives the files read, so a test can check that there was something to search.
QList<Sighting> findInTree(const QString &root, const QList<SecretForm> &forms,
                           QStringList *searched = nullptr);

/// Sightings as one text for a failure message.
std::string describe(const QList<Sighting> &sightings);

} // namespace ps::secrets::test
