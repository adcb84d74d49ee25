// The provisioning client's state machine against a scripted modem and service (FakeDevice):
// the requests it sends, the order of LTE events, AT commands and responses, CME error
// filtering, the persisted correlation id, and the outcome of every failure.
#include "FakeDevice.h"

#include <array>
#include <gtest/gtest.h>
#include <memory>
#include <provclient/client.h>

using namespace ps::fwtest;

namespace {

constexpr const char *kCoap = "nrf_provisioning_coap";
constexpr const char *kProv = "nrf_provisioning";
constexpr const char *kKeygenOutput =
    "%KEYGEN: \"MIIBCjCBsAIBADAvMS0wKwYDVQQDDCQ.eyJhbGciOiJFUzI1NiJ9\"";

class ProvisioningClient : public ::testing::Test {
protected:
    void SetUp() override { prov_client_config_defaults(&config); }

    prov_client_buffers buffers() {
        return prov_client_buffers{rx.data(),         rx.size(),        tx.data(),
                                   tx.size(),         atCommand.data(), atCommand.size(),
                                   atResponse.data(), atResponse.size()};
    }

    // Initialises the client on first use, so tests can adjust config and buffers first.
    prov_result run() {
        if (!initialised) {
            const prov_port port = device.port();
            const prov_client_buffers b = buffers();
            EXPECT_EQ(prov_client_init(client.get(), &port, &config, &b), PROV_OK);
            initialised = true;
        }
        return prov_client_run(client.get());
    }

    void serveCommands(const std::vector<Cmd> &cmds) {
        device.commandAnswers.push_back(CoapAnswer{0, PROV_COAP_CONTENT, encodeCommands(cmds)});
    }

    // The log messages of a module, in order.
    std::vector<std::string> messages(const std::string &module, prov_log_level maxLevel) const {
        std::vector<std::string> out;
        for (const LogRecord &r : device.logs) {
            if (r.module == module && r.level <= maxLevel) {
                out.push_back(r.message);
            }
        }
        return out;
    }

    std::string authPath() const { return "POST p/auth-jwt?mver=2.0.2&cver=1"; }
    std::string commandsPath(const std::string &after) const {
        return "GET p/cmd?after=" + after + "&rxMaxSize=" + std::to_string(rx.size()) +
               "&txMaxSize=" + std::to_string(tx.size()) + "&limit=20";
    }

    FakeDevice device;
    prov_client_config config{};
    std::array<std::uint8_t, 4096> rx{};
    std::array<std::uint8_t, 2048> tx{};
    std::array<char, 2048> atCommand{};
    std::array<char, 2048> atResponse{};
    std::unique_ptr<prov_client> client = std::make_unique<prov_client>();
    bool initialised = false;
};

} // namespace

TEST_F(ProvisioningClient, ReportsNoCommandsWhenTheServiceHasNone) {
    EXPECT_EQ(run(), PROV_RESULT_NO_COMMANDS);

    EXPECT_EQ(device.requestLines(), (std::vector<std::string>{authPath(), commandsPath("")}));
    ASSERT_EQ(device.jwts.size(), 1u);
    EXPECT_EQ(device.requests[0].payload, Bytes(device.jwts[0].begin(), device.jwts[0].end()));
    EXPECT_EQ(device.requests[0].contentFormat, PROV_COAP_FORMAT_TEXT_PLAIN);
    EXPECT_EQ(device.requests[1].contentFormat, -1);
    EXPECT_TRUE(device.requests[1].payload.empty());
    EXPECT_EQ(device.eventTypes(),
              (std::vector<prov_event_type>{PROV_EVENT_START, PROV_EVENT_NO_COMMANDS}));
    EXPECT_EQ(
        messages(kCoap, PROV_LOG_INF),
        (std::vector<std::string>{"Init CoAP client", "DTLS setup", "Connected",
                                  "Requesting commands", "No commands to process on server side"}));
    EXPECT_EQ(device.traceCount("coap:disconnect"), 1);
    EXPECT_EQ(prov_client_retry_after_s(client.get()), 0u);
}

TEST_F(ProvisioningClient, AsksTheModemForAJwtSignedWithTheIdentityKey) {
    config.jwt_lifetime_s = 120;
    run();
    EXPECT_GE(device.traceIndex("at:AT%JWT=0,120,\"\",\"\""), 0);
    EXPECT_GE(device.traceIndex("at:AT+CGMR"), 0);
}

