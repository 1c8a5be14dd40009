#include "proto/mgcp/transaction/message_text.hpp"

#include <gtest/gtest.h>

namespace tandem::mgcp {
namespace {

TEST(mgcp_txn_message_text, when_id_placeholder_replaced_then_rest_is_unchanged) {
  auto out = with_transaction_id("CRCX 0 ds/e1-1/*@gw MGCP 1.0\r\nC: 1\r\n", transaction_id{77});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "CRCX 77 ds/e1-1/*@gw MGCP 1.0\r\nC: 1\r\n");
}

TEST(mgcp_txn_message_text, when_first_line_lacks_fields_then_error) {
  EXPECT_FALSE(with_transaction_id("CRCX", transaction_id{1}));
  EXPECT_FALSE(with_transaction_id("", transaction_id{1}));
  EXPECT_FALSE(with_transaction_id("CRCX 0 a@b\n", transaction_id{1}));  // no version
}

TEST(mgcp_txn_message_text, when_parameter_line_inserted_then_it_follows_first_line_in_its_eol) {
  EXPECT_EQ(with_parameter_line("200 1 OK\r\nI: 1\r\n", "K:"), "200 1 OK\r\nK:\r\nI: 1\r\n");
  EXPECT_EQ(with_parameter_line("200 1 OK\n", "K:"), "200 1 OK\nK:\n");
  EXPECT_EQ(with_parameter_line("200 1 OK", "K:"), "200 1 OK\nK:\n");
}

TEST(mgcp_txn_message_text, when_ids_given_then_ranges_are_sorted_and_merged) {
  auto r = ranges_of({transaction_id{7}, transaction_id{2}, transaction_id{1}, transaction_id{3},
                      transaction_id{3}});
  EXPECT_EQ(format_response_ack(r), "1-3, 7");
}

}  // namespace
}  // namespace tandem::mgcp
