#include "gui/Icons.h"

#include "gui/ThemedSvgIconEngine.h"

#include <QApplication>
#include <QImage>
#include <QPalette>
#include <gtest/gtest.h>

using namespace ps::gui;

namespace {

int opaquePixels(const QImage &image) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            count += qAlpha(image.pixel(x, y)) > 128 ? 1 : 0;
        }
    }
    return count;
}

/// The colour most opaque pixels have, ignoring anti-aliased edges.
QColor dominantColour(const QImage &image) {
    QHash<QRgb, int> counts;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (qAlpha(image.pixel(x, y)) == 255) {
                ++counts[image.pixel(x, y) | 0xff000000u];
            }
        }
    }
    QRgb best = 0;
    int bestCount = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > bestCount) {
            best = it.key();
            bestCount = it.value();
        }
    }
    return QColor::fromRgb(best);
}

} // namespace

TEST(Icons, EveryIconOfTheApplicationDrawsSomething) {
    initResources();
    for (IconId id : allIcons()) {
        const QIcon themed = icon(id);
        ASSERT_FALSE(themed.isNull()) << qPrintable(iconPath(id));
        const QImage image = themed.pixmap(QSize(48, 48)).toImage();
        EXPECT_EQ(image.size(), QSize(48, 48));
        EXPECT_GT(opaquePixels(image), 40) << qPrintable(iconPath(id));
    }
}

TEST(Icons, CurrentColorFollowsThePaletteSoIconsMatchTheTheme) {
    const QPalette original = QApplication::palette();
    for (const QColor text : {QColor(Qt::black), QColor(0xee, 0xee, 0xee)}) {
        QPalette palette = original;
        palette.setColor(QPalette::Active, QPalette::WindowText, text);
        QApplication::setPalette(palette);
        // clear.svg is drawn in currentColor only.
        const QImage image = icon(IconId::Clear).pixmap(QSize(64, 64)).toImage();
        EXPECT_EQ(dominantColour(image), text);
    }
    QApplication::setPalette(original);
}

TEST(Icons, ADisabledIconIsGreyedAccentsIncluded) {
    const QByteArray document =
        R"(<svg viewBox="0 0 4 4"><rect width="4" height="4" fill="#2ea043"/></svg>)";
    ThemedSvgIconEngine engine(document, QStringLiteral("test-accent"));
    const QImage normal = engine.pixmap(QSize(16, 16), QIcon::Normal, QIcon::Off).toImage();
    const QImage disabled = engine.pixmap(QSize(16, 16), QIcon::Disabled, QIcon::Off).toImage();
    EXPECT_EQ(normal.pixelColor(8, 8), QColor(0x2e, 0xa0, 0x43));
    EXPECT_EQ(disabled.pixelColor(8, 8).rgb(),
              ThemedSvgIconEngine::colourFor(QIcon::Disabled).rgb());
}

TEST(Icons, ADocumentThatIsNotSvgGivesANullIcon) {
    QIcon broken(new ThemedSvgIconEngine("not svg at all", QStringLiteral("broken")));
    EXPECT_TRUE(broken.isNull());
}
