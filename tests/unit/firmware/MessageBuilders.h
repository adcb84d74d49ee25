// Test helpers that build provisioning command lists and read response lists with owning C++
// types, on top of the C codec in firmware/client.
#pragma once

#include <cstdint>
#include <ostream>
#include <provclient/messages.h>
#include <string>
#include <utility>
#include <vector>

namespace ps::fwtest {

using Bytes = std::vector<std::uint8_t>;

inline prov_str view(const std::string &s) {
    return prov_str{s.data(), s.size()};
}

inline std::string text(prov_str s) {
    return s.len ? std::string(s.ptr, s.len) : std::string();
}

// One command, owning its strings.
struct Cmd {
    std::string corr;
    prov_command_type type = PROV_COMMAND_FINISHED;
    std::string setCommand;
    std::string parameters;
    std::vector<std::uint32_t> ignoredCme;
    std::vector<std::pair<std::string, std::string>> config;

    static Cmd at(std::string corr, std::string set, std::string params,
                  std::vector<std::uint32_t> ignored = {}) {
        Cmd c;
        c.corr = std::move(corr);
        c.type = PROV_COMMAND_AT;
        c.setCommand = std::move(set);
        c.parameters = std::move(params);
        c.ignoredCme = std::move(ignored);
        return c;
    }
    static Cmd configure(std::string corr, std::vector<std::pair<std::string, std::string>> kv) {
        Cmd c;
        c.corr = std::move(corr);
        c.type = PROV_COMMAND_CONFIG;
        c.config = std::move(kv);
        return c;
    }
    static Cmd finished(std::string corr) {
        Cmd c;
        c.corr = std::move(corr);
        c.type = PROV_COMMAND_FINISHED;
        return c;
    }

    // A C view of this command; valid while *this lives.
    prov_command toC() const {
        prov_command c{};
        c.corr_id = view(corr);
        c.type = type;
        c.set_command = view(setCommand);
        c.parameters = view(parameters);
        c.ignored_cme_count = ignoredCme.size();
        for (std::size_t i = 0; i < ignoredCme.size() && i < PROV_MAX_IGNORED_CME; ++i) {
            c.ignored_cme[i] = ignoredCme[i];
        }
        c.config_count = config.size();
        for (std::size_t i = 0; i < config.size() && i < PROV_MAX_CONFIG_PAIRS; ++i) {
            c.config[i].key = view(config[i].first);
            c.config[i].value = view(config[i].second);
        }
        return c;
    }

    static Cmd fromC(const prov_command &c) {
        Cmd out;
        out.corr = text(c.corr_id);
        out.type = c.type;
        if (c.type == PROV_COMMAND_AT) {
            out.setCommand = text(c.set_command);
            out.parameters = text(c.parameters);
            out.ignoredCme.assign(c.ignored_cme, c.ignored_cme + c.ignored_cme_count);
        } else if (c.type == PROV_COMMAND_CONFIG) {
            for (std::size_t i = 0; i < c.config_count; ++i) {
                out.config.emplace_back(text(c.config[i].key), text(c.config[i].value));
            }
        }
        return out;
    }

    bool operator==(const Cmd &) const = default;
};

inline std::ostream &operator<<(std::ostream &os, const Cmd &c) {
    os << "[" << c.corr << ", " << static_cast<int>(c.type);
    if (c.type == PROV_COMMAND_AT) {
        os << ", " << c.setCommand << ", " << c.parameters << ", " << c.ignoredCme.size()
           << " ignored";
    } else if (c.type == PROV_COMMAND_CONFIG) {
        os << ", " << c.config.size() << " pairs";
    }
    return os << "]";
}

// One response, owning its strings.
struct Rsp {
    std::string corr;
    prov_response_type type = PROV_RESPONSE_FINISHED_ACK;
    std::uint32_t cme = 0;
    std::string message;

