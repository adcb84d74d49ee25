#include "EngineerView.h"

#include "SlotMapEditor.h"
#include "gui/Icons.h"
#include "gui/wizards/FlowIcons.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ps::gui {

using namespace Qt::StringLiterals;
using ps::bundle::FirmwareBundle;

namespace {

QLabel *errorLabel(QWidget *parent, const QString &name) {
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    label->setPalette(palette);
    return label;
}

QPushButton *button(QWidget *parent, const QString &name, const QString &text,
                    const QString &shortcut, const QString &tip) {
    auto *push = new QPushButton(text, parent);
    push->setObjectName(name);
    if (!shortcut.isEmpty()) {
        push->setShortcut(QKeySequence(shortcut));
        push->setToolTip(tip + u" ("_s + push->shortcut().toString(QKeySequence::NativeText) +
                         u')');
    } else {
        push->setToolTip(tip);
    }
    return push;
}

QString shortHash(const QByteArray &sha256) {
    return QString::fromLatin1(sha256.toHex().left(16)) + u"…"_s;
}

} // namespace

EngineerView::EngineerView(QWidget *parent)
    : QWidget(parent) {
    setObjectName(u"engineerView"_s);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"engineerTabs"_s);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(makeBundlePage(), icon(IconId::Bundle), tr("&Bundle"));
    m_tabs->addTab(makeAccountPage(), flowIcon(FlowIcon::Account), tr("&Account"));
    m_slots = new SlotMapEditor(this);
    m_tabs->addTab(m_slots, icon(IconId::Port), tr("S&lots"));
    m_tabs->addTab(makeSettingsPage(), icon(IconId::LineSettings), tr("&Settings"));
    m_tabs->addTab(makeFailuresPage(), flowIcon(FlowIcon::StepFailed), tr("&Failures"));
    m_tabs->addTab(makeReportsPage(), flowIcon(FlowIcon::Export), tr("&Reports"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);
}

QWidget *EngineerView::makeBundlePage() {
    auto *page = new QWidget(this);
    m_bundlePath = new QLabel(page);
    m_bundlePath->setObjectName(u"bundlePath"_s);
    m_bundlePath->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bundlePath->setWordWrap(true);
    m_bundleInfo = new QLabel(page);
    m_bundleInfo->setObjectName(u"bundleInfo"_s);
    m_bundleInfo->setTextFormat(Qt::RichText);
    m_bundleInfo->setWordWrap(true);
    m_bundleInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bundleError = errorLabel(page, u"bundleError"_s);
    m_chooseBundle = button(page, u"chooseBundleButton"_s, tr("&Choose Bundle…"), tr("Ctrl+O"),
                            tr("Choose the firmware bundle (zip) to flash"));
    m_chooseBundle->setIcon(icon(IconId::Bundle));
    m_noBundle = button(page, u"noBundleButton"_s, tr("&Don't Flash"), tr("Ctrl+Shift+D"),
                        tr("Run the station without flashing: devices keep their firmware"));
    connect(m_chooseBundle, &QPushButton::clicked, this, [this] {
        const QString start = m_settings.bundleFile.isEmpty()
                                  ? QString()
                                  : QFileInfo(m_settings.bundleFile).absolutePath();
        const QString path = QFileDialog::getOpenFileName(this, tr("Choose Firmware Bundle"), start,
                                                          tr("Firmware bundles (*.zip)"));
        if (!path.isEmpty())
            (void)chooseBundle(path);
    });
    connect(m_noBundle, &QPushButton::clicked, this, [this] {
        m_settings.bundleFile.clear();
        m_bundleError->clear();
        showBundle();
        Q_EMIT settingsChanged(m_settings);
    });
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_chooseBundle);
    buttons->addWidget(m_noBundle);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(page);
    auto *intro = new QLabel(tr("Every device is flashed with this bundle's application image "
                                "when it runs another version. A bundle is checked completely "
                                "(manifest, sizes, SHA-256, MCUboot header) before it is "
                                "accepted."),
                             page);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addWidget(m_bundlePath);
    layout->addWidget(m_bundleInfo);
    layout->addWidget(m_bundleError);
    layout->addLayout(buttons);
    layout->addStretch(1);
    return page;
}

QWidget *EngineerView::makeAccountPage() {
    auto *page = new QWidget(this);
    m_account = new QLabel(page);
    m_account->setObjectName(u"accountText"_s);
    m_account->setWordWrap(true);
    m_account->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_editAccount = button(page, u"editAccountButton"_s, tr("&Account…"), tr("Ctrl+Shift+A"),
                           tr("Change the nRF Cloud account and its API key"));
    m_editAccount->setIcon(flowIcon(FlowIcon::Account));
    connect(m_editAccount, &QPushButton::clicked, this, &EngineerView::accountRequested);
    auto *row = new QHBoxLayout;
    row->addWidget(m_editAccount);
    row->addStretch(1);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_account);
    layout->addLayout(row);
    layout->addStretch(1);
    return page;
}

