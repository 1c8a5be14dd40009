// The dahdi backend cannot run here (no DAHDI card or driver): these tests cover only what
// does not need one, the configuration checks and the errors when the device is absent or is
// not a DAHDI device.
#include <gtest/gtest.h>

#include "tdm/dahdi/dahdi_span.hpp"
#include "tests/unit/tdm/span_test_support.hpp"

namespace tandem::tdm {
namespace {

using namespace std::chrono_literals;

TEST(dahdi_span_config, when_fields_are_out_of_range_then_validation_names_the_field) {
  dahdi_span_config c;
  EXPECT_TRUE(validate(c).has_value());
  auto bad = c;
  bad.first_channel = 0;
  ASSERT_FALSE(validate(bad).has_value());
  EXPECT_NE(validate(bad).error().find("first_channel"), std::string::npos);
  bad = c;
  bad.tick = 21ms;
  EXPECT_NE(validate(bad).error().find("tick"), std::string::npos);
  bad = c;
  bad.device.clear();
  EXPECT_NE(validate(bad).error().find("device"), std::string::npos);
  bad = c;
  bad.dchannel_queue_depth = 0;
  EXPECT_NE(create_dahdi_span(bad).error().find("dchannel_queue_depth"), std::string::npos);
}

TEST(dahdi_span, when_device_does_not_exist_then_create_reports_the_channel_and_the_error) {
  test::temp_dir dir;
  dahdi_span_config c;
  c.first_channel = 32;
  c.device = dir.file("no-such-dahdi-channel");
  const auto s = create_dahdi_span(c);
  ASSERT_FALSE(s.has_value());
  if (!dahdi_backend_built()) {
    EXPECT_NE(s.error().find("not built"), std::string::npos) << s.error();
    return;
  }
  // E1 timeslot 1 is the span's first channel.
  EXPECT_NE(s.error().find("channel 32: open " + c.device), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("No such file or directory"), std::string::npos) << s.error();
}

TEST(dahdi_span, when_device_is_not_a_dahdi_device_then_specify_fails_cleanly) {
  if (!dahdi_backend_built()) GTEST_SKIP() << "dahdi backend not built (no DAHDI header)";
  dahdi_span_config c;
  c.layout = span_layout::t1();
  c.device = "/dev/null";  // opens, but knows no DAHDI ioctl
  const auto s = create_dahdi_span(c);
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().find("channel 1: DAHDI_SPECIFY"), std::string::npos) << s.error();
}

}  // namespace
}  // namespace tandem::tdm
