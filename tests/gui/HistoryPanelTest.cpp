// The History panel over a real (temporary) audit store: listing, search and filters, the
// details of a record, and CSV/JSON export of what is listed.

#include "gui/history/HistoryPanel.h"

#include "gui/history/HistoryModel.h"
#include "gui/history/RecordDetails.h"
#include "gui/wizards/ProvisioningContext.h"

#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

namespace ps::gui {
namespace {

using namespace Qt::StringLiterals;
using ps::station::AuditRecord;
using ps::station::StepRecord;
using ps::station::StepStatus;
using ps::station::Verdict;

AuditRecord makeRecord(const QString &kind, Verdict verdict, const QString &imei,
                       const QString &operatorName, qint64 durationMs, QString error = {}) {
    AuditRecord record;
    record.flowId = u"flow-"_s + imei;
    record.kind = kind;
    record.operatorName = operatorName;
    record.station = u"bench-1"_s;
    record.startedAt = QDateTime::currentDateTimeUtc().addSecs(-60);
    record.finishedAt = record.startedAt.addMSecs(durationMs);
    record.device.imei = imei;
    record.device.deviceId = u"5b0f2a3c-0000-4000-8000-"_s + imei.right(12);
    record.device.model = u"nRF9151-LACA"_s;
    StepRecord identify;
    identify.id = u"identify"_s;
    identify.title = u"Identify the device"_s;
    identify.status = StepStatus::Succeeded;
    identify.attempts = 1;
    identify.startedAt = record.startedAt;
    identify.durationMs = 1240;
    identify.note = u"IMEI "_s + imei;
    StepRecord claim;
    claim.id = u"claim"_s;
    claim.title = u"Claim the device"_s;
    claim.status = verdict == Verdict::Succeeded ? StepStatus::Succeeded : StepStatus::Failed;
    claim.attempts = 2;
    claim.startedAt = record.startedAt.addSecs(2);
    claim.durationMs = 3400;
    claim.error = error;
    record.steps = {identify, claim};
    ps::station::CloudCall call;
    call.at = record.startedAt.addSecs(3);
    call.step = u"claim"_s;
    call.operation = u"POST claimed-devices"_s;
    call.ok = error.isEmpty();
    call.httpStatus = error.isEmpty() ? 0 : 409;
    call.message = error;
    record.cloudCalls = {call};
    record.verdict = verdict;
    record.error = error;
    record.errorKind = error.isEmpty() ? QString() : u"refused"_s;
    record.hint = error.isEmpty() ? QString() : u"Unclaim it in the other account first."_s;
    return record;
}

class HistoryPanelTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        HistorySettings history;
        history.database = m_dir.filePath(u"audit.sqlite"_s);
        m_context = std::make_unique<ProvisioningContext>(AccountSettings{}, history);
        auto store = m_context->auditStore();
        ASSERT_TRUE(store.has_value()) << store.error().toStdString();
        for (const AuditRecord &record :
             {makeRecord(u"claim"_s, Verdict::Succeeded, u"351234567890001"_s, u"ana"_s, 48'000),
              makeRecord(u"claim"_s, Verdict::Failed, u"351234567890002"_s, u"ben"_s, 5'200,
                         u"Claimed by another account"_s),
              makeRecord(u"reprovision"_s, Verdict::Succeeded, u"351234567890003"_s, u"ana"_s,
                         125'000)}) {
            ASSERT_TRUE((*store)->append(record).has_value());
        }
        m_panel.setContext(m_context.get());
        m_panel.show();
    }

    QStringList listedImeis() const {
        QStringList imeis;
        for (const AuditRecord &record : m_panel.model()->records())
            imeis.append(record.device.imei);
        imeis.sort();
        return imeis;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<ProvisioningContext> m_context;
    HistoryPanel m_panel;
};

TEST_F(HistoryPanelTest, ListsEveryRecordWithWhoWhenStationDeviceFlowVerdictAndDuration) {
    HistoryModel *model = m_panel.model();
    ASSERT_EQ(model->rowCount(), 3);
    const int row = model->rowOf(m_panel.model()->records().constLast().sequence);
    ASSERT_GE(row, 0);
    const QStringList headers{u"When"_s, u"Who"_s,     u"Station"_s, u"Device"_s,
                              u"Flow"_s, u"Verdict"_s, u"Duration"_s};
    for (int column = 0; column < HistoryModel::ColumnCount; ++column)
        EXPECT_EQ(model->headerData(column, Qt::Horizontal).toString(), headers.at(column));
    // Newest first: the reprovision appended last.
    const AuditRecord first = *model->recordAt(0);
    EXPECT_EQ(first.kind, u"reprovision"_s);
    EXPECT_EQ(model->index(0, HistoryModel::FlowColumn).data().toString(), u"Reprovision"_s);
    EXPECT_EQ(model->index(0, HistoryModel::DurationColumn).data().toString(), u"2 min 05 s"_s);
    EXPECT_EQ(model->index(0, HistoryModel::OperatorColumn).data().toString(), u"ana"_s);
    EXPECT_TRUE(model->index(0, HistoryModel::DeviceColumn)
                    .data()
                    .toString()
                    .contains(u"351234567890003"_s));
    EXPECT_EQ(model->index(0, HistoryModel::VerdictColumn).data().toString(), u"Succeeded"_s);
    EXPECT_TRUE(m_panel.statusText().startsWith(u"3 record"_s))
        << m_panel.statusText().toStdString();
}

TEST_F(HistoryPanelTest, SearchesByTextAndFiltersByVerdictAndFlow) {
    m_panel.setSearchText(u"890002"_s);
    EXPECT_EQ(listedImeis(), QStringList{u"351234567890002"_s});
    m_panel.setSearchText(u"another account"_s);
    EXPECT_EQ(listedImeis(), QStringList{u"351234567890002"_s}) << "errors are searched too";
    m_panel.setSearchText({});
    auto *verdict = m_panel.findChild<QComboBox *>(u"verdictCombo"_s);
    verdict->setCurrentIndex(verdict->findData(u"succeeded"_s));
    EXPECT_EQ(listedImeis(), (QStringList{u"351234567890001"_s, u"351234567890003"_s}));
    auto *kind = m_panel.findChild<QComboBox *>(u"kindCombo"_s);
    kind->setCurrentIndex(kind->findData(u"reprovision"_s));
    EXPECT_EQ(listedImeis(), QStringList{u"351234567890003"_s});
}

TEST_F(HistoryPanelTest, TypingInTheSearchFieldRefreshesAfterAShortPause) {
    auto *search = m_panel.findChild<QLineEdit *>(u"searchEdit"_s);
    QTest::keyClicks(search, u"890002"_s);
    EXPECT_TRUE(QTest::qWaitFor([&] { return m_panel.model()->rowCount() == 1; }, 3000));
}

TEST_F(HistoryPanelTest, ShowsTheStepsWithDurationsAndTheCloudsAnswersOfTheSelectedRecord) {
    const AuditRecord failed = [&] {
        for (const AuditRecord &record : m_panel.model()->records())
            if (record.verdict == Verdict::Failed)
                return record;
        return AuditRecord{};
    }();
    ASSERT_TRUE(m_panel.selectRecord(failed.sequence));
    const QString details = m_panel.detailsText();
    EXPECT_TRUE(details.contains(u"Claimed by another account"_s));
    EXPECT_TRUE(details.contains(u"Unclaim it in the other account first."_s));
    EXPECT_TRUE(details.contains(u"Identify the device"_s));
    EXPECT_TRUE(details.contains(u"1.2 s"_s)) << details.toStdString();
    EXPECT_TRUE(details.contains(u"POST claimed-devices"_s));
    EXPECT_TRUE(details.contains(u"HTTP 409"_s));
}

TEST_F(HistoryPanelTest, ExportsWhatIsListedAsCsvAndJson) {
    auto *verdict = m_panel.findChild<QComboBox *>(u"verdictCombo"_s);
    verdict->setCurrentIndex(verdict->findData(u"succeeded"_s));
    const QString csvPath = m_dir.filePath(u"history.csv"_s);
    const auto csv = m_panel.exportRecords(csvPath, HistoryPanel::ExportFormat::Csv);
    ASSERT_TRUE(csv.has_value()) << csv.error().toStdString();
    EXPECT_EQ(*csv, 2);
    QFile csvFile(csvPath);
    ASSERT_TRUE(csvFile.open(QIODevice::ReadOnly));
    const QStringList lines =
        QString::fromUtf8(csvFile.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 3);
    EXPECT_TRUE(lines.at(0).startsWith(u"sequence,startedAt"_s));
    EXPECT_FALSE(lines.join(u'\n').contains(u"351234567890002"_s)) << "filtered out";

    const QString jsonPath = m_dir.filePath(u"history.json"_s);
    ASSERT_TRUE(m_panel.exportRecords(jsonPath, HistoryPanel::ExportFormat::Json).has_value());
    QFile jsonFile(jsonPath);
    ASSERT_TRUE(jsonFile.open(QIODevice::ReadOnly));
    const QJsonArray records = QJsonDocument::fromJson(jsonFile.readAll()).array();
    ASSERT_EQ(records.size(), 2);
    EXPECT_EQ(records.at(0).toObject().value(u"steps"_s).toArray().size(), 2);
    EXPECT_EQ(records.at(0).toObject().value(u"cloudCalls"_s).toArray().size(), 1);
}

TEST_F(HistoryPanelTest, RefreshesAndSelectsARecordWhenAFlowFinishes) {
    auto store = m_context->auditStore();
    auto added = (*store)->append(
        makeRecord(u"claim"_s, Verdict::Succeeded, u"351234567890004"_s, u"cy"_s, 9'000));
    ASSERT_TRUE(added.has_value());
    m_context->announceRecord(*added);
    EXPECT_EQ(m_panel.model()->rowCount(), 4);
    ASSERT_TRUE(m_panel.selectedRecord().has_value());
    EXPECT_EQ(m_panel.selectedRecord()->sequence, added->sequence);
}

TEST(HistoryPanel, ReadsTheAuditStoreOnlyWhenShown) {
    QTemporaryDir dir;
    HistorySettings history;
    history.database = dir.filePath(u"audit.sqlite"_s);
    ProvisioningContext context(AccountSettings{}, history);
    HistoryPanel panel;
    panel.setContext(&context);
    EXPECT_FALSE(QFile::exists(history.database)) << "a hidden panel opens no database";
    panel.show();
    EXPECT_TRUE(QFile::exists(history.database));
    EXPECT_TRUE(panel.statusText().startsWith(u"0 record"_s)) << panel.statusText().toStdString();
}

struct DurationCase {
    qint64 ms;
    const char *text;
};

class FormatDuration : public ::testing::TestWithParam<DurationCase> {};

TEST_P(FormatDuration, SaysHowLongInTheLargestUsefulUnits) {
    EXPECT_EQ(formatDuration(GetParam().ms), QString::fromUtf8(GetParam().text));
}

INSTANTIATE_TEST_SUITE_P(Durations, FormatDuration,
                         ::testing::Values(DurationCase{0, "0 ms"}, DurationCase{850, "850 ms"},
                                           DurationCase{12'400, "12.4 s"},
                                           DurationCase{185'000, "3 min 05 s"},
                                           DurationCase{3'720'000, "1 h 02 min"},
                                           DurationCase{-5, "0 ms"}));

TEST(RecordDetails, EscapesTextThatCameFromTheDeviceOrTheCloud) {
    AuditRecord record = makeRecord(u"claim"_s, Verdict::Failed, u"351234567890009"_s, u"x"_s, 1000,
                                    u"<script>bad</script>"_s);
    const QString html = recordDetailsHtml(record);
    EXPECT_FALSE(html.contains(u"<script>"_s));
    EXPECT_TRUE(html.contains(u"&lt;script&gt;"_s));
}

} // namespace
} // namespace ps::gui