TEST_F(ProvisioningClient, RunsAFullProvisioningAndReportsDone) {
    device.atAnswers["AT%KEYGEN=16842753,2,0"] = AtAnswer{0, PROV_AT_OK, 0, kKeygenOutput};
    serveCommands({Cmd::at("c1", "%KEYGEN", "16842753,2,0"),
                   Cmd::configure("c2", {{"provisioned", "yes"}}), Cmd::finished("c3")});

    EXPECT_EQ(run(), PROV_RESULT_DONE);

    EXPECT_EQ(device.sentResponses(),
              (std::vector<std::vector<Rsp>>{
                  {Rsp::at("c1", kKeygenOutput), Rsp::configAck("c2"), Rsp::finishedAck("c3")}}));
    EXPECT_EQ(device.requests.back().contentFormat, PROV_COAP_FORMAT_CBOR);
    EXPECT_EQ(device.settings["provisioned"], "yes");
    EXPECT_EQ(device.settings[PROV_SETTINGS_KEY_AFTER], "c3");
    EXPECT_STREQ(prov_client_last_correlation_id(client.get()), "c3");
    EXPECT_EQ(device.eventTypes(),
              (std::vector<prov_event_type>{PROV_EVENT_START, PROV_EVENT_NEED_LTE_DEACTIVATED,
                                            PROV_EVENT_NEED_LTE_ACTIVATED, PROV_EVENT_DONE}));
    EXPECT_EQ(messages(kCoap, PROV_LOG_INF),
              (std::vector<std::string>{
                  "Init CoAP client", "DTLS setup", "Connected", "Requesting commands",
                  "Processing commands", "Finished", "Sending response to server",
                  "DTLS session lost, reconnecting", "DTLS setup", "Connected"}));
    const prov_client_stats *stats = prov_client_get_stats(client.get());
    EXPECT_EQ(stats->commands_received, 3u);
    EXPECT_EQ(stats->commands_succeeded, 3u);
    EXPECT_EQ(stats->commands_failed, 0u);
    EXPECT_EQ(stats->response_batches, 1u);
}

TEST_F(ProvisioningClient, GoesOfflineBeforeAtCommandsAndOnlineBeforeSendingResponses) {
    serveCommands({Cmd::at("c1", "%KEYGEN", "16842753,2,0"), Cmd::finished("c2")});
    run();

    const int deactivate = device.traceIndex("event:need-lte-deactivated");
    const int offline = device.traceIndex("wait:offline:120000");
    const int keygen = device.traceIndex("at:AT%KEYGEN=16842753,2,0");
    const int activate = device.traceIndex("event:need-lte-activated");
    const int online = device.traceIndex("wait:online:120000");
    const int firstResponse = device.traceIndex("coap:POST p/rsp");
    ASSERT_GE(deactivate, 0);
    EXPECT_LT(deactivate, offline);
    EXPECT_LT(offline, keygen);
    EXPECT_LT(keygen, activate);
    EXPECT_LT(activate, online);
    EXPECT_LT(online, firstResponse);
}

TEST_F(ProvisioningClient, ReconnectsAndReauthenticatesWithAFreshJwtWhenTheSessionDidNotSurvive) {
    serveCommands({Cmd::at("c1", "%KEYGEN", "16842753,2,0"), Cmd::finished("c2")});
    EXPECT_EQ(run(), PROV_RESULT_DONE);

    EXPECT_EQ(device.requestLines(),
              (std::vector<std::string>{authPath(), commandsPath(""), authPath(), "POST p/rsp"}));
    ASSERT_EQ(device.jwts.size(), 2u);
    EXPECT_NE(device.jwts[0], device.jwts[1]);
    EXPECT_EQ(device.requests[2].payload, Bytes(device.jwts[1].begin(), device.jwts[1].end()));
    EXPECT_EQ(device.traceCount("coap:connect"), 2);
}

TEST_F(ProvisioningClient, KeepsTheSessionWhenItSurvivesGoingOffline) {
    device.dropSessionWhenOffline = false;
    serveCommands({Cmd::at("c1", "%KEYGEN", "16842753,2,0"), Cmd::finished("c2")});
    EXPECT_EQ(run(), PROV_RESULT_DONE);

    EXPECT_EQ(device.requestLines(),
              (std::vector<std::string>{authPath(), commandsPath(""), "POST p/rsp"}));
    EXPECT_EQ(device.traceCount("coap:connect"), 1);
}

TEST_F(ProvisioningClient, DoesNotTouchLteForABatchWithoutAtCommands) {
    serveCommands({Cmd::configure("c1", {{"k", "v"}}), Cmd::finished("c2")});
    EXPECT_EQ(run(), PROV_RESULT_DONE);
    EXPECT_EQ(device.traceCount("event:need-lte"), 0);
    EXPECT_EQ(device.traceCount("wait:"), 0);
}

