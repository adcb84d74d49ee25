#include "gui/SvgIconEngine.h"

#include "GuiTestSupport.h"
#include "gui/Icons.h"

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QPalette>
#include <gtest/gtest.h>

using namespace ps::gui;

namespace {

QImage render(const SvgImage &image, int size, QColor current = Qt::black) {
    QImage out(size, size, QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::transparent);
    QPainter painter(&out);
    image.render(painter, QRectF(0, 0, size, size), current);
    return out;
}

int opaquePixels(const QImage &image) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            count += qAlpha(image.pixel(x, y)) > 128 ? 1 : 0;
    return count;
}

SvgImage parse(const char *svg) {
    auto image = SvgImage::parse(QByteArray(svg));
    EXPECT_TRUE(image) << (image ? "" : qPrintable(image.error()));
    return image ? *image : SvgImage{};
}

} // namespace

TEST(SvgIconEngine, DrawsEveryIconOfTheApplication) {
    initResources();
    for (IconId id : allIcons()) {
        QFile file(iconPath(id));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << qPrintable(iconPath(id));
        const auto image = SvgImage::parse(file.readAll());
        ASSERT_TRUE(image) << qPrintable(iconPath(id)) << ": " << qPrintable(image.error());
        EXPECT_GT(image->shapeCount(), 0);
        EXPECT_GT(opaquePixels(render(*image, 48)), 40) << qPrintable(iconPath(id));
        EXPECT_FALSE(icon(id).isNull());
    }
}

TEST(SvgIconEngine, ScalesTheViewBoxToTheTarget) {
    const SvgImage square = parse(
        R"(<svg viewBox="0 0 10 10"><rect x="5" y="0" width="5" height="5" fill="#ff0000"/></svg>)");
    const QImage image = render(square, 100);
    EXPECT_EQ(image.pixelColor(75, 25), QColor(Qt::red));
    EXPECT_EQ(qAlpha(image.pixel(25, 25)), 0);
    EXPECT_EQ(qAlpha(image.pixel(75, 75)), 0);
}

TEST(SvgIconEngine, PaintsCurrentColorWithTheColourItIsGiven) {
    const SvgImage dot =
        parse(R"(<svg viewBox="0 0 4 4"><circle cx="2" cy="2" r="2" fill="currentColor"/></svg>)");
    EXPECT_EQ(render(dot, 40, QColor(0, 0, 255)).pixelColor(20, 20), QColor(0, 0, 255));
    EXPECT_EQ(render(dot, 40, QColor(0, 200, 0)).pixelColor(20, 20), QColor(0, 200, 0));
}

TEST(SvgIconEngine, FollowsTheApplicationPaletteForNormalAndDisabledIcons) {
    const QPalette saved = QApplication::palette();
    QPalette palette = saved;
    palette.setColor(QPalette::Active, QPalette::WindowText, QColor(10, 20, 30));
    palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(150, 150, 150));
    QApplication::setPalette(palette);
    EXPECT_EQ(SvgIconEngine::colourFor(QIcon::Normal), QColor(10, 20, 30));
    EXPECT_EQ(SvgIconEngine::colourFor(QIcon::Disabled), QColor(150, 150, 150));
    QApplication::setPalette(saved);
}

TEST(SvgIconEngine, RendersSharpAtHighDevicePixelRatios) {
    QIcon connect = icon(IconId::Connect);
    const QPixmap pixmap = connect.pixmap(QSize(24, 24), 2.0);
    EXPECT_EQ(pixmap.size(), QSize(48, 48));
    EXPECT_DOUBLE_EQ(pixmap.devicePixelRatio(), 2.0);
}

struct PathCase {
    const char *name;
    // ctest shows the parameter in the test's name: the case name is enough.
    friend void PrintTo(const PathCase &c, std::ostream *os) { *os << c.name; }
    const char16_t *data;
    QRectF bounds;
};

class SvgPathData : public ::testing::TestWithParam<PathCase> {};

TEST_P(SvgPathData, GivesTheExpectedOutline) {
    const auto path = parseSvgPathData(QStringView(GetParam().data));
    ASSERT_TRUE(path) << qPrintable(path.error());
    const QRectF bounds = path->boundingRect();
    const QRectF expected = GetParam().bounds;
    EXPECT_NEAR(bounds.left(), expected.left(), 0.05);
    EXPECT_NEAR(bounds.top(), expected.top(), 0.05);
    EXPECT_NEAR(bounds.right(), expected.right(), 0.05);
    EXPECT_NEAR(bounds.bottom(), expected.bottom(), 0.05);
}

INSTANTIATE_TEST_SUITE_P(
    Commands, SvgPathData,
    ::testing::Values(
        PathCase{"AbsoluteLines", u"M1 2L5 2L5 8Z", QRectF(1, 2, 4, 6)},
        PathCase{"RelativeAndShorthand", u"m1 1h4v3h-4z", QRectF(1, 1, 4, 3)},
        PathCase{"NumbersRunTogether", u"M1.5.5l2-1", QRectF(1.5, -0.5, 2, 1)},
        PathCase{"ImplicitLinetoAfterMoveto", u"M0 0 10 0 10 10", QRectF(0, 0, 10, 10)},
        PathCase{"HalfCircleArc", u"M0 10A10 10 0 0 1 20 10", QRectF(0, 0, 20, 10)},
        PathCase{"ArcOtherSweep", u"M0 10a10 10 0 0 0 20 0", QRectF(0, 10, 20, 10)},
        PathCase{"ArcFlagsWithoutSpaces", u"M0 10a10 10 0 0120 0", QRectF(0, 0, 20, 10)},
        PathCase{"CubicAndSmooth", u"M0 0C0 10 10 10 10 0S20 -10 20 0", QRectF(0, -7.5, 20, 15)}),
    [](const auto &testInfo) { return std::string(testInfo.param.name); });

TEST(SvgIconEngine, RefusesWhatItCannotDrawInsteadOfDrawingItWrongly) {
    EXPECT_FALSE(SvgImage::parse(R"(<svg viewBox="0 0 4 4"><text>hi</text></svg>)"));
    EXPECT_FALSE(
        SvgImage::parse(R"svg(<svg viewBox="0 0 4 4"><g transform="scale(2)"/></svg>)svg"));
    EXPECT_FALSE(SvgImage::parse(R"(<svg><rect width="1" height="1"/></svg>)")) << "no viewBox";
    EXPECT_FALSE(parseSvgPathData(u"M0 0 X5"));
    EXPECT_FALSE(SvgImage::parse("<svg viewBox=\"0 0 4 4\"><rect"));
}
