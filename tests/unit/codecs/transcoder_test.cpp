/// The transcoder: repacketisation without gaps or duplicates, exact RTP timestamps,
/// resampling between 8 and 16 kHz, loss concealment and bad input.
#include <gtest/gtest.h>

#include "codec_test_support.hpp"
#include "codecs/audio/measure.hpp"
#include "codecs/transcoder.hpp"

namespace tandem::codecs {
namespace {

using namespace std::chrono_literals;
using test::codec;

struct stream_out {
    std::vector<std::int16_t> decoded;       // output packets decoded by the `to` codec
    std::vector<std::uint32_t> timestamps;
    std::vector<std::size_t> sizes;
};

/// Sends `pcm` as `from` packets of `in_ptime` through a transcoder to `to`, skipping the
/// packets whose index is in `lost`, and decodes what comes out.
stream_out run(const codec_factory& from, const codec_factory& to, std::span<const std::int16_t> pcm,
               std::chrono::milliseconds in_ptime, transcoder_config config,
               std::vector<std::size_t> lost = {}) {
    stream_out r;
    auto t = transcoder::create(from, to, config);
    EXPECT_TRUE(t.has_value());
    if (!t) return r;
    auto enc = from.make_encoder();
    auto dec = to.make_decoder();
    const auto& fi = from.info();
    const std::size_t frames = fi.frames_per_packet(in_ptime);
    const std::size_t samples = frames * fi.samples_per_frame;
    const std::uint32_t ticks = static_cast<std::uint32_t>(frames) * fi.rtp_ticks_per_frame();
    std::vector<std::uint8_t> payload(frames * fi.bytes_per_frame);
    std::vector<std::int16_t> out(48000);
    std::uint32_t ts = 1000;  // any start
    for (std::size_t i = 0; (i + 1) * samples <= pcm.size(); ++i, ts += ticks) {
        auto n = (*enc)->encode(pcm.subspan(i * samples, samples), payload);
        EXPECT_TRUE(n.has_value());
        if (std::find(lost.begin(), lost.end(), i) != lost.end()) continue;
        EXPECT_TRUE((*t)->push(std::span<const std::uint8_t>(payload).first(*n), ts).has_value());
        while (auto p = (*t)->pop()) {
            r.timestamps.push_back(p->timestamp);
            r.sizes.push_back(p->payload.size());
            auto m = (*dec)->decode(p->payload, out);
            EXPECT_TRUE(m.has_value());
            if (m) r.decoded.insert(r.decoded.end(), out.begin(), out.begin() + static_cast<long>(*m));
        }
    }
    return r;
}

TEST(transcoder, when_l16_is_repacketised_from_20_to_30_ms_then_every_sample_arrives_once_in_order) {
    const auto ramp = audio::make_ramp(8000, -4000, 3);
    const auto r = run(codec("L16"), codec("L16"), ramp, 20ms, {.out_ptime = 30ms, .initial_out_timestamp = 7});
    ASSERT_EQ(r.decoded.size(), ramp.size() / 240 * 240);
    EXPECT_TRUE(std::equal(r.decoded.begin(), r.decoded.end(), ramp.begin()));
    for (std::size_t i = 0; i < r.timestamps.size(); ++i) {
        EXPECT_EQ(r.timestamps[i], 7u + 240u * i);
        EXPECT_EQ(r.sizes[i], 480u);
    }
}

TEST(transcoder, when_pcmu_goes_to_pcma_then_the_tone_keeps_its_phase_across_packet_borders) {
    const auto tone = audio::make_sine(1020.0, 12000.0, 8000, 16000);
    const auto r = run(codec("PCMU"), codec("PCMA"), tone, 20ms, {.out_ptime = 30ms});
    const auto q = audio::measure(tone, r.decoded, 80);
    EXPECT_EQ(q.align.delay_samples, 0);
    // A dropped or repeated sample anywhere would shift the rest of the tone: SNR would fall
    // to about 0 dB. Two G.711 codings in tandem keep ~35 dB.
    EXPECT_GE(q.snr_db, 30.0);
    EXPECT_EQ(r.decoded.size(), tone.size() / 240 * 240);
}

TEST(transcoder, when_pcmu_20ms_goes_to_g729_30ms_then_packets_are_30_octets_every_240_ticks) {
    const auto s = test::speech();
    const auto r = run(codec("PCMU"), codec("G729"), s, 20ms, {.out_ptime = 30ms, .initial_out_timestamp = 0xFFFFFF00});
    ASSERT_GT(r.sizes.size(), 100u);
    for (std::size_t i = 0; i < r.sizes.size(); ++i) {
        EXPECT_EQ(r.sizes[i], 30u);
        EXPECT_EQ(r.timestamps[i], static_cast<std::uint32_t>(0xFFFFFF00u + 240u * i));  // wraps
    }
    const auto q = audio::find_delay(s, r.decoded, 200);
    EXPECT_EQ(q.delay_samples, 40);  // the G.729 look-ahead only: the transcoder adds none
    EXPECT_GE(q.correlation, 0.75);
}

TEST(transcoder, when_pcmu_goes_to_g7231_at_60ms_then_packets_hold_two_24_octet_frames) {
    const auto s = test::speech();
    const auto r = run(codec("PCMU"), codec("G723"), s, 20ms, {.out_ptime = 60ms});
    ASSERT_GT(r.sizes.size(), 10u);
    for (std::size_t i = 0; i < r.sizes.size(); ++i) {
        EXPECT_EQ(r.sizes[i], 48u);
        EXPECT_EQ(r.timestamps[i], 480u * i);
    }
    EXPECT_EQ(audio::find_delay(s, r.decoded, 200).delay_samples, 60);
}

TEST(transcoder, when_g722_goes_to_pcmu_then_16_khz_is_resampled_to_8_khz) {
    const auto wide = audio::make_sine(1000.0, 10000.0, 16000, 32000);
    const auto narrow = audio::make_sine(1000.0, 10000.0, 8000, 16000);
    const auto r = run(codec("G722"), codec("PCMU"), wide, 20ms, {.out_ptime = 20ms});
    ASSERT_GE(r.decoded.size(), narrow.size() - 320);
    // The RTP clock of both is 8000 Hz (RFC 3551 §4.5.2): 160 ticks per 20 ms packet.
    for (std::size_t i = 0; i < r.timestamps.size(); ++i) EXPECT_EQ(r.timestamps[i], 160u * i);
    const auto q = audio::measure(narrow, r.decoded, 80);
    EXPECT_GE(q.align.correlation, 0.99);
    EXPECT_GE(q.snr_db, 20.0);
}

TEST(transcoder, when_pcmu_goes_to_g722_then_8_khz_is_resampled_to_16_khz) {
    const auto narrow = audio::make_sine(1000.0, 10000.0, 8000, 16000);
    const auto wide = audio::make_sine(1000.0, 10000.0, 16000, 32000);
    const auto r = run(codec("PCMU"), codec("G722"), narrow, 20ms, {.out_ptime = 20ms});
    EXPECT_GE(r.decoded.size(), wide.size() - 640);
    for (std::size_t size : r.sizes) EXPECT_EQ(size, 160u);  // 20 ms of G.722 = 160 octets
    const auto q = audio::measure(wide, r.decoded, 160);
    EXPECT_GE(q.align.correlation, 0.99);
}

TEST(transcoder, when_a_packet_is_missing_then_its_frames_are_concealed_and_time_stays_continuous) {
    const auto tone = audio::make_sine(500.0, 8000.0, 8000, 8000);
    auto t = transcoder::create(codec("PCMU"), codec("L16"), {.out_ptime = 20ms}).value();
    auto enc = codec("PCMU").make_encoder().value();
    std::vector<std::uint8_t> payload(160);
    std::size_t out_samples = 0;
    std::uint32_t expected_ts = 0;
    for (std::uint32_t i = 0; i < 50; ++i) {
        ASSERT_TRUE(enc->encode(std::span(tone).subspan(i * 160, 160), payload).has_value());
        if (i == 20) continue;  // lost
        ASSERT_TRUE(t->push(payload, 5000 + 160 * i).has_value());
        while (auto p = t->pop()) {
            EXPECT_EQ(p->timestamp, expected_ts);
            expected_ts += 160;
            out_samples += p->payload.size() / 2;
        }
    }
    EXPECT_EQ(t->stats().frames_concealed, 2u);  // two 10 ms frames
    EXPECT_EQ(out_samples, 50u * 160u);          // nothing lost in time
}

TEST(transcoder, when_the_jitter_buffer_reports_a_loss_then_g729_conceals_it_itself) {
    auto t = transcoder::create(codec("G729"), codec("PCMU"), {.out_ptime = 20ms}).value();
    auto enc = codec("G729").make_encoder().value();
    const auto s = test::speech();
    std::vector<std::uint8_t> payload(20);
    std::size_t out = 0;
    for (std::uint32_t i = 0; i < 20; ++i) {
        ASSERT_TRUE(enc->encode(std::span(s).subspan(i * 160, 160), payload).has_value());
        ASSERT_TRUE(t->push(payload, 160 * i).has_value());
        while (auto p = t->pop()) out += p->payload.size();
    }
    ASSERT_TRUE(t->push_loss(2).has_value());
    while (auto p = t->pop()) out += p->payload.size();
    EXPECT_EQ(t->stats().frames_concealed, 2u);
    EXPECT_EQ(out, (40u + 2u) * 80u);  // 20 packets of two 10 ms frames, plus two concealed
}

TEST(transcoder, when_the_gap_is_longer_than_max_conceal_then_the_stream_restarts_in_step) {
    auto t = transcoder::create(codec("PCMU"), codec("PCMU"), {.out_ptime = 20ms, .max_conceal = 60ms}).value();
    std::vector<std::uint8_t> payload(160, 0xFF);
    ASSERT_TRUE(t->push(payload, 0).has_value());
    ASSERT_TRUE(t->push(payload, 8000).has_value());  // one second later
    EXPECT_EQ(t->stats().restarts, 1u);
    EXPECT_EQ(t->stats().frames_concealed, 0u);
    auto first = t->pop();
    auto second = t->pop();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->timestamp, 0u);
    EXPECT_EQ(second->timestamp, 8000u);  // output time jumps with input time
}

TEST(transcoder, when_a_restart_leaves_part_of_a_frame_then_later_audio_keeps_its_true_time) {
    // G.723.1 output (240-sample frames) from 20 ms G.711 packets: 160 samples wait in the
    // buffer when the gap comes; the audio after the gap must still be stamped at its time.
    auto t = transcoder::create(test::codec("PCMU"), test::codec("G723"), {.out_ptime = 30ms}).value();
    std::vector<std::uint8_t> payload(160, 0xFF);
    ASSERT_TRUE(t->push(payload, 0).has_value());       // 160 samples: no frame yet
    ASSERT_TRUE(t->push(payload, 16000).has_value());   // two seconds later
    ASSERT_TRUE(t->push(payload, 16160).has_value());   // 320 samples: one frame
    auto p = t->pop();
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->timestamp, 16000u);
    EXPECT_EQ(t->stats().restarts, 1u);
}