TEST_F(ProvisioningClient, AsksAgainAfterTheLastAnsweredCommandUntilFinished) {
    serveCommands({Cmd::at("c1", "%KEYGEN", "16842753,2,0"), Cmd::at("c2", "%XMODEMUUID", "")});
    serveCommands({Cmd::finished("c3")});

    EXPECT_EQ(run(), PROV_RESULT_DONE);

    const std::vector<std::string> lines = device.requestLines();
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_EQ(lines[1], commandsPath(""));
    EXPECT_EQ(lines[3], "POST p/rsp");
    EXPECT_EQ(lines[4], commandsPath("c2"));
    EXPECT_EQ(lines[5], "POST p/rsp");
    EXPECT_EQ(device.sentResponses().back(), (std::vector<Rsp>{Rsp::finishedAck("c3")}));
    EXPECT_EQ(device.traceCount("event:need-lte-deactivated"), 1);
}

TEST_F(ProvisioningClient, EndsWithNoCommandsWhenTheQueueRunsDryWithoutFinished) {
    serveCommands({Cmd::at("c1", "%KEYGEN", "16842753,2,0")});
    EXPECT_EQ(run(), PROV_RESULT_NO_COMMANDS);
    EXPECT_EQ(device.requestLines().back(), commandsPath("c1"));
    EXPECT_EQ(device.settings[PROV_SETTINGS_KEY_AFTER], "c1");
    EXPECT_EQ(device.eventTypes().back(), PROV_EVENT_NO_COMMANDS);
}

TEST_F(ProvisioningClient, TreatsAListedCmeErrorAsSuccess) {
    const std::string cmng = "AT%CMNG=0,16842753,0,\"-----BEGIN CERTIFICATE-----\"";
    device.atAnswers[cmng] = AtAnswer{0, PROV_AT_CME_ERROR, 519, ""};
    serveCommands(
        {Cmd::at("c1", "%CMNG", "0,16842753,0,\"-----BEGIN CERTIFICATE-----\"", {513, 519}),
         Cmd::finished("c2")});

    EXPECT_EQ(run(), PROV_RESULT_DONE);
    EXPECT_EQ(device.sentResponses(),
              (std::vector<std::vector<Rsp>>{{Rsp::at("c1", ""), Rsp::finishedAck("c2")}}));
}

TEST_F(ProvisioningClient, ReportsAnUnlistedCmeErrorAndStopsTheBatch) {
    device.atAnswers["AT%KEYGEN=16842753,2,0"] = AtAnswer{0, PROV_AT_CME_ERROR, 518, ""};
    serveCommands({Cmd::at("c1", "%KEYGEN", "16842753,2,0", {519}),
                   Cmd::at("c2", "%XMODEMUUID", ""), Cmd::finished("c3")});

    EXPECT_EQ(run(), PROV_RESULT_COMMAND_FAILED);

    EXPECT_EQ(device.sentResponses(),
              (std::vector<std::vector<Rsp>>{{Rsp::error("c1", 518, "+CME ERROR: 518")}}));
    EXPECT_EQ(device.traceIndex("at:AT%XMODEMUUID="), -1);
    EXPECT_GE(device.traceIndex("event:need-lte-activated"), 0);
    EXPECT_EQ(device.requestLines().back(), commandsPath("c1"));
    ASSERT_FALSE(device.events.empty());
    EXPECT_EQ(device.events.back().type, PROV_EVENT_FAILED);
    EXPECT_EQ(device.events.back().result, PROV_RESULT_COMMAND_FAILED);
    EXPECT_EQ(prov_client_get_stats(client.get())->commands_failed, 1u);
}

TEST_F(ProvisioningClient, ReportsAPlainErrorWithCmeZeroAndTheModemOutput) {
    device.atAnswers["AT%XMODEMUUID="] = AtAnswer{0, PROV_AT_ERROR, 0, "bad syntax"};
    device.atAnswers["AT%ATTESTTOKEN="] = AtAnswer{0, PROV_AT_ERROR, 0, ""};
    serveCommands({Cmd::at("c1", "%XMODEMUUID", "")});
    serveCommands({Cmd::at("c2", "%ATTESTTOKEN", "")});
    run();
    EXPECT_EQ(device.sentResponses(),
              (std::vector<std::vector<Rsp>>{{Rsp::error("c1", 0, "bad syntax")},
                                             {Rsp::error("c2", 0, "ERROR")}}));
}