QWidget *EngineerView::makeSettingsPage() {
    auto *page = new QWidget(this);
    m_labelCheck = new QCheckBox(tr("Check each device's &label: the operator scans it and it "
                                    "must show the device's IMEI"),
                                 page);
    m_labelCheck->setObjectName(u"labelCheckBox"_s);
    m_cloudRequests = new QSpinBox(page);
    m_cloudRequests->setObjectName(u"cloudRequestsSpin"_s);
    m_cloudRequests->setRange(1, 64);
    m_cloudRequests->setToolTip(tr("How many requests to nRF Cloud all slots together may have "
                                   "in flight; the others wait their turn"));
    m_parallelSlots = new QSpinBox(page);
    m_parallelSlots->setObjectName(u"parallelSlotsSpin"_s);
    m_parallelSlots->setRange(0, 256);
    m_parallelSlots->setSpecialValueText(tr("all slots"));
    m_parallelSlots->setToolTip(tr("How many slots work on a device at once; the others wait "
                                   "their turn in the order their devices arrived"));
    m_permanent =
        new QCheckBox(tr("Mark the image &permanent before the reset (no test boot)"), page);
    m_permanent->setObjectName(u"permanentBox"_s);
    m_skipIfSame =
        new QCheckBox(tr("S&kip the upload when the device already runs the image"), page);
    m_skipIfSame->setObjectName(u"skipIfSameBox"_s);
    m_checkBoot = new QCheckBox(tr("After the reset, the new &version must boot"), page);
    m_checkBoot->setObjectName(u"checkBootBox"_s);
    m_onboardingRule = new QCheckBox(tr("Create nRF Cloud's default &onboarding rule when the "
                                        "account has none"),
                                     page);
    m_onboardingRule->setObjectName(u"onboardingRuleBox"_s);
    m_changePin = button(page, u"changePinButton"_s, tr("Change &PIN…"), tr("Ctrl+Shift+P"),
                         tr("Choose a new engineer PIN"));
    connect(m_changePin, &QPushButton::clicked, this, &EngineerView::changePinRequested);
    m_settingsNote = new QLabel(page);
    m_settingsNote->setObjectName(u"settingsNote"_s);
    m_settingsNote->setWordWrap(true);

    auto *checks = new QGroupBox(tr("Each device"), page);
    auto *checksLayout = new QVBoxLayout(checks);
    checksLayout->addWidget(m_labelCheck);
    checksLayout->addWidget(m_onboardingRule);
    auto *flash = new QGroupBox(tr("Flashing"), page);
    auto *flashLayout = new QVBoxLayout(flash);
    flashLayout->addWidget(m_skipIfSame);
    flashLayout->addWidget(m_checkBoot);
    flashLayout->addWidget(m_permanent);
    auto *parallel = new QFormLayout;
    parallel->addRow(tr("Slots &working at once:"), m_parallelSlots);
    parallel->addRow(tr("Cloud &requests at once (all slots):"), m_cloudRequests);
    auto *pinRow = new QHBoxLayout;
    pinRow->addWidget(m_changePin);
    pinRow->addStretch(1);

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(checks);
    layout->addWidget(flash);
    layout->addLayout(parallel);
    layout->addLayout(pinRow);
    layout->addWidget(m_settingsNote);
    layout->addStretch(1);

    for (QCheckBox *box : {m_labelCheck, m_permanent, m_skipIfSame, m_checkBoot, m_onboardingRule})
        connect(box, &QCheckBox::toggled, this, &EngineerView::readForm);
    connect(m_parallelSlots, &QSpinBox::valueChanged, this, &EngineerView::readForm);
    connect(m_cloudRequests, &QSpinBox::valueChanged, this, [this](int value) {
        if (!m_filling)
            Q_EMIT cloudRequestsChanged(value);
    });
    return page;
}

QWidget *EngineerView::makeFailuresPage() {
    auto *page = new QWidget(this);
    m_failures = new QTableWidget(0, 6, page);
    m_failures->setObjectName(u"failureTable"_s);
    m_failures->setHorizontalHeaderLabels(
        {tr("Time"), tr("Slot"), tr("IMEI"), tr("Step"), tr("Reason"), tr("What to do")});
    m_failures->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_failures->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_failures->verticalHeader()->hide();
    m_failures->horizontalHeader()->setSectionResizeMode(4, QHeaderView::Stretch);
    m_failures->horizontalHeader()->setSectionResizeMode(5, QHeaderView::Stretch);
    m_failures->setWordWrap(true);
    // Wrapped rows grow or shrink with their columns.
    connect(m_failures->horizontalHeader(), &QHeaderView::sectionResized, m_failures,
            [this] { m_failures->resizeRowsToContents(); });
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_failures);
    return page;
}