TEST(transcoder, when_a_packet_is_late_then_it_is_counted_and_dropped) {
    auto t = transcoder::create(codec("PCMU"), codec("PCMA"), {.out_ptime = 20ms}).value();
    std::vector<std::uint8_t> payload(160, 0xFF);
    ASSERT_TRUE(t->push(payload, 320).has_value());
    ASSERT_TRUE(t->push(payload, 160).has_value());
    EXPECT_EQ(t->stats().late_packets, 1u);
    ASSERT_TRUE(t->pop().has_value());
    EXPECT_FALSE(t->pop().has_value());
}

TEST(transcoder, when_g729_vad_meets_silence_then_sid_ends_a_packet_and_timestamps_stay_on_the_grid) {
    std::vector<std::int16_t> pcm = audio::make_sine(600.0, 9000.0, 8000, 4000);
    pcm.resize(16000, 0);  // 0.5 s tone, 1.5 s digital silence
    const auto r = run(codec("PCMU"), codec("G729"), pcm, 20ms, {.out_ptime = 20ms, .encoder = {.vad = true}});
    ASSERT_FALSE(r.sizes.empty());
    bool saw_sid = false;
    for (std::size_t i = 0; i < r.sizes.size(); ++i) {
        EXPECT_EQ(r.timestamps[i] % 80, 0u);  // always a frame border
        EXPECT_TRUE(r.sizes[i] == 20 || r.sizes[i] == 10 || r.sizes[i] == 12 || r.sizes[i] == 2) << r.sizes[i];
        if (r.sizes[i] % 10 == 2) saw_sid = true;
        if (i > 0) {
            EXPECT_GT(r.timestamps[i], r.timestamps[i - 1]);
        }
    }
    EXPECT_TRUE(saw_sid);
    // DTX: far fewer packets than the 100 of continuous transmission.
    EXPECT_LT(r.sizes.size(), 60u);
}

}  // namespace
}  // namespace tandem::codecs

