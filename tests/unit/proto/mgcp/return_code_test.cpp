#include <gtest/gtest.h>

#include "proto/mgcp/return_code.hpp"

namespace tandem::mgcp {
namespace {

TEST(mgcp_return_code, when_a_code_is_defined_by_rfc3435_then_it_has_a_text) {
  const int defined[] = {0,   100, 101, 200, 250, 400, 401, 402, 403, 404, 405, 406, 407, 409, 410,
                         500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514,
                         515, 516, 517, 518, 519, 520, 521, 522, 523, 524, 525, 526, 527, 528, 529,
                         530, 531, 532, 533, 534, 535, 536, 537, 538, 539, 540, 541};
  for (int c : defined) {
    EXPECT_TRUE(is_defined(static_cast<return_code>(c))) << c;
    EXPECT_FALSE(description(static_cast<return_code>(c)).empty()) << c;
  }
  EXPECT_FALSE(is_defined(static_cast<return_code>(408)));
  EXPECT_FALSE(is_defined(static_cast<return_code>(542)));
  EXPECT_TRUE(is_defined(static_cast<return_code>(801)));
  EXPECT_EQ(description(static_cast<return_code>(801)), "Package specific");
}

TEST(mgcp_return_code, when_classified_then_rfc3435_classes_apply) {
  EXPECT_TRUE(is_provisional(return_code::transaction_queued));
  EXPECT_TRUE(is_success(return_code::connection_deleted));
  EXPECT_TRUE(is_transient_error(return_code::no_endpoint_available));
  EXPECT_TRUE(is_permanent_error(return_code::invalid_options));
  EXPECT_TRUE(is_package_specific(static_cast<return_code>(800)));
  EXPECT_EQ(description(return_code::protocol_error),
            "The transaction could not be executed, because some unspecified protocol error was detected");
}

}  // namespace
}  // namespace tandem::mgcp