TEST_F(ProvisioningClient, ReportsAnAtCommandThePortCouldNotRun) {
    device.atAnswers["AT%KEYGEN=1,2,0"] = AtAnswer{PROV_ERR_IO, PROV_AT_OK, 0, ""};
    serveCommands({Cmd::at("c1", "%KEYGEN", "1,2,0")});
    EXPECT_EQ(run(), PROV_RESULT_COMMAND_FAILED);
    EXPECT_EQ(device.sentResponses(), (std::vector<std::vector<Rsp>>{
                                          {Rsp::error("c1", 0, "AT command failed, error: -5")}}));
}

TEST_F(ProvisioningClient, ReportsAnAtCommandTooLongForItsBuffer) {
    serveCommands({Cmd::at("c1", "%CMNG", std::string(atCommand.size(), 'A'))});
    EXPECT_EQ(run(), PROV_RESULT_COMMAND_FAILED);
    EXPECT_EQ(device.sentResponses(),
              (std::vector<std::vector<Rsp>>{{Rsp::error("c1", 0, "AT command too long")}}));
}

TEST_F(ProvisioningClient, ReplacesAResponseTooLargeForTheTxBuffer) {
    std::array<std::uint8_t, PROV_CLIENT_MIN_TX> smallTx{};
    const prov_port port = device.port();
    prov_client_buffers b = buffers();
    b.tx = smallTx.data();
    b.tx_size = smallTx.size();
    ASSERT_EQ(prov_client_init(client.get(), &port, &config, &b), PROV_OK);
    initialised = true;
    device.atAnswers["AT%KEYGEN=1,2,0"] = AtAnswer{0, PROV_AT_OK, 0, std::string(200, 'k')};
    serveCommands({Cmd::at("c1", "%KEYGEN", "1,2,0"), Cmd::finished("c2")});

    EXPECT_EQ(run(), PROV_RESULT_COMMAND_FAILED);
    EXPECT_EQ(device.sentResponses(),
              (std::vector<std::vector<Rsp>>{{Rsp::error("c1", 0, "Response too large")}}));
}

TEST_F(ProvisioningClient, ReportsAConfigValueThatCouldNotBeStored) {
    device.storeResult = PROV_ERR_IO;
    serveCommands({Cmd::configure("c1", {{"k", "v"}}), Cmd::finished("c2")});
    EXPECT_EQ(run(), PROV_RESULT_COMMAND_FAILED);
    EXPECT_EQ(device.sentResponses(),
              (std::vector<std::vector<Rsp>>{
                  {Rsp::error("c1", 0, "Unable to store [0](0-indexed) key-value-pair")}}));
}

TEST_F(ProvisioningClient, StartsAfterThePersistedCorrelationIdAndPersistsTheNewOne) {
    device.settings[PROV_SETTINGS_KEY_AFTER] = "41";
    serveCommands({Cmd::finished("42")});
    EXPECT_EQ(run(), PROV_RESULT_DONE);
    EXPECT_EQ(device.requestLines()[1], commandsPath("41"));
    EXPECT_EQ(device.settings[PROV_SETTINGS_KEY_AFTER], "42");

    // A reboot: a new client on the same settings does not repeat command 42.
    client = std::make_unique<prov_client>();
    initialised = false;
    device.requests.clear();
    EXPECT_EQ(run(), PROV_RESULT_NO_COMMANDS);
    EXPECT_EQ(device.requestLines()[1], commandsPath("42"));
}

TEST_F(ProvisioningClient, PercentEncodesTheCorrelationIdInTheQuery) {
    device.settings[PROV_SETTINGS_KEY_AFTER] = "a&b";
    run();
    EXPECT_EQ(device.requestLines()[1], commandsPath("a%26b"));
}

TEST_F(ProvisioningClient, IgnoresAnInvalidPersistedCorrelationId) {
    device.settings[PROV_SETTINGS_KEY_AFTER] = "not valid";
    run();
    EXPECT_EQ(device.requestLines()[1], commandsPath(""));
    EXPECT_TRUE(device.logged(PROV_LOG_WRN, kProv, "Ignoring invalid stored correlation id"));
}

TEST_F(ProvisioningClient, KeepsTheCorrelationIdWhenTheServiceRejectsTheResponses) {
    device.settings[PROV_SETTINGS_KEY_AFTER] = "7";
    serveCommands({Cmd::finished("8")});
    device.responseAnswers.push_back(CoapAnswer{0, PROV_COAP_SERVICE_UNAVAILABLE, {}});
    EXPECT_EQ(run(), PROV_RESULT_BUSY);
    EXPECT_EQ(device.settings[PROV_SETTINGS_KEY_AFTER], "7");
    EXPECT_STREQ(prov_client_last_correlation_id(client.get()), "7");
}

