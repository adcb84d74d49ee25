#include "ZephyrShell.h"

#include <gtest/gtest.h>

using ps::devsim::ShellCommand;
using ps::devsim::ShellContext;
using ps::devsim::ZephyrShell;

namespace {

const QByteArray Prompt = "\x1b[1;32muart:~$ \x1b[0m";

// A started shell whose output is collected; `echo` prints its arguments one per line.
class ZephyrShellTest : public testing::Test {
protected:
    void SetUp() override {
        ShellCommand echo;
        echo.name = "echo";
        echo.help = "Print the arguments.";
        echo.handler = [this](ShellContext &context, const QList<QByteArray> &argv) {
            arguments = argv;
            for (qsizetype i = 1; i < argv.size(); ++i)
                context.print(argv.at(i));
            return 0;
        };
        shell.addCommand(echo);
        ShellCommand group;
        group.name = "grp";
        group.help = "Group commands";
        group.subcommands.push_back({"first", "The first one", {}, {}});
        group.subcommands.push_back({"second_long", "The second one", {}, {}});
        shell.addCommand(group);
        shell.start();
        output.clear();
    }

    QByteArray output;
    QList<QByteArray> arguments;
    ZephyrShell shell{[this](const QByteArray &bytes) { output.append(bytes); }};
};

TEST_F(ZephyrShellTest, StartsWithColourResetTwoNewLinesAndTheGreenPrompt) {
    QByteArray started;
    ZephyrShell fresh([&](const QByteArray &bytes) { started.append(bytes); });
    fresh.start();
    EXPECT_EQ(started, QByteArray("\x1b[0m\r\n\r\n") + Prompt);
}

TEST_F(ZephyrShellTest, EchoesTypedTextAndRunsTheCommandOnceForACrLfPair) {
    shell.feed("echo hi\r\n");
    EXPECT_EQ(output, QByteArray("echo hi\r\nhi\r\n") + Prompt);
}

TEST_F(ZephyrShellTest, TreatsTwoCarriageReturnsAsTwoLines) {
    shell.feed("\r\r");
    EXPECT_EQ(output, QByteArray("\r\n") + Prompt + "\r\n" + Prompt);
}

TEST_F(ZephyrShellTest, GroupsArgumentsInSingleQuotesAndStripsQuotesElsewhere) {
    shell.feed("echo 'AT%CMNG=0,1,0,\"a b\"' x\"y z\"\r\n");
    ASSERT_EQ(arguments.size(), 3);
    EXPECT_EQ(arguments.at(1), QByteArray("AT%CMNG=0,1,0,\"a b\""));
    EXPECT_EQ(arguments.at(2), QByteArray("xy z"));
}

TEST_F(ZephyrShellTest, DecodesHexEscapesInsideQuotes) {
    shell.feed("echo 'a\\x0ab'\r\n");
    ASSERT_EQ(arguments.size(), 2);
    EXPECT_EQ(arguments.at(1), QByteArray("a\nb"));
}

TEST_F(ZephyrShellTest, RefusesAnUnterminatedQuoteInRed) {
    shell.feed("echo 'abc\r\n");
    EXPECT_TRUE(output.contains("\x1b[1;31mnot terminated: '\r\n\x1b[0m"));
    EXPECT_TRUE(arguments.isEmpty());
}

TEST_F(ZephyrShellTest, ReportsAnUnknownCommandInRed) {
    shell.feed("nope 1\r\n");
    EXPECT_EQ(output,
              QByteArray("nope 1\r\n\x1b[1;31mnope: command not found\r\n\x1b[0m") + Prompt);
}

TEST_F(ZephyrShellTest, PrintsHelpForACommandWithoutHandler) {
    shell.feed("grp\r\n");
    EXPECT_EQ(output, QByteArray("grp\r\ngrp - Group commands\r\nSubcommands:\r\n"
                                 "  first        :The first one\r\n"
                                 "  second_long  :The second one\r\n") +
                          Prompt);
}

TEST_F(ZephyrShellTest, WrapsTheEchoAtEightyColumns) {
    const QByteArray text(100, 'x');
    shell.feed(text);
    // 8 prompt columns + 72 characters fill the first row.
    EXPECT_EQ(output, text.first(72) + "\r\n" + text.mid(72));
}

TEST_F(ZephyrShellTest, ErasesTheLastCharacterOnBackspace) {
    shell.feed("ab\x7f");
    EXPECT_EQ(output, QByteArray("ab\x1b[1D\x1b[J"));
    output.clear();
    shell.feed("c\r\n");
    EXPECT_TRUE(output.startsWith("c\r\n\x1b[1;31mac: command not found"));
}

TEST_F(ZephyrShellTest, ErasesPromptAndTypedTextAroundALogRecord) {
    shell.feed("echo");
    output.clear();
    shell.log("[00:00:01.000,000] \x1b[0m<inf> x: y\x1b[0m\r\n");
    EXPECT_EQ(output, QByteArray("\x1b[12D\x1b[J[00:00:01.000,000] \x1b[0m<inf> x: y\x1b[0m\r\n") +
                          Prompt + "echo");
}

TEST_F(ZephyrShellTest, MovesUpARowToEraseAWrappedLine) {
    shell.feed(QByteArray(75, 'x'));
    output.clear();
    shell.log("L\r\n");
    // 83 columns: 3 into the second row.
    EXPECT_TRUE(output.startsWith("\x1b[3D\x1b[1A\x1b[J"));
}

TEST_F(ZephyrShellTest, CompletesAUniqueCommandWithTab) {
    shell.feed("ec\t");
    EXPECT_EQ(output, QByteArray("echo "));
    EXPECT_EQ(shell.commandBuffer(), QByteArray("echo "));
}

TEST_F(ZephyrShellTest, PrintsAsynchronousOutputLikeALogRecord) {
    shell.printAsync("AT event handler:\n+CEREG: 1\r\n");
    EXPECT_EQ(output, QByteArray("\x1b[8D\x1b[JAT event handler:\r\n+CEREG: 1\r\r\n\r\n") + Prompt);
}

} // namespace
