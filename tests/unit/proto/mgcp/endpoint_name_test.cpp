#include <gtest/gtest.h>

#include "proto/mgcp/endpoint_name.hpp"

namespace tandem::mgcp {
namespace {

TEST(mgcp_endpoint_name, when_hierarchical_then_terms_split_at_slashes) {
  auto e = parse_endpoint_name("ds/e1-1/17@gw.example.net");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->local, "ds/e1-1/17");
  EXPECT_EQ(e->domain.host, "gw.example.net");
  EXPECT_FALSE(e->domain.port);
  const auto t = e->terms();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1], "e1-1");
  EXPECT_FALSE(e->has_wildcard());
}

TEST(mgcp_endpoint_name, when_domain_has_port_or_bracketed_ip_then_both_are_kept) {
  auto a = parse_endpoint_name("rtp/5@gw.example.net:2427");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->domain.host, "gw.example.net");
  EXPECT_EQ(a->domain.port, 2427);
  auto b = parse_endpoint_name("aaln/1@[192.168.1.1]");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->domain.host, "[192.168.1.1]");
  auto c = parse_endpoint_name("aaln/1@[2001:db8::1]:2727");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->domain.host, "[2001:db8::1]");
  EXPECT_EQ(c->domain.port, 2727);
  EXPECT_EQ(to_string(*c), "aaln/1@[2001:db8::1]:2727");
}

TEST(mgcp_endpoint_name, when_wildcards_are_used_then_any_of_and_all_of_are_told_apart) {
  auto any = parse_endpoint_name("ds/e1-1/$@gw");
  auto all = parse_endpoint_name("*@gw");
  auto range = parse_endpoint_name("ds/ds3-1/[1-96]@tgw-18.whatever.net");
  ASSERT_TRUE(any && all && range);
  EXPECT_TRUE(any->is_any_of());
  EXPECT_FALSE(any->is_all_of());
  EXPECT_TRUE(all->is_all_of());
  EXPECT_TRUE(range->is_all_of());
}

TEST(mgcp_endpoint_name, when_malformed_then_the_offset_points_at_the_fault) {
  EXPECT_FALSE(parse_endpoint_name("aaln/1"));
  EXPECT_FALSE(parse_endpoint_name("@gw"));
  auto bad_char = parse_endpoint_name("aaln/1@gw!x");
  ASSERT_FALSE(bad_char);
  EXPECT_EQ(bad_char.error().offset, 9u);
  EXPECT_FALSE(parse_endpoint_name("aaln/1@gw:0"));
  EXPECT_FALSE(parse_endpoint_name("aaln/1@gw:70000"));
  EXPECT_FALSE(parse_endpoint_name("aaln/1@[1.2.3.4"));
  EXPECT_FALSE(parse_endpoint_name("a//b@gw"));
  EXPECT_FALSE(parse_endpoint_name(std::string(256, 'a') + "@gw"));
}

TEST(mgcp_endpoint_name, when_notified_entity_has_no_local_name_then_only_the_domain_is_set) {
  auto n = parse_notified_entity("[128.96.41.12]");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->local.empty());
  auto m = parse_notified_entity("ca@ca1.whatever.net:5678");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->local, "ca");
  EXPECT_EQ(m->domain.port, 5678);
}

}  // namespace
}  // namespace tandem::mgcp
