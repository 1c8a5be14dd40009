/// The media engine on a real simulated E1 (tdm/sim over a Unix socket), clocked by the span as
/// in tandem-mgw: the exchange side (clock master) talks a tone into timeslot 1; the gateway
/// carries it over RTP (G.729) to timeslot 2; the exchange hears it back on timeslot 2. Paced by
/// the span's real 10 ms clock, bounded; nothing is asserted on time.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "codecs/audio/measure.hpp"
#include "gateway/media/media_clock.hpp"
#include "tdm/sim/sim_span.hpp"
#include "tests/unit/gateway/harness.hpp"

namespace tandem::gateway::test {
namespace {

namespace audio = codecs::audio;

/// The exchange: writes a 1 kHz tone into timeslot 1, records timeslot 2. Clock thread only,
/// except `ticks` and, after stop(), `heard`.
class exchange final : public tdm::span_handler {
public:
    exchange() { heard.reserve(8000 * 4); }
    void on_tick(const tdm::block& rx, tdm::block& tx) override {
        const auto l = tdm::span_layout::e1();
        std::array<std::int16_t, 80> pcm{};
        phase_ = audio::fill_sine(pcm, 1000.0, 10000.0, 8000, phase_);
        codecs::g711::encode_alaw(pcm, tx.slot(l.position(1)));
        if (heard.size() + 80 <= heard.capacity()) {
            codecs::g711::decode_alaw(rx.slot(l.position(2)), pcm);
            heard.insert(heard.end(), pcm.begin(), pcm.end());
        }
        ticks.fetch_add(1);
    }
    void on_dchannel_frame(std::span<const std::uint8_t>) override {}
    void on_alarm(tdm::alarm) override {}
    std::vector<std::int16_t> heard;
    std::atomic<unsigned> ticks{0};

private:
    double phase_ = 0;
};

TEST(span_integration, when_the_exchange_talks_on_one_timeslot_then_it_hears_itself_on_the_other_through_rtp) {
    char dir_template[] = "/tmp/tandem-media-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const std::string path = std::string(dir_template) + "/span1.sock";

    tdm::sim_span_config m;
    m.socket_path = path;
    m.clock_role = tdm::sim_span_config::role::master;
    m.mode = tdm::sim_span_config::connect_mode::listen;
    tdm::sim_span_config s = m;
    s.clock_role = tdm::sim_span_config::role::slave;
    s.mode = tdm::sim_span_config::connect_mode::connect;
    auto pstn = tdm::create_sim_span(m);
    auto gw = tdm::create_sim_span(s);
    ASSERT_TRUE(pstn && gw);

    media::media_engine_config c;
    c.span = tdm::span_layout::e1();
    c.ports = free_port_range(16);
    auto engine = media::media_engine::create(c);
    ASSERT_TRUE(engine);
    auto& e = **engine;
    auto a = e.create_connection(*e.find_endpoint("ds/e1-1/1"), params_for("G729", 18, 20));
    auto b = e.create_connection(*e.find_endpoint("ds/e1-1/2"), params_for("G729", 18, 20));
    ASSERT_TRUE(a && b && join(e, *a, *b));

    exchange ex;
    media::span_media_handler handler(e);
    (*pstn)->start(ex);
    (*gw)->start(handler);
    for (int i = 0; i < 1000 && ex.ticks.load() < 300; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    (*gw)->stop();
    (*pstn)->stop();
    std::filesystem::remove_all(dir_template);

    ASSERT_GE(ex.heard.size(), 200u * 80u);
    // The last second: the tone, through G.729 twice (A's encoder, B's decoder).
    const auto tail = std::span<const std::int16_t>(ex.heard).last(8000);
    const double level = audio::level_dbov(tail);
    const auto sa = e.statistics(a->id);
    std::printf("exchange hears %.1f dBov on timeslot 2 after %u ticks; A sent %llu packets, "
                "B received %llu, B concealed %llu frames\n",
                level, ex.ticks.load(), static_cast<unsigned long long>(sa->packets_sent),
                static_cast<unsigned long long>(e.statistics(b->id)->packets_received),
                static_cast<unsigned long long>(e.statistics(b->id)->frames_concealed));
    EXPECT_GT(level, -20.0);  // sent at -13.3 dBov
    EXPECT_GT(sa->packets_sent, 50u);
}

}  // namespace
}  // namespace tandem::gateway::test
