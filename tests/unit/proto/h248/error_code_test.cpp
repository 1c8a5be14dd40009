#include <gtest/gtest.h>

#include "proto/h248/error_code.hpp"

namespace tandem::h248 {
namespace {

TEST(h248_error_code, when_a_code_is_defined_by_h248_8_then_it_has_its_name) {
  EXPECT_EQ(description(error_code::syntax_error_in_message), "Syntax error in message");
  EXPECT_EQ(description(error_code{403}), "Syntax error in TransactionRequest");
  EXPECT_EQ(description(error_code::descriptor_twice), "Descriptor appears twice in a command");
  EXPECT_EQ(to_int(error_code::before_service_change_reply), 505);
  EXPECT_TRUE(is_defined(error_code{510}));
}

TEST(h248_error_code, when_a_code_is_not_defined_then_it_has_no_name_but_is_representable) {
  EXPECT_FALSE(is_defined(error_code{999}));
  EXPECT_EQ(description(error_code{999}), "");
  EXPECT_EQ(to_int(error_code{9999}), 9999);
}

}  // namespace
}  // namespace tandem::h248