namespace tandem::codecs {
namespace {

using namespace std::chrono_literals;

/// G.729 Annex B input to G.711: after a SID the sender goes quiet; the transcoder fills the
/// silence with comfort noise so that the G.711 side keeps a continuous stream. The same gap
/// without a SID is a loss too long to conceal: the stream restarts.
TEST(transcoder, when_g729_goes_quiet_after_a_sid_then_comfort_noise_keeps_the_g711_stream_going) {
    for (const bool with_sid : {true, false}) {
        SCOPED_TRACE(with_sid ? "SID then silence" : "silence without SID");
        auto t = transcoder::create(test::codec("G729"), test::codec("PCMU"), {.out_ptime = 20ms}).value();
        const std::vector<std::uint8_t> speech(20, 0x5A);
        const std::vector<std::uint8_t> sid(2, 0x21);
        std::uint32_t ts = 0;
        for (int i = 0; i < 10; ++i, ts += 160) ASSERT_TRUE(t->push(speech, ts).has_value());
        if (with_sid) {
            ASSERT_TRUE(t->push(sid, ts).has_value());
            ts += 80;
        }
        ts += 3200;  // 400 ms without packets
        ASSERT_TRUE(t->push(speech, ts).has_value());
        std::vector<std::uint32_t> stamps;
        while (auto p = t->pop()) stamps.push_back(p->timestamp);
        bool contiguous = true;
        for (std::size_t k = 1; k < stamps.size(); ++k) contiguous = contiguous && stamps[k] == stamps[k - 1] + 160;
        if (with_sid) {
            EXPECT_EQ(t->stats().comfort_noise_frames, 40u);
            EXPECT_EQ(t->stats().restarts, 0u);
            EXPECT_TRUE(contiguous);
            EXPECT_EQ(stamps.size(), (1600u + 80u + 3200u + 160u) / 160u);  // every 20 ms sent
        } else {
            EXPECT_EQ(t->stats().comfort_noise_frames, 0u);
            EXPECT_EQ(t->stats().restarts, 1u);
            EXPECT_FALSE(contiguous);
        }
    }
}

}  // namespace
}  // namespace tandem::codecs
