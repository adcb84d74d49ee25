// provstation-cli: parse nothing here; CliApp does the work so tests can run it too.
#include "cli/CliApp.h"

#include <QCoreApplication>
#include <QTimer>
#include <qcoro/qcorotask.h>

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("ProvStation"));
    QCoreApplication::setApplicationName(QStringLiteral("provstation-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROVSTATION_VERSION));

    QTextStream out(stdout);
    QTextStream err(stderr);
    ps::cli::CliApp cli(out, err);
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    // Start inside the event loop, so that exit() also works for commands that finish at once.
    QTimer::singleShot(0, &app, [&cli, &app, args] {
        QCoro::connect(cli.run(args), &app, [](int status) { QCoreApplication::exit(status); });
    });
    return QCoreApplication::exec();
}