    static Rsp error(std::string corr, std::uint32_t cme, std::string message) {
        return Rsp{std::move(corr), PROV_RESPONSE_ERROR, cme, std::move(message)};
    }
    static Rsp at(std::string corr, std::string output) {
        return Rsp{std::move(corr), PROV_RESPONSE_AT, 0, std::move(output)};
    }
    static Rsp configAck(std::string corr) {
        return Rsp{std::move(corr), PROV_RESPONSE_CONFIG_ACK, 0, {}};
    }
    static Rsp finishedAck(std::string corr) {
        return Rsp{std::move(corr), PROV_RESPONSE_FINISHED_ACK, 0, {}};
    }

    prov_response toC() const {
        prov_response r{};
        r.corr_id = view(corr);
        r.type = type;
        r.cme_error = cme;
        r.message = view(message);
        return r;
    }

    static Rsp fromC(const prov_response &r) {
        return Rsp{text(r.corr_id), r.type, r.cme_error, text(r.message)};
    }

    bool operator==(const Rsp &) const = default;
};

inline std::ostream &operator<<(std::ostream &os, const Rsp &r) {
    os << "[" << r.corr << ", " << static_cast<int>(r.type);
    if (r.type == PROV_RESPONSE_ERROR) {
        os << ", " << r.cme;
    }
    if (r.type == PROV_RESPONSE_ERROR || r.type == PROV_RESPONSE_AT) {
        os << ", \"" << r.message << "\"";
    }
    return os << "]";
}

inline prov_codec_status encodeCommands(const std::vector<Cmd> &cmds, Bytes &out) {
    std::vector<prov_command> c;
    for (const Cmd &cmd : cmds) {
        c.push_back(cmd.toC());
    }
    std::size_t len = 0;
    prov_codec_status status = prov_encode_command_list(c.data(), c.size(), nullptr, 0, &len);
    if (status != PROV_CODEC_NO_SPACE) {
        out.clear();
        return status; // zero commands (OK, empty payload) or a validation error
    }
    out.assign(len, 0);
    status = prov_encode_command_list(c.data(), c.size(), out.data(), out.size(), &len);
    out.resize(len);
    return status;
}

inline Bytes encodeCommands(const std::vector<Cmd> &cmds) {
    Bytes out;
    encodeCommands(cmds, out);
    return out;
}

inline prov_codec_status encodeResponses(const std::vector<Rsp> &rsps, Bytes &out) {
    std::vector<prov_response> r;
    for (const Rsp &rsp : rsps) {
        r.push_back(rsp.toC());
    }
    std::size_t len = 0;
    prov_codec_status status = prov_encode_response_list(r.data(), r.size(), nullptr, 0, &len);
    if (status != PROV_CODEC_NO_SPACE) {
        out.clear();
        return status;
    }
    out.assign(len, 0);
    status = prov_encode_response_list(r.data(), r.size(), out.data(), out.size(), &len);
    out.resize(len);
    return status;
}

inline Bytes encodeResponses(const std::vector<Rsp> &rsps) {
    Bytes out;
    encodeResponses(rsps, out);
    return out;
}

inline prov_codec_status decodeCommands(const Bytes &in, std::vector<Cmd> &out) {
    prov_command_list list{};
    const prov_codec_status status = prov_decode_command_list(in.data(), in.size(), &list);
    out.clear();
    for (std::size_t i = 0; i < list.count; ++i) {
        out.push_back(Cmd::fromC(list.items[i]));
    }
    return status;
}

inline prov_codec_status decodeResponses(const Bytes &in, std::vector<Rsp> &out) {
    prov_response_list list{};
    const prov_codec_status status = prov_decode_response_list(in.data(), in.size(), &list);
    out.clear();
    for (std::size_t i = 0; i < list.count; ++i) {
        out.push_back(Rsp::fromC(list.items[i]));
    }
    return status;
}

inline std::vector<Rsp> decodeResponses(const Bytes &in) {
    std::vector<Rsp> out;
    decodeResponses(in, out);
    return out;
}

} // namespace ps::fwtest
