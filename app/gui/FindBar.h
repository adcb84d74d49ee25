#pragma once

#include <QWidget>
#include <memory>

namespace Ui {
class FindBar;
}

namespace ps::gui {

/// The find row above a console (Ctrl+F). It only collects what to find and how; the console
/// panel runs the search on its view and reports back with setResult().
class FindBar : public QWidget {
    Q_OBJECT
public:
    explicit FindBar(QWidget *parent = nullptr);
    ~FindBar() override;

    [[nodiscard]] QString text() const;
    void setText(const QString &text);
    [[nodiscard]] Qt::CaseSensitivity caseSensitivity() const;
    void setCaseSensitive(bool sensitive);
    /// Shows the bar with the text selected, ready to type over.
    void activate();
    /// Tells the person whether the last search found anything.
    void setResult(bool found);

Q_SIGNALS:
    /// The text or the case option changed.
    void searchChanged(const QString &text, Qt::CaseSensitivity cs);
    void findNextRequested();
    void findPreviousRequested();
    void closeRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    std::unique_ptr<Ui::FindBar> m_ui;
};

} // namespace ps::gui
