/// Bad input is an error value, never a crash.
#include <gtest/gtest.h>

#include "codec_test_support.hpp"
#include "codecs/transcoder.hpp"

namespace tandem::codecs {
namespace {

using namespace std::chrono_literals;
using test::codec;

TEST(bad_input, when_pcm_is_not_whole_frames_then_encoders_say_wrong_frame_length) {
    for (const auto& f : test::all_codecs().all()) {
        SCOPED_TRACE(std::string(f->info().encoding_name));
        auto enc = f->make_encoder().value();
        std::vector<std::int16_t> pcm(f->info().samples_per_frame - 1);
        std::vector<std::uint8_t> out(1024);
        EXPECT_EQ(enc->encode(pcm, out).error(), codec_error::wrong_frame_length);
        EXPECT_EQ(enc->encode({}, out).error(), codec_error::wrong_frame_length);
        auto dec = f->make_decoder().value();
        std::vector<std::int16_t> lost(f->info().samples_per_frame + 1);
        EXPECT_EQ(dec->conceal(lost).error(), codec_error::wrong_frame_length);
    }
}

TEST(bad_input, when_the_output_buffer_is_short_then_buffer_too_small) {
    for (const auto& f : test::all_codecs().all()) {
        SCOPED_TRACE(std::string(f->info().encoding_name));
        auto enc = f->make_encoder().value();
        std::vector<std::int16_t> pcm(f->info().samples_per_frame);
        std::vector<std::uint8_t> out(f->info().bytes_per_frame - 1);
        EXPECT_EQ(enc->encode(pcm, out).error(), codec_error::buffer_too_small);
    }
}

TEST(bad_input, when_payloads_stop_inside_a_frame_then_decoders_say_truncated_frame) {
    std::vector<std::int16_t> pcm(4096);
    const std::vector<std::uint8_t> bytes(64, 0xD5);  // 0xD_: a valid GSM signature nibble
    auto check = [&](std::string_view name, std::size_t length) {
        auto dec = codec(name).make_decoder().value();
        EXPECT_EQ(dec->decode(std::span(bytes).first(length), pcm).error(), codec_error::truncated_frame)
            << name << " " << length;
    };
    check("G729", 15);   // 10 + 5: neither a frame nor a SID
    check("G729", 9);
    check("GSM", 32);
    check("L16", 3);     // half a sample
    check("G726-24", 2); // 8 codewords need 3 octets
    check("G726-40", 4);
    check("G723", 23);   // type 00 says 24 octets
    for (const auto& f : test::all_codecs().all()) {
        auto dec = f->make_decoder().value();
        EXPECT_EQ(dec->decode({}, pcm).error(), codec_error::truncated_frame) << f->info().encoding_name;
    }
}

TEST(bad_input, when_frame_headers_are_impossible_then_decoders_say_invalid_frame) {
    std::vector<std::int16_t> pcm(4096);
    std::vector<std::uint8_t> gsm(33, 0x00);  // signature nibble must be 0xD
    EXPECT_EQ(codec("GSM").make_decoder().value()->decode(gsm, pcm).error(), codec_error::invalid_frame);
    std::vector<std::uint8_t> g723(24, 0x00);
    g723[0] = 0x03;  // frame type 11: not carried by RFC 3551
    EXPECT_EQ(codec("G723").make_decoder().value()->decode(g723, pcm).error(), codec_error::invalid_frame);
}

TEST(bad_input, when_a_payload_type_or_name_is_unknown_then_the_registry_says_so) {
    const auto& r = test::all_codecs();
    EXPECT_EQ(r.find(std::uint8_t{96}).error(), codec_error::unknown_payload_type);
    EXPECT_EQ(r.find(std::uint8_t{13}).error(), codec_error::unknown_payload_type);  // CN: not a codec here
    EXPECT_EQ(r.find("AMR").error(), codec_error::unknown_codec);
    EXPECT_EQ(r.find("L16", 44100, 2).error(), codec_error::unknown_codec);
    EXPECT_EQ(r.find("pcmu", 8000).value()->info().encoding_name, "PCMU");  // case-insensitive
    EXPECT_EQ(r.find("g726-32", 8000).value()->info().bit_rate, 32000u);
}

TEST(bad_input, when_only_the_core_is_linked_then_backend_codecs_are_not_built_in) {
    registry core;
    register_core_codecs(core);
    EXPECT_EQ(core.find("G729", 8000).error(), codec_error::not_built_in);
    EXPECT_EQ(core.find(std::uint8_t{18}).error(), codec_error::not_built_in);
    EXPECT_EQ(core.find(std::uint8_t{4}).error(), codec_error::not_built_in);
    EXPECT_TRUE(core.find(std::uint8_t{0}).has_value());
}

TEST(bad_input, when_options_or_ptime_do_not_fit_then_creation_fails_cleanly) {
    EXPECT_EQ(codec("PCMU").make_encoder({.vad = true}).error(), codec_error::unsupported_option);
    EXPECT_TRUE(codec("G729").make_encoder({.vad = true}).has_value());
    EXPECT_EQ(transcoder::create(codec("PCMU"), codec("G723"), {.out_ptime = 20ms}).error(),
              codec_error::unsupported_ptime);
    EXPECT_EQ(transcoder::create(codec("PCMU"), codec("G729"), {.out_ptime = 25ms}).error(),
              codec_error::unsupported_ptime);
    EXPECT_EQ(transcoder::create(codec("PCMU"), codec("PCMA"), {.max_in_ptime = 0ms}).error(),
              codec_error::unsupported_ptime);
}

TEST(bad_input, when_the_transcoder_gets_a_bad_payload_then_it_reports_and_recovers) {
    auto t = transcoder::create(codec("G729"), codec("PCMU"), {.out_ptime = 20ms}).value();
    std::vector<std::uint8_t> good(20, 0x55);
    std::vector<std::uint8_t> bad(15, 0x55);
    ASSERT_TRUE(t->push(good, 0).has_value());
    EXPECT_EQ(t->push(bad, 160).error(), codec_error::truncated_frame);
    ASSERT_TRUE(t->push(good, 320).has_value());  // the bad packet's time is concealed
    EXPECT_EQ(t->stats().errors, 1u);
    EXPECT_EQ(t->stats().frames_concealed, 2u);
    std::size_t octets = 0;
    while (auto p = t->pop()) octets += p->payload.size();
    EXPECT_EQ(octets, 3u * 160u);
    // Longer than max_in_ptime (200 ms): refused, not overrun.
    std::vector<std::uint8_t> huge(10 * 30, 0x55);
    EXPECT_EQ(t->push(huge, 480).error(), codec_error::buffer_too_small);
}

TEST(bad_input, when_error_codes_are_printed_then_each_has_its_own_name) {
    EXPECT_EQ(to_string(codec_error::truncated_frame), "truncated_frame");
    EXPECT_EQ(to_string(codec_error::not_built_in), "not_built_in");
    EXPECT_EQ(to_string(codec_error::unknown_payload_type), "unknown_payload_type");
}

}  // namespace
}  // namespace tandem::codecs