namespace {

enum class Stage { Auth, Commands, Responses };

struct CodeCase {
    const char *name;
    Stage stage;
    std::uint8_t code;
    prov_result result;
    int error;
    const char *coapMessage;
};

void PrintTo(const CodeCase &c, std::ostream *os) {
    *os << c.name;
}

class ProvisioningClientCodes
    : public ProvisioningClient
    , public ::testing::WithParamInterface<CodeCase> {};

} // namespace

TEST_P(ProvisioningClientCodes, MapToTheirOwnResult) {
    const CodeCase &c = GetParam();
    if (c.stage == Stage::Auth) {
        device.authCodes.push_back(c.code);
    } else if (c.stage == Stage::Commands) {
        device.commandAnswers.push_back(CoapAnswer{0, c.code, {}});
    } else {
        device.dropSessionWhenOffline = false;
        serveCommands({Cmd::finished("c1")});
        device.responseAnswers.push_back(CoapAnswer{0, c.code, {}});
    }

    EXPECT_EQ(run(), c.result);

    EXPECT_TRUE(device.logged(PROV_LOG_ERR, kCoap, c.coapMessage));
    if (c.result == PROV_RESULT_NOT_CLAIMED) {
        EXPECT_TRUE(
            device.logged(PROV_LOG_ERR, kProv, "Unauthorized access: device is not yet claimed."));
    } else {
        EXPECT_TRUE(device.logged(PROV_LOG_ERR, kProv,
                                  "Provisioning failed, error: " + std::to_string(c.error)));
    }
    ASSERT_FALSE(device.events.empty());
    const prov_event &last = device.events.back();
    EXPECT_EQ(last.type, PROV_EVENT_FAILED);
    EXPECT_EQ(last.result, c.result);
    EXPECT_EQ(last.error, c.error);
    const bool retry = c.result == PROV_RESULT_BUSY;
    EXPECT_EQ(prov_result_is_retryable(c.result), retry);
    EXPECT_EQ(last.retry_after_s, retry ? 60u : 0u);
    EXPECT_EQ(prov_client_retry_after_s(client.get()), retry ? 60u : 0u);
    EXPECT_EQ(device.logged(PROV_LOG_INF, kProv, "Retrying in 60 seconds"), retry);
    EXPECT_EQ(prov_result_from_coap_code(c.code), c.result);
}

INSTANTIATE_TEST_SUITE_P(
    EveryStage, ProvisioningClientCodes,
    ::testing::Values(CodeCase{"auth_401", Stage::Auth, PROV_COAP_UNAUTHORIZED,
                               PROV_RESULT_NOT_CLAIMED, PROV_ERR_ACCES, "Device not authorized"},
                      CodeCase{"auth_403", Stage::Auth, PROV_COAP_FORBIDDEN,
                               PROV_RESULT_WRONG_CREDENTIALS, PROV_ERR_PERM,
                               "Device provided wrong auth credentials"},
                      CodeCase{"auth_400", Stage::Auth, PROV_COAP_BAD_REQUEST,
                               PROV_RESULT_BAD_REQUEST, PROV_ERR_INVAL, "Bad request"},
                      CodeCase{"auth_500", Stage::Auth, PROV_COAP_INTERNAL_ERROR, PROV_RESULT_BUSY,
                               PROV_ERR_BUSY, "Internal server error"},
                      CodeCase{"auth_503", Stage::Auth, PROV_COAP_SERVICE_UNAVAILABLE,
                               PROV_RESULT_BUSY, PROV_ERR_BUSY, "Service unavailable"},
                      CodeCase{"commands_401", Stage::Commands, PROV_COAP_UNAUTHORIZED,
                               PROV_RESULT_NOT_CLAIMED, PROV_ERR_ACCES, "Device not authorized"},
                      CodeCase{"commands_403", Stage::Commands, PROV_COAP_FORBIDDEN,
                               PROV_RESULT_WRONG_CREDENTIALS, PROV_ERR_PERM,
                               "Device provided wrong auth credentials"},
                      CodeCase{"commands_400", Stage::Commands, PROV_COAP_BAD_REQUEST,
                               PROV_RESULT_BAD_REQUEST, PROV_ERR_INVAL, "Bad request"},
                      CodeCase{"commands_406", Stage::Commands, PROV_COAP_NOT_ACCEPTABLE,
                               PROV_RESULT_BAD_REQUEST, PROV_ERR_INVAL, "Bad request"},
                      CodeCase{"commands_404", Stage::Commands, PROV_COAP_NOT_FOUND,
                               PROV_RESULT_NOT_FOUND, PROV_ERR_NOENT, "Resource not found"},
                      CodeCase{"commands_500", Stage::Commands, PROV_COAP_INTERNAL_ERROR,
                               PROV_RESULT_BUSY, PROV_ERR_BUSY, "Internal server error"},
                      CodeCase{"commands_503", Stage::Commands, PROV_COAP_SERVICE_UNAVAILABLE,
                               PROV_RESULT_BUSY, PROV_ERR_BUSY, "Service unavailable"},
                      CodeCase{"commands_405", Stage::Commands, PROV_COAP_CODE(4, 5),
                               PROV_RESULT_PROTOCOL_ERROR, PROV_ERR_NOTSUP,
                               "Unknown response code 4.05"},
                      CodeCase{"responses_400", Stage::Responses, PROV_COAP_BAD_REQUEST,
                               PROV_RESULT_BAD_REQUEST, PROV_ERR_INVAL, "Bad request"},
                      CodeCase{"responses_404", Stage::Responses, PROV_COAP_NOT_FOUND,
                               PROV_RESULT_NOT_FOUND, PROV_ERR_NOENT, "Resource not found"},
                      CodeCase{"responses_503", Stage::Responses, PROV_COAP_SERVICE_UNAVAILABLE,
                               PROV_RESULT_BUSY, PROV_ERR_BUSY, "Service unavailable"}),
    [](const ::testing::TestParamInfo<CodeCase> &p) { return std::string(p.param.name); });

