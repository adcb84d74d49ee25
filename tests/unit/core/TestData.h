#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>
#include <gtest/gtest.h>
#include <ostream>

// Readable gtest failure output for Qt strings.
inline void PrintTo(const QString &text, std::ostream *os) {
    *os << '"' << text.toStdString() << '"';
}

inline void PrintTo(const QByteArray &bytes, std::ostream *os) {
    *os << '"' << bytes.toPercentEncoding(" :[]<>.,;$~=+-_/'\"").toStdString() << '"';
}

namespace ps::core::test {

/// Bytes of a file under tests/data; fails the calling test when it cannot be read.
inline QByteArray readTestData(const QString &relativePath) {
    QFile file(QStringLiteral(PROVSTATION_TEST_DATA_DIR "/") + relativePath);
    if (!file.open(QIODevice::ReadOnly)) {
        ADD_FAILURE() << "cannot read test data " << file.fileName().toStdString();
        return {};
    }
    return file.readAll();
}

} // namespace ps::core::test
