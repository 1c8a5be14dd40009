#include <gtest/gtest.h>

#include "proto/mgcp/connection_options.hpp"

namespace tandem::mgcp {
namespace {

TEST(mgcp_connection_options, when_all_standard_options_are_given_then_each_is_structured) {
  auto o = parse_local_connection_options("p:10-20, a:PCMU;G729, b:64, e:on, gc:auto, s:off, t:A0, r:cl, k:base64:c2VjcmV0, nt:IN, x-foo:bar");
  ASSERT_TRUE(o) << o.error().what;
  EXPECT_EQ(o->packetization_ms, (value_range{10, 20}));
  EXPECT_EQ(o->codecs, (std::vector<std::string>{"PCMU", "G729"}));
  EXPECT_EQ(o->bandwidth_kbps, (value_range{64, 64}));
  EXPECT_EQ(o->echo_cancellation, true);
  ASSERT_TRUE(o->gain);
  EXPECT_TRUE(o->gain->automatic);
  EXPECT_EQ(o->silence_suppression, false);
  EXPECT_EQ(o->type_of_service, 0xA0);
  EXPECT_EQ(o->reservation, resource_reservation::controlled_load);
  ASSERT_TRUE(o->encryption);
  EXPECT_EQ(o->encryption->method, "base64");
  EXPECT_EQ(o->encryption->key, "c2VjcmV0");
  EXPECT_EQ(o->network_types, std::vector<std::string>{"IN"});
  ASSERT_EQ(o->extensions.size(), 1u);
  EXPECT_EQ(o->extensions[0].name, "x-foo");
  std::string out;
  append(out, *o);
  auto again = parse_local_connection_options(out);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *o);
}

TEST(mgcp_connection_options, when_options_are_wrong_then_the_rfc_codes_are_used) {
  EXPECT_EQ(parse_local_connection_options("p:10, p:20").error().code, return_code::options_inconsistent);
  EXPECT_EQ(parse_local_connection_options("p:30-10").error().code, return_code::options_inconsistent);
  EXPECT_EQ(parse_local_connection_options("e:maybe").error().code, return_code::options_unsupported_value);
  EXPECT_EQ(parse_local_connection_options("zz:1").error().code, return_code::invalid_options);
  EXPECT_EQ(parse_local_connection_options("x+vendor:1").error().code, return_code::options_unknown_extension);
  EXPECT_EQ(parse_local_connection_options("v:L").error().code, return_code::invalid_options)
      << "v: belongs to capabilities only";
}

TEST(mgcp_connection_options, when_capabilities_list_modes_and_packages_then_they_are_structured) {
  auto a = parse_local_connection_options("a:G729, p:30-90, e:on, s:on, v:L;S, m:sendonly;recvonly;confrnce;netwloop", true);
  ASSERT_TRUE(a) << a.error().what;
  EXPECT_EQ(a->packages, (std::vector<std::string>{"L", "S"}));
  ASSERT_EQ(a->modes.size(), 4u);
  EXPECT_EQ(a->modes[2].kind, connection_mode_kind::confrnce);
}

TEST(mgcp_connection_options, when_mode_is_standard_or_extension_then_parsed_else_517) {
  for (auto m : {"sendonly", "recvonly", "sendrecv", "confrnce", "inactive", "loopback", "conttest", "netwloop",
                 "netwtest", "data"}) {
    auto p = parse_connection_mode(m);
    ASSERT_TRUE(p) << m;
    EXPECT_EQ(to_string(p->kind), m);
  }
  EXPECT_EQ(parse_connection_mode("SENDRECV")->kind, connection_mode_kind::sendrecv);
  EXPECT_EQ(parse_connection_mode("X-replicate")->kind, connection_mode_kind::extension);
  EXPECT_EQ(parse_connection_mode("sideways").error().code, return_code::invalid_mode);
}

TEST(mgcp_connection_options, when_bearer_information_names_the_law_then_it_is_structured) {
  EXPECT_EQ(parse_bearer_information("e:mu")->encoding, bearer_encoding::mu_law);
  EXPECT_EQ(parse_bearer_information("e:A")->encoding, bearer_encoding::a_law);
  EXPECT_FALSE(parse_bearer_information("e:ulaw"));
}

}  // namespace
}  // namespace tandem::mgcp

namespace tandem::mgcp {
namespace {

TEST(mgcp_connection_options, when_peers_send_fmtp_or_surveillance_options_then_they_are_kept_uninterpreted) {
  auto o = parse_local_connection_options(R"(a:G729, fmtp:"annexb=no", es-cci:1234)");
  ASSERT_TRUE(o) << o.error().what;
  ASSERT_EQ(o->extensions.size(), 2u);
  EXPECT_EQ(o->extensions[0].name, "fmtp");
  EXPECT_EQ(o->extensions[0].value, "\"annexb=no\"");
}

}  // namespace
}  // namespace tandem::mgcp