TEST_F(ProvisioningClient, StretchesTheRetryDelayWhileTheServiceStaysBusy) {
    config.retry_max_s = 150;
    for (std::uint32_t expected : {60u, 120u, 150u, 150u}) {
        device.commandAnswers.push_back(CoapAnswer{0, PROV_COAP_SERVICE_UNAVAILABLE, {}});
        EXPECT_EQ(run(), PROV_RESULT_BUSY);
        EXPECT_EQ(prov_client_retry_after_s(client.get()), expected);
    }
    EXPECT_EQ(run(), PROV_RESULT_NO_COMMANDS);
    EXPECT_EQ(prov_client_retry_after_s(client.get()), 0u);
    device.commandAnswers.push_back(CoapAnswer{0, PROV_COAP_INTERNAL_ERROR, {}});
    EXPECT_EQ(run(), PROV_RESULT_BUSY);
    EXPECT_EQ(prov_client_retry_after_s(client.get()), 60u);
}

TEST_F(ProvisioningClient, WaitsForValidModemTime) {
    device.timeValidAtMs = 5000;
    EXPECT_EQ(run(), PROV_RESULT_NO_COMMANDS);
    EXPECT_GE(device.nowMs, 5000u);
    EXPECT_LT(device.nowMs, 7000u);
}

TEST_F(ProvisioningClient, GivesUpWithoutValidModemTimeAfterSixtySeconds) {
    device.timeValidAtMs = -1;
    EXPECT_EQ(run(), PROV_RESULT_NO_VALID_TIME);
    EXPECT_TRUE(device.logged(PROV_LOG_ERR, kProv, "Failed to get valid modem time, err -116"));
    EXPECT_GE(device.nowMs, 60000u);
    EXPECT_LT(device.nowMs, 62000u);
    EXPECT_EQ(device.traceCount("coap:"), 0);
    EXPECT_EQ(device.events.back().result, PROV_RESULT_NO_VALID_TIME);
}

TEST_F(ProvisioningClient, FailsWhenTheModemCannotMakeAJwt) {
    device.jwtAnswers.push_back(AtAnswer{0, PROV_AT_CME_ERROR, 514, ""});
    EXPECT_EQ(run(), PROV_RESULT_JWT_FAILED);
    EXPECT_TRUE(device.logged(PROV_LOG_ERR, kCoap, "Failed to generate JWT, error: 514"));
    EXPECT_TRUE(device.requests.empty());
}

TEST_F(ProvisioningClient, FailsWhenTheModemPrintsNoJwt) {
    device.jwtAnswers.push_back(AtAnswer{0, PROV_AT_OK, 0, "%JWT: \"not a token\""});
    EXPECT_EQ(run(), PROV_RESULT_JWT_FAILED);
    EXPECT_TRUE(device.logged(PROV_LOG_ERR, kCoap, "Failed to generate JWT, error: -77"));
}

