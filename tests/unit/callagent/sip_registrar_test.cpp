/// The SIP adapter's plain parts: digest authentication (RFC 2617 §3.5's worked example) and
/// the registrar's bindings and nonces with injected time.
#include <gtest/gtest.h>

#include "callagent/sip/digest.hpp"
#include "callagent/sip/registrar.hpp"

namespace tandem::callagent::sip {
namespace {

std::vector<std::string> rfc2617_params() {
  return {"username=\"Mufasa\"", "realm=\"testrealm@host.com\"", "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"",
          "uri=\"/dir/index.html\"", "qop=auth", "nc=00000001", "cnonce=\"0a4f113b\"",
          "response=\"6629fae49393a05397450978507c4ef1\"", "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""};
}

TEST(digest, when_rfc2617_example_is_checked_then_its_response_matches) {
  auto c = parse_digest(rfc2617_params());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "Mufasa");
  EXPECT_EQ(c->uri, "/dir/index.html");
  EXPECT_EQ(digest_response(*c, "Circle Of Life", "GET"), "6629fae49393a05397450978507c4ef1");
  EXPECT_TRUE(digest_matches(*c, "Circle Of Life", "GET"));
}

TEST(digest, when_password_or_method_differ_then_it_does_not_match) {
  auto c = parse_digest(rfc2617_params());
  ASSERT_TRUE(c);
  EXPECT_FALSE(digest_matches(*c, "circle of life", "GET"));
  EXPECT_FALSE(digest_matches(*c, "Circle Of Life", "REGISTER"));
  c->algorithm = "SHA-256";
  EXPECT_FALSE(digest_matches(*c, "Circle Of Life", "GET"));
}

TEST(digest, when_a_required_field_is_missing_then_parse_fails) {
  auto params = rfc2617_params();
  params.erase(params.begin());  // no username
  EXPECT_FALSE(parse_digest(params));
  params = rfc2617_params();
  params[5] = "nc=";  // qop without a nonce count
  EXPECT_FALSE(parse_digest(params));
  EXPECT_FALSE(parse_digest({}));
}

sip_config users() {
  sip_config c;
  c.realm = "tandem.test";
  c.max_expires = std::chrono::seconds(600);
  c.users = {{"alice", "wonderland"}};
  return c;
}

TEST(registrar, when_nonce_is_ours_and_fresh_then_it_is_valid_until_it_expires) {
  registrar r(users(), 1);
  const auto t0 = registrar::clock::time_point{} + std::chrono::hours(1);
  const std::string n = r.new_nonce(t0);
  EXPECT_TRUE(r.nonce_valid(n, t0 + std::chrono::seconds(10)));
  EXPECT_FALSE(r.nonce_valid(n, t0 + registrar::nonce_life));
  EXPECT_FALSE(r.nonce_valid("0123456789abcdef", t0));
  EXPECT_NE(r.new_nonce(t0), n);
}

TEST(registrar, when_user_binds_then_contact_is_found_until_expiry_capped_by_config) {
  registrar r(users(), 1);
  const auto t0 = registrar::clock::time_point{} + std::chrono::hours(1);
  ASSERT_NE(r.password_of("alice"), nullptr);
  EXPECT_EQ(*r.password_of("alice"), "wonderland");
  EXPECT_EQ(r.password_of("mallory"), nullptr);
  EXPECT_EQ(r.bind("alice", "sip:alice@192.0.2.5:5062", std::chrono::seconds(3600), t0), std::chrono::seconds(600));
  EXPECT_EQ(r.contact_of("alice", t0 + std::chrono::seconds(599)), "sip:alice@192.0.2.5:5062");
  EXPECT_FALSE(r.contact_of("alice", t0 + std::chrono::seconds(600)));
  EXPECT_FALSE(r.contact_of("bob", t0));
}

TEST(registrar, when_expires_is_zero_or_contact_is_star_then_bindings_go) {
  registrar r(users(), 1);
  const auto t0 = registrar::clock::time_point{} + std::chrono::hours(1);
  r.bind("alice", "sip:alice@192.0.2.5", std::chrono::seconds(60), t0);
  r.bind("alice", "sip:alice@192.0.2.6", std::chrono::seconds(60), t0 + std::chrono::seconds(1));
  EXPECT_EQ(r.bindings(t0 + std::chrono::seconds(1)), 2u);
  EXPECT_EQ(r.contact_of("alice", t0 + std::chrono::seconds(2)), "sip:alice@192.0.2.6");  // the latest
  r.bind("alice", "sip:alice@192.0.2.6", std::chrono::seconds(0), t0 + std::chrono::seconds(2));
  EXPECT_EQ(r.contact_of("alice", t0 + std::chrono::seconds(2)), "sip:alice@192.0.2.5");
  r.unbind_all("alice");
  EXPECT_EQ(r.bindings(t0 + std::chrono::seconds(2)), 0u);
}

}  // namespace
}  // namespace tandem::callagent::sip