QWidget *EngineerView::makeReportsPage() {
    auto *page = new QWidget(this);
    m_summary = new QPlainTextEdit(page);
    m_summary->setObjectName(u"summaryText"_s);
    m_summary->setReadOnly(true);
    auto *exportRecords =
        button(page, u"exportRecordsButton"_s, tr("Export &Records…"), tr("Ctrl+Shift+E"),
               tr("Save this shift's attempts (audit records) as CSV or JSON"));
    exportRecords->setIcon(flowIcon(FlowIcon::Export));
    auto *exportSummary = button(page, u"exportSummaryButton"_s, tr("Export &Summary…"),
                                 tr("Ctrl+Shift+U"), tr("Save the shift summary as CSV or JSON"));
    exportSummary->setIcon(flowIcon(FlowIcon::Export));
    auto *newShift = button(page, u"newShiftButton"_s, tr("Start &New Shift"), tr("Ctrl+Alt+N"),
                            tr("Count the summary from now on"));
    connect(exportRecords, &QPushButton::clicked, this, &EngineerView::exportRecordsRequested);
    connect(exportSummary, &QPushButton::clicked, this, &EngineerView::exportSummaryRequested);
    connect(newShift, &QPushButton::clicked, this, &EngineerView::newShiftRequested);
    auto *row = new QHBoxLayout;
    row->addWidget(exportRecords);
    row->addWidget(exportSummary);
    row->addStretch(1);
    row->addWidget(newShift);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_summary, 1);
    layout->addLayout(row);
    return page;
}

void EngineerView::setSettings(const StationSettings &settings, int cloudRequests) {
    m_settings = settings;
    m_filling = true;
    m_labelCheck->setChecked(settings.labelCheck);
    m_permanent->setChecked(settings.permanentImage);
    m_skipIfSame->setChecked(settings.skipIfSame);
    m_checkBoot->setChecked(settings.checkBoot);
    m_onboardingRule->setChecked(settings.createOnboardingRule);
    m_cloudRequests->setValue(cloudRequests);
    m_parallelSlots->setValue(settings.maxParallelSlots);
    m_filling = false;
    showBundle();
}

void EngineerView::setRunning(bool running) {
    m_running = running;
    for (QWidget *widget : std::initializer_list<QWidget *>{
             m_chooseBundle, m_noBundle, m_editAccount, m_labelCheck, m_cloudRequests,
             m_parallelSlots, m_permanent, m_skipIfSame, m_checkBoot, m_onboardingRule})
        widget->setEnabled(!running);
    const QString why = tr("The station is running: stop it to change the set-up.");
    m_settingsNote->setText(running ? why : QString());
    m_slots->setEditable(!running, running ? why : QString());
}

void EngineerView::setAccountText(const QString &text) {
    m_account->setText(text);
}

void EngineerView::setFailures(const QList<ps::station::AuditRecord> &records) {
    m_failures->setRowCount(int(records.size()));
    for (int row = 0; row < records.size(); ++row) {
        const auto &record = records.at(row);
        QString step;
        for (const auto &s : record.steps) {
            if (s.status == ps::station::StepStatus::Failed ||
                s.status == ps::station::StepStatus::Cancelled)
                step = s.title;
        }
        const QStringList cells{record.startedAt.toLocalTime().toString(u"HH:mm:ss"_s),
                                record.slot,
                                record.device.imei,
                                step,
                                record.error,
                                record.hint};
        for (int column = 0; column < cells.size(); ++column) {
            auto *cell = new QTableWidgetItem(cells.at(column));
            cell->setToolTip(cells.at(column));
            m_failures->setItem(row, column, cell);
        }
    }
    // Short columns fit their text; the reason and what to do share the rest, wrapped.
    for (int column = 0; column < 4; ++column)
        m_failures->resizeColumnToContents(column);
    m_failures->resizeRowsToContents();
    m_tabs->setTabText(FailuresPage, records.isEmpty() ? tr("&Failures")
                                                       : tr("&Failures (%1)").arg(records.size()));
}

