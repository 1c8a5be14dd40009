/// Signals from MGCP to the line, end to end without a socket for MGCP: the agent, the
/// engine_media_control adapter and a real media engine (one E1, ticks driven by hand). Each
/// test sends the call agent's command text, ticks the engine, and listens to the timeslot.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <spandsp.h>

#include "common/manual_clock.hpp"
#include "gateway/app/engine_media_control.hpp"
#include "gateway/mgcp/agent.hpp"
#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"
#include "tests/unit/gateway/harness.hpp"
#include "tests/unit/gateway/mgcp/recording_notifier.hpp"

namespace tandem::gateway::test {
namespace {

namespace m = tandem::mgcp;

/// Energy share at `hz` (Goertzel), 1 for a pure tone there.
double share_at(std::span<const std::int16_t> x, double hz) {
    const double coeff = 2.0 * std::cos(2.0 * M_PI * hz / 8000.0);
    double s1 = 0, s2 = 0, energy = 0;
    for (auto v : x) {
        const double s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
        energy += static_cast<double>(v) * v;
    }
    return energy == 0 ? 0 : 2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (static_cast<double>(x.size()) * energy);
}

class signals_agent : public ::testing::Test {
protected:
    signals_agent() {
        mgcp::agent_config c;
        c.spans = {mgcp::span_config{1, false, {}}};
        c.codecs = {"PCMA", "PCMU"};
        control_ = std::make_unique<app::engine_media_control>(std::vector<media::media_engine*>{bench_.engine.get()},
                                                               codec_registry(), "127.0.0.1", counters_);
        agent_ = std::make_unique<mgcp::agent>(c, codec_registry(), *control_, notifier_, clock_, agent_counters_,
                                               [] { return 7u; });
    }
    std::string send(const std::string& text) {
        auto parsed = m::parse_message(text);
        EXPECT_TRUE(parsed.has_value()) << text;
        if (!parsed) return {};
        auto r = agent_->handle(ca_, std::get<m::command>(*parsed));
        return r ? m::serialize(*r, {false}) : std::string("(none)");
    }
    /// Ticks `n` times, polling media events into the agent; returns what ts `ts` carried.
    std::vector<std::int16_t> run(unsigned ts, int n, bool loop_back = false) {
        std::vector<std::int16_t> out;
        std::array<std::int16_t, 80> block{};
        for (int t = 0; t < n; ++t) {
            if (loop_back && t > 0) bench_.put(ts, block);
            bench_.tick();
            bench_.get(ts, block);
            out.insert(out.end(), block.begin(), block.end());
            control_->poll(*agent_);
            clock_.advance(std::chrono::milliseconds(10));
        }
        return out;
    }
    std::string last_sent() {
        if (notifier_.sent_commands.empty()) return {};
        return m::serialize(notifier_.sent_commands.back().second, {false});
    }