TEST_F(ProvisioningClient, ReportsAnUnresolvableHostAsARetryableNetworkError) {
    device.connectResult = PROV_ERR_FAULT;
    EXPECT_EQ(run(), PROV_RESULT_NETWORK_ERROR);
    EXPECT_TRUE(device.logged(PROV_LOG_ERR, kCoap, "Unable to resolve address"));
    EXPECT_EQ(prov_client_retry_after_s(client.get()), 60u);
}

TEST_F(ProvisioningClient, ReportsAFailedHandshakeAsAWrongRootCa) {
    device.connectResult = PROV_ERR_CONNREFUSED;
    EXPECT_EQ(run(), PROV_RESULT_WRONG_ROOT_CA);
    EXPECT_EQ(device.events.back().error, PROV_ERR_CONNREFUSED);
    EXPECT_EQ(prov_client_retry_after_s(client.get()), 0u);
}

TEST_F(ProvisioningClient, ReportsARequestTimeout) {
    device.requestFailures.push_back(PROV_ERR_TIMEDOUT);
    EXPECT_EQ(run(), PROV_RESULT_NETWORK_ERROR);
    EXPECT_TRUE(device.logged(PROV_LOG_ERR, kCoap, "Failed to send CoAP request, error: -116"));
}

TEST_F(ProvisioningClient, ReconnectsOnceWhenTheSessionIsLostAndThenGivesUp) {
    // Authentication passes, the command request finds the session gone.
    device.requestFailures = {0, PROV_ERR_NOTCONN};
    EXPECT_EQ(run(), PROV_RESULT_NO_COMMANDS) << "one lost session is repaired";
    EXPECT_EQ(device.requestLines(),
              (std::vector<std::string>{authPath(), authPath(), commandsPath("")}));
    EXPECT_EQ(device.traceCount("coap:connect"), 2);

    // Lost again right after reconnecting: the client gives up.
    device.requestFailures = {0, PROV_ERR_NOTCONN, 0, PROV_ERR_NOTCONN};
    EXPECT_EQ(run(), PROV_RESULT_NETWORK_ERROR);
    EXPECT_EQ(device.events.back().error, PROV_ERR_NOTCONN);
}

TEST_F(ProvisioningClient, StopsWhenTheModemDoesNotGoOffline) {
    device.offlineWaitResult = PROV_ERR_TIMEDOUT;
    serveCommands({Cmd::at("c1", "%KEYGEN", "16842753,2,0"), Cmd::finished("c2")});
    EXPECT_EQ(run(), PROV_RESULT_LTE_TIMEOUT);
    EXPECT_EQ(device.traceIndex("at:AT%KEYGEN=16842753,2,0"), -1);
    EXPECT_TRUE(device.sentResponses().empty());
    EXPECT_GE(device.traceIndex("event:need-lte-activated"), 0); // LTE is asked back
    EXPECT_TRUE(device.logged(PROV_LOG_ERR, kProv, "Failed to set modem offline, err -116"));
}

TEST_F(ProvisioningClient, StopsWhenTheModemDoesNotComeBackOnline) {
    device.onlineWaitResult = PROV_ERR_TIMEDOUT;
    serveCommands({Cmd::at("c1", "%KEYGEN", "16842753,2,0")});
    EXPECT_EQ(run(), PROV_RESULT_LTE_TIMEOUT);
    EXPECT_GE(device.traceIndex("at:AT%KEYGEN=16842753,2,0"), 0);
    EXPECT_EQ(device.traceCount("coap:POST p/rsp"), 0);
}

TEST_F(ProvisioningClient, RejectsACommandListThatDoesNotDecode) {
    device.commandAnswers.push_back(CoapAnswer{0, PROV_COAP_CONTENT, Bytes{0x81, 0x82, 0x61}});
    EXPECT_EQ(run(), PROV_RESULT_PROTOCOL_ERROR);
    EXPECT_TRUE(device.logged(PROV_LOG_ERR, "nrf_provisioning_codec",
                              "Decoding commands response failed, reason: truncated"));
    EXPECT_EQ(device.traceCount("event:need-lte"), 0);
    EXPECT_EQ(device.traceCount("coap:POST p/rsp"), 0);
}

TEST_F(ProvisioningClient, RejectsACommandListLargerThanItsRxBuffer) {
    serveCommands({Cmd::at("c1", "%CMNG", std::string(rx.size(), 'x'))});
    EXPECT_EQ(run(), PROV_RESULT_PROTOCOL_ERROR);
    EXPECT_TRUE(device.logged(PROV_LOG_ERR, kCoap, "RX buffer too small"));
}