void EngineerView::setSummary(const ps::station::ShiftSummary &summary) {
    QString text;
    const auto line = [&text](const QString &name, const QString &value) {
        text += name.leftJustified(28, u' ') + value + u'\n';
    };
    line(tr("Shift since"), summary.range.from.isValid()
                                ? summary.range.from.toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s)
                                : tr("the first record"));
    line(tr("Attempts"), QString::number(summary.attempts));
    line(tr("Devices"), QString::number(summary.devices));
    line(tr("Passed"), QString::number(summary.passed));
    line(tr("Failed"), QString::number(summary.failed));
    line(tr("Cancelled"), QString::number(summary.cancelled));
    line(tr("Yield"),
         summary.attempts > 0 ? u"%1 %"_s.arg(summary.yield * 100, 0, 'f', 1) : u"–"_s);
    line(tr("First-pass yield"),
         summary.attempts > 0 ? u"%1 %"_s.arg(summary.firstPassYield * 100, 0, 'f', 1) : u"–"_s);
    line(tr("Median time per device"),
         summary.passed > 0 ? u"%1 s"_s.arg(summary.medianPassMs / 1000.0, 0, 'f', 1) : u"–"_s);
    line(tr("Median time per attempt"),
         summary.attempts > 0 ? u"%1 s"_s.arg(summary.medianAttemptMs / 1000.0, 0, 'f', 1)
                              : u"–"_s);
    if (!summary.failuresByReason.isEmpty()) {
        text += u'\n' + tr("Failures by reason") + u'\n';
        for (auto it = summary.failuresByReason.cbegin(); it != summary.failuresByReason.cend();
             ++it)
            text += u"  %1  %2\n"_s.arg(it.value(), 3).arg(it.key());
    }
    QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_summary->setFont(fixed);
    m_summary->setPlainText(text);
}

std::expected<FirmwareBundle, QString> EngineerView::chooseBundle(const QString &path) {
    auto bundle = FirmwareBundle::readFile(path);
    if (!bundle) {
        const QString why =
            tr("%1 was refused: %2").arg(QFileInfo(path).fileName(), bundle.error().message);
        m_bundleError->setText(why);
        return std::unexpected(why);
    }
    m_bundleError->clear();
    m_settings.bundleFile = QFileInfo(path).absoluteFilePath();
    showBundle();
    Q_EMIT settingsChanged(m_settings);
    return std::move(*bundle);
}

QString EngineerView::bundleText() const {
    return m_bundlePath->text() + u'\n' + m_bundleInfo->text();
}

QString EngineerView::bundleError() const {
    return m_bundleError->text();
}

QString EngineerView::summaryText() const {
    return m_summary->toPlainText();
}

QString EngineerView::describeBundle(const FirmwareBundle &bundle) {
    QString text = bundle.name + u' ' + bundle.version;
    if (!bundle.models.isEmpty())
        text += u" — "_s + tr("models %1").arg(bundle.models.join(u", "_s));
    if (!bundle.boards.isEmpty())
        text += u" — "_s + tr("boards %1").arg(bundle.boards.join(u", "_s));
    return text;
}

void EngineerView::showBundle() {
    if (m_settings.bundleFile.isEmpty()) {
        m_bundlePath->setText(tr("No bundle: devices are not flashed."));
        m_bundleInfo->clear();
        return;
    }
    m_bundlePath->setText(tr("Bundle: %1").arg(m_settings.bundleFile));
    const auto bundle = FirmwareBundle::readFile(m_settings.bundleFile);
    if (!bundle) {
        m_bundleInfo->clear();
        m_bundleError->setText(tr("The bundle in use is refused now: %1. Choose another.")
                                   .arg(bundle.error().message));
        return;
    }
    QString rows;
    const auto row = [&rows](const QString &name, const QString &value) {
        rows += u"<tr><td><b>%1</b></td><td>&nbsp;&nbsp;%2</td></tr>"_s.arg(name.toHtmlEscaped(),
                                                                            value.toHtmlEscaped());
    };
    row(tr("Name"), bundle->name);
    row(tr("Version"), bundle->version);
    row(tr("Models"), bundle->models.join(u", "_s));
    row(tr("Boards"), bundle->boards.isEmpty() ? tr("(any)") : bundle->boards.join(u", "_s));
    for (const auto &image : bundle->images) {
        row(image.type == ps::bundle::BundleImage::Type::Application ? tr("Application image")
                                                                     : tr("Modem firmware"),
            u"%1 %2, %3 bytes, SHA-256 %4"_s.arg(image.file, image.version)
                .arg(image.data.size())
                .arg(shortHash(image.sha256)));
    }
    m_bundleInfo->setText(u"<table>"_s + rows + u"</table>"_s);
}

void EngineerView::readForm() {
    if (m_filling)
        return;
    m_settings.labelCheck = m_labelCheck->isChecked();
    m_settings.maxParallelSlots = m_parallelSlots->value();
    m_settings.permanentImage = m_permanent->isChecked();
    m_settings.skipIfSame = m_skipIfSame->isChecked();
    m_settings.checkBoot = m_checkBoot->isChecked();
    m_settings.createOnboardingRule = m_onboardingRule->isChecked();
    Q_EMIT settingsChanged(m_settings);
}

} // namespace ps::gui
