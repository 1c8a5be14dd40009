#include "isdn/q850_cause.hpp"

#include <gtest/gtest.h>

namespace tandem::isdn {

TEST(q850_cause, when_named_then_name_follows_q850_table_1) {
  EXPECT_EQ(to_string(cause::normal_clearing), "normal clearing");
  EXPECT_EQ(to_string(cause::user_busy), "user busy");
  EXPECT_EQ(to_string(cause::unallocated_number), "unallocated number");
  EXPECT_EQ(to_int(cause::user_busy), 17);
}

TEST(q850_cause, when_value_has_no_name_then_it_passes_through) {
  cause c{99};
  EXPECT_EQ(to_int(c), 99);
  EXPECT_EQ(to_string(c), "unnamed");
}

TEST(q850_cause, when_congestion_class_then_route_may_advance) {
  EXPECT_TRUE(is_congestion(cause::no_circuit_available));
  EXPECT_TRUE(is_congestion(cause::switching_equipment_congestion));
  EXPECT_FALSE(is_congestion(cause::user_busy));
  EXPECT_FALSE(is_congestion(cause::unallocated_number));
}

}  // namespace tandem::isdn