TEST_F(ProvisioningClient, StopsAServiceThatNeverRunsOutOfCommands) {
    config.max_rounds = 3;
    for (int i = 0; i < 5; ++i) {
        serveCommands({Cmd::configure("c" + std::to_string(i), {{"k", "v"}})});
    }
    EXPECT_EQ(run(), PROV_RESULT_PROTOCOL_ERROR);
    EXPECT_EQ(device.traceCount("coap:GET p/cmd"), 3);
}

TEST_F(ProvisioningClient, SendsTheConfiguredLimitAndClientVersion) {
    config.command_limit = 5;
    config.client_version = "2.1";
    run();
    EXPECT_EQ(device.requestLines()[0], "POST p/auth-jwt?mver=2.0.2&cver=2.1");
    EXPECT_TRUE(device.requestLines()[1].ends_with("&limit=5"));
}

TEST_F(ProvisioningClient, FailsWhenTheModemFirmwareVersionIsUnknown) {
    device.atAnswers.clear();
    device.firmware = "";
    EXPECT_EQ(run(), PROV_RESULT_ERROR);
    EXPECT_EQ(device.traceCount("coap:"), 0);
}

TEST(ProvisioningClientInit, RejectsAnIncompletePortBadBuffersAndBadConfig) {
    FakeDevice device;
    std::array<std::uint8_t, 256> rx{}, tx{};
    std::array<char, 256> cmd{}, rsp{};
    prov_client_config config;
    prov_client_config_defaults(&config);
    const prov_client_buffers good{rx.data(),  rx.size(),  tx.data(),  tx.size(),
                                   cmd.data(), cmd.size(), rsp.data(), rsp.size()};
    auto client = std::make_unique<prov_client>();
    prov_port port = device.port();
    EXPECT_EQ(prov_client_init(client.get(), &port, &config, &good), PROV_OK);

    prov_port noModem = port;
    noModem.at_command = nullptr;
    EXPECT_EQ(prov_client_init(client.get(), &noModem, &config, &good), PROV_ERR_INVAL);

    prov_port quiet = port;
    quiet.log = nullptr;
    quiet.on_event = nullptr;
    EXPECT_EQ(prov_client_init(client.get(), &quiet, &config, &good), PROV_OK);

    prov_client_buffers tiny = good;
    tiny.rx_size = PROV_CLIENT_MIN_RX - 1;
    EXPECT_EQ(prov_client_init(client.get(), &port, &config, &tiny), PROV_ERR_INVAL);
    prov_client_buffers missing = good;
    missing.at_response = nullptr;
    EXPECT_EQ(prov_client_init(client.get(), &port, &config, &missing), PROV_ERR_INVAL);

    for (std::uint32_t limit : {0u, static_cast<std::uint32_t>(PROV_MAX_COMMANDS + 1)}) {
        prov_client_config bad = config;
        bad.command_limit = limit;
        EXPECT_EQ(prov_client_init(client.get(), &port, &bad, &good), PROV_ERR_INVAL);
    }
}

TEST(ProvisioningClientInit, RunsWithoutLogOrEventSinks) {
    FakeDevice device;
    std::array<std::uint8_t, 256> rx{}, tx{};
    std::array<char, 256> cmd{}, rsp{};
    prov_client_config config;
    prov_client_config_defaults(&config);
    const prov_client_buffers buffers{rx.data(),  rx.size(),  tx.data(),  tx.size(),
                                      cmd.data(), cmd.size(), rsp.data(), rsp.size()};
    prov_port port = device.port();
    port.log = nullptr;
    port.on_event = nullptr;
    auto client = std::make_unique<prov_client>();
    ASSERT_EQ(prov_client_init(client.get(), &port, &config, &buffers), PROV_OK);
    device.commandAnswers.push_back(
        CoapAnswer{0, PROV_COAP_CONTENT,
                   encodeCommands({Cmd::at("c1", "%KEYGEN", "1,2,0"), Cmd::finished("c2")})});
    EXPECT_EQ(prov_client_run(client.get()), PROV_RESULT_DONE);
    EXPECT_TRUE(device.logs.empty());
    EXPECT_TRUE(device.events.empty());
    EXPECT_GE(device.traceIndex("wait:offline:120000"), 0); // the waits still happen
}

TEST(ProvisioningResult, NamesEveryResult) {
    for (int r = PROV_RESULT_DONE; r <= PROV_RESULT_ERROR; ++r) {
        EXPECT_STRNE(prov_result_name(static_cast<prov_result>(r)), "unknown result") << r;
    }
}
