#pragma once
/// Test harness: one media engine with E1 timeslot endpoints, driven tick by tick by the test
/// (no span, no clock thread), with RTP on 127.0.0.1 in a port range found free at run time.
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "codecs/backend_codecs.hpp"
#include "codecs/core_codecs.hpp"
#include "codecs/g711.hpp"
#include "codecs/registry.hpp"
#include "gateway/media/media_engine.hpp"
#include "tdm/span.hpp"

namespace tandem::gateway::test {

/// Whether a UDP port can be bound on 127.0.0.1 right now.
inline bool udp_port_free(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

/// A range of `count` consecutive ports (starting even) that are free now; bounded search.
inline rtp::port_range free_port_range(unsigned count) {
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<unsigned> base(10000, 60000 - count);
    for (int attempt = 0; attempt < 200; ++attempt) {
        const unsigned first = base(rng) & ~1u;
        bool ok = true;
        for (unsigned p = first; p < first + count && ok; ++p) ok = udp_port_free(static_cast<std::uint16_t>(p));
        if (ok) return {static_cast<std::uint16_t>(first), static_cast<std::uint16_t>(first + count - 1)};
    }
    return {0, 0};
}

inline const codecs::registry& codec_registry() {
    static const codecs::registry reg = [] {
        codecs::registry r;
        codecs::register_core_codecs(r);
        codecs::register_backend_codecs(r);
        return r;
    }();
    return reg;
}

/// An engine with one E1 span (A-law), ticks driven by hand.
struct e1_bench {
    explicit e1_bench(unsigned virtual_endpoints = 0, unsigned ports = 64) {
        media::media_engine_config c;
        c.span = tdm::span_layout::e1();
        c.virtual_endpoints = virtual_endpoints;
        c.ports = free_port_range(ports);
        auto e = media::media_engine::create(c);
        if (e) engine = std::move(*e);
        layout = *c.span;
    }
    media::endpoint_index ts(unsigned n) const { return *engine->find_endpoint(fmt::format("ds/e1-1/{}", n)); }

    /// One tick: `in` (linear) goes into timeslot `in_ts` as received from the trunk; returns
    /// through `out_ts` what the gateway sent to the trunk, linear.
    void tick() {
        tx.fill(layout.idle_octet());
        engine->tick(&rx, &tx);
        rx.fill(layout.idle_octet());
    }
    void put(unsigned timeslot, std::span<const std::int16_t> pcm) {
        codecs::g711::encode_alaw(pcm, rx.slot(layout.position(timeslot)));
    }
    void get(unsigned timeslot, std::span<std::int16_t> pcm) const {
        codecs::g711::decode_alaw(tx.slot(layout.position(timeslot)), pcm);
    }

    std::unique_ptr<media::media_engine> engine;
    tdm::span_layout layout;
    tdm::block rx{32, 80};
    tdm::block tx{32, 80};
};

inline media::connection_params params_for(const char* codec, std::uint8_t pt, int ptime_ms,
                                           std::optional<std::uint8_t> tev = std::nullopt) {
    media::connection_params p;
    p.codec.codec = *codec_registry().find(codec);
    p.codec.payload_type = pt;
    p.codec.ptime = std::chrono::milliseconds(ptime_ms);
    p.telephone_event_payload_type = tev;
    p.echo_canceller = false;
    return p;
}

inline media::connection_changes remote_port(std::uint16_t port) {
    media::connection_changes c;
    c.remote = media::remote_address{"127.0.0.1", port};
    return c;
}
inline media::connection_changes new_mode(media::connection_mode m) {
    media::connection_changes c;
    c.mode = m;
    return c;
}

/// Points A at B and B at A.
inline bool join(media::media_engine& e, const media::connection_info& a,
                 const media::connection_info& b) {
    return e.modify_connection(a.id, remote_port(b.local_port)).has_value() &&
           e.modify_connection(b.id, remote_port(a.local_port)).has_value();
}

}  // namespace tandem::gateway::test