    e1_bench bench_;
    counter_set counters_{"mgw_media"};
    counter_set agent_counters_{"mgcp_agent"};
    manual_clock clock_;
    mgcp::test::recording_notifier notifier_;
    std::unique_ptr<app::engine_media_control> control_;
    std::unique_ptr<mgcp::agent> agent_;
    m::peer ca_{"127.0.0.1", 2727};
};

TEST_F(signals_agent, when_rqnt_asks_for_ringback_then_the_line_hears_425_hz_until_the_next_request) {
    EXPECT_EQ(send("RQNT 1 ds/e1-1/3@mgw.tandem.test MGCP 1.0\nX: 1\nS: G/rt\n").substr(0, 8), "200 1 OK");
    const auto on = run(3, 50);
    EXPECT_GT(share_at(on, 425), 0.9);
    EXPECT_EQ(counters_.value("signals.played.g_rt"), 1u);
    EXPECT_EQ(counters_.value("signals.unsupported"), 0u);
    EXPECT_EQ(send("RQNT 2 ds/e1-1/3@mgw.tandem.test MGCP 1.0\nX: 2\n").substr(0, 8), "200 2 OK");
    const auto off = run(3, 50);
    EXPECT_LT(share_at(off, 425), 0.01);
}

TEST_F(signals_agent, when_rqnt_plays_digits_then_dtmf_rx_on_the_line_hears_them) {
    EXPECT_EQ(send("RQNT 3 ds/e1-1/4@mgw.tandem.test MGCP 1.0\nX: 3\nS: D/4, D/2, D/*\n").substr(0, 8), "200 3 OK");
    const auto x = run(4, 80);
    dtmf_rx_state_t* rx = dtmf_rx_init(nullptr, nullptr, nullptr);
    dtmf_rx(rx, x.data(), static_cast<int>(x.size()));
    char heard[8] = {};
    dtmf_rx_get(rx, heard, 7);
    dtmf_rx_free(rx);
    EXPECT_STREQ(heard, "42*");
    EXPECT_EQ(counters_.value("signals.played.d_digit"), 3u);
}

TEST_F(signals_agent, when_co1_comes_back_from_a_looped_far_end_then_the_agent_notifies_t_co1) {
    EXPECT_EQ(send("RQNT 4 ds/e1-1/5@mgw.tandem.test MGCP 1.0\nX: 4\nR: T/co1(N), T/oc(N)\nS: T/co1\n").substr(0, 8),
              "200 4 OK");
    const auto x = run(5, 30, /*loop_back=*/true);
    EXPECT_GT(share_at(std::span<const std::int16_t>(x).subspan(0, 160), 2010), 0.9);
    ASSERT_EQ(notifier_.sent_commands.size(), 1u);
    EXPECT_NE(last_sent().find("O: T/co1"), std::string::npos) << last_sent();
    // The event stopped the go tone (RFC 3435 §2.3.3: no K): the line is quiet again.
    EXPECT_LT(share_at(run(5, 20), 2010), 0.01);
}

TEST_F(signals_agent, when_co1_is_not_returned_then_the_time_out_reports_t_oc) {
    EXPECT_EQ(send("RQNT 5 ds/e1-1/5@mgw.tandem.test MGCP 1.0\nX: 5\nR: T/co1(N), T/oc(N)\nS: T/co1(to=500)\n").substr(0, 8),
              "200 5 OK");
    (void)run(5, 60);
    ASSERT_EQ(notifier_.sent_commands.size(), 1u);
    EXPECT_NE(last_sent().find("O: T/oc(T/co1)"), std::string::npos) << last_sent();
}

TEST_F(signals_agent, when_epcf_asks_for_mu_law_then_the_timeslot_carries_mu_law_and_auep_says_so) {
    EXPECT_EQ(send("EPCF 6 ds/e1-1/7@mgw.tandem.test MGCP 1.0\nB: e:mu\n").substr(0, 8), "200 6 OK");
    EXPECT_EQ(counters_.value("bearer.applied"), 1u);
    EXPECT_NE(send("AUEP 7 ds/e1-1/7@mgw.tandem.test MGCP 1.0\nF: B\n").find("B: e:mu"), std::string::npos);
    EXPECT_EQ(send("RQNT 8 ds/e1-1/7@mgw.tandem.test MGCP 1.0\nX: 8\nS: T/om\n").substr(0, 8), "200 8 OK");
    bench_.tick();
    std::array<std::int16_t, 80> as_mu{};
    codecs::g711::decode_ulaw(bench_.tx.slot(bench_.layout.position(7)), as_mu);
    // 0 dBm0 at 1000 Hz read with the law EPCF asked for.
    double e = 0;
    for (auto v : as_mu) e += static_cast<double>(v) * v;
    EXPECT_NEAR(20 * std::log10(std::sqrt(e / 80) / (22767 / std::sqrt(2.0))), 0.0, 0.5);
    EXPECT_GT(share_at(as_mu, 1000), 0.95);
}

TEST_F(signals_agent, when_a_signal_cannot_be_played_then_the_agent_is_told_of) {
    EXPECT_EQ(send("RQNT 9 ds/e1-1/8@mgw.tandem.test MGCP 1.0\nX: 9\nR: G/of(N)\nS: G/rt\n").substr(0, 8), "200 9 OK");
    // Fill the engine's command queue (no tick takes from it) so the next signal is refused.
    for (std::size_t i = 0; i <= media::media_engine_config{}.queue_capacity; ++i)
        (void)bench_.engine->play_signal(bench_.ts(9), media::signal_tone::busy);
    EXPECT_EQ(send("RQNT 10 ds/e1-1/8@mgw.tandem.test MGCP 1.0\nX: 10\nR: G/of(N)\nS: G/cg\n").substr(0, 9), "200 10 OK");
    EXPECT_EQ(counters_.value("signals.failed"), 1u);
    control_->poll(*agent_);
    ASSERT_EQ(notifier_.sent_commands.size(), 1u);
    EXPECT_NE(last_sent().find("O: G/of(G/cg)"), std::string::npos) << last_sent();
}

/// The value of the first line starting with `prefix` in a response ("I: ", "m=audio ").
std::string line_value(const std::string& text, const std::string& prefix) {
    const auto at = text.find("\n" + prefix);
    if (at == std::string::npos) return {};
    const auto start = at + 1 + prefix.size();
    return text.substr(start, text.find_first_of("\r\n", start) - start);
}

std::string sdp_to(unsigned port) {
    return "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio " + std::to_string(port) +
           " RTP/AVP 8\na=rtpmap:8 PCMA/8000\na=ptime:20\n";
}

TEST_F(signals_agent, when_crcx_embeds_rbk_on_the_new_connection_then_the_far_line_hears_ringback) {
    // Leg A on ts 10 asks for ringback toward the network on itself (G/rbk@$); leg B on ts 11
    // is its far end over RTP on 127.0.0.1.
    const auto a = send("CRCX 20 ds/e1-1/10@mgw.tandem.test MGCP 1.0\nC: 1\nL: p:20, a:PCMA\nM: sendrecv\n"
                        "X: 20\nR: G/oc(N)\nS: G/rbk@$\n");
    ASSERT_EQ(a.substr(0, 9), "200 20 OK") << a;
    const auto a_id = line_value(a, "I: ");
    const auto a_port = std::stoul(line_value(a, "m=audio "));
    const auto b = send("CRCX 21 ds/e1-1/11@mgw.tandem.test MGCP 1.0\nC: 1\nL: p:20, a:PCMA\nM: sendrecv\n\n" +
                        sdp_to(static_cast<unsigned>(a_port)));
    ASSERT_EQ(b.substr(0, 9), "200 21 OK") << b;
    const auto b_port = std::stoul(line_value(b, "m=audio "));
    const auto md = send("MDCX 22 ds/e1-1/10@mgw.tandem.test MGCP 1.0\nC: 1\nI: " + a_id + "\n\n" +
                         sdp_to(static_cast<unsigned>(b_port)));
    ASSERT_EQ(md.substr(0, 9), "200 22 OK") << md;
    EXPECT_EQ(counters_.value("signals.played.g_rbk"), 1u);
    std::vector<std::int16_t> far, near;
    std::array<std::int16_t, 80> block{};
    for (int t = 0; t < 80; ++t) {  // inside the first 1 s burst (the jitter buffer delays it)
        bench_.tick();
        bench_.get(11, block);
        if (t >= 30) far.insert(far.end(), block.begin(), block.end());
        bench_.get(10, block);
        if (t >= 30) near.insert(near.end(), block.begin(), block.end());
    }
    EXPECT_GT(share_at(far, 425), 0.9);
    EXPECT_LT(share_at(near, 425), 0.01);  // the near line does not hear it
}

TEST_F(signals_agent, when_r_co1_comes_back_over_rtp_then_the_agent_notifies_it_for_the_connection) {
    // Leg A (ts 12) sends the continuity tone on its connection and waits for its return; the
    // far end (ts 13) is in netwloop and returns what it receives.
    const auto a = send("CRCX 30 ds/e1-1/12@mgw.tandem.test MGCP 1.0\nC: 2\nL: p:20, a:PCMA\nM: sendrecv\n"
                        "X: 30\nR: R/co1@$(N)\nS: R/co1@$\n");
    ASSERT_EQ(a.substr(0, 9), "200 30 OK") << a;
    const auto a_id = line_value(a, "I: ");
    const auto b = send("CRCX 31 ds/e1-1/13@mgw.tandem.test MGCP 1.0\nC: 2\nL: p:20, a:PCMA\nM: netwloop\n\n" +
                        sdp_to(static_cast<unsigned>(std::stoul(line_value(a, "m=audio ")))));
    ASSERT_EQ(b.substr(0, 9), "200 31 OK") << b;
    const auto md = send("MDCX 32 ds/e1-1/12@mgw.tandem.test MGCP 1.0\nC: 2\nI: " + a_id + "\n\n" +
                         sdp_to(static_cast<unsigned>(std::stoul(line_value(b, "m=audio ")))));
    ASSERT_EQ(md.substr(0, 9), "200 32 OK") << md;
    (void)run(12, 100);
    ASSERT_EQ(notifier_.sent_commands.size(), 1u);
    EXPECT_NE(last_sent().find("O: R/co1@" + a_id), std::string::npos) << last_sent();
    EXPECT_EQ(counters_.value("signals.played.r_co1"), 1u);
}

}  // namespace
}  // namespace tandem::gateway::test
