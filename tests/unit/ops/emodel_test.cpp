#include <gtest/gtest.h>

#include "ops/metrics/emodel.hpp"

namespace q = tandem::ops::quality;

TEST(emodel, when_g711_has_no_loss_and_no_delay_then_r_is_the_g107_default_93_2) {
  const auto r = q::evaluate({});
  // G.107 §7.1: the default values give R = 93.2; MOS-CQE 4.41 (Annex B).
  EXPECT_NEAR(r.r, 93.2, 0.05);
  EXPECT_NEAR(r.mos, 4.41, 0.005);
  EXPECT_NEAR(r.ro, 94.77, 0.01);
  EXPECT_NEAR(r.is, 1.41, 0.05);
  EXPECT_DOUBLE_EQ(r.ie_eff, 0);
}

TEST(emodel, when_r_is_converted_then_annex_b_points_hold) {
  EXPECT_DOUBLE_EQ(q::r_to_mos(-5), 1.0);
  EXPECT_DOUBLE_EQ(q::r_to_mos(120), 4.5);
  EXPECT_NEAR(q::r_to_mos(50), 2.58, 0.005);  // 1 + 1.75 + 50*(-10)*50*7e-6
  EXPECT_NEAR(q::r_to_mos(70), 3.60, 0.005);
  EXPECT_NEAR(q::r_to_mos(80), 4.02, 0.005);
  EXPECT_NEAR(q::r_to_mos(90), 4.34, 0.005);
}

TEST(emodel, when_codec_has_ie_then_r_drops_by_ie) {
  const auto g729 = *q::impairment_of("G729");
  EXPECT_DOUBLE_EQ(g729.ie, 11);
  EXPECT_DOUBLE_EQ(g729.bpl, 19);
  const auto r = q::evaluate({g729, 0, 1, 0, 0});
  EXPECT_NEAR(r.r, 93.2 - 11, 0.05);
  EXPECT_DOUBLE_EQ(q::impairment_of("g723")->ie, 15);
  EXPECT_DOUBLE_EQ(q::impairment_of("G723")->bpl, 16.1);
  EXPECT_DOUBLE_EQ(q::impairment_of("G726-32")->ie, 7);
  EXPECT_DOUBLE_EQ(q::impairment_of("GSM")->ie, 20);
  EXPECT_FALSE(q::impairment_of("opus").has_value());
}

TEST(emodel, when_loss_grows_then_ie_eff_follows_g107_eq_7_29) {
  const auto plc = *q::impairment_of("PCMU", true);
  const auto no_plc = *q::impairment_of("PCMU", false);
  EXPECT_DOUBLE_EQ(plc.bpl, 25.1);
  EXPECT_DOUBLE_EQ(no_plc.bpl, 4.3);
  // 1 % random loss: 95 * 1 / (1 + 25.1) = 3.64; without PLC 95 / 5.3 = 17.92.
  EXPECT_NEAR(q::effective_equipment_impairment(plc, 1), 3.64, 0.01);
  EXPECT_NEAR(q::effective_equipment_impairment(no_plc, 1), 17.92, 0.01);
  // G.729A at 2 %: 11 + 84 * 2 / 21 = 19.0.
  EXPECT_NEAR(q::effective_equipment_impairment(*q::impairment_of("G729"), 2), 19.0, 0.01);
  // Bursty loss hurts more than random loss at the same rate.
  EXPECT_GT(q::effective_equipment_impairment(plc, 2, 2), q::effective_equipment_impairment(plc, 2, 1));
  const auto r = q::evaluate({plc, 1, 1, 0, 0});
  EXPECT_NEAR(r.r, 93.2 - 3.64, 0.06);
}

TEST(emodel, when_one_way_delay_grows_then_echo_and_absolute_delay_terms_lower_r) {
  EXPECT_LT(q::delay_impairment(0), q::delay_impairment(100));
  EXPECT_LT(q::delay_impairment(100), q::delay_impairment(150));
  EXPECT_LT(q::delay_impairment(150), q::delay_impairment(300));
  // Worked by hand from G.107 eqs. 7-18 .. 7-28 with the Table 3 defaults:
  // 150 ms: Idte 2.81, Idle 0.84, Idd 0.16 (against Idle 0.15 at 0 ms) -> R 89.5;
  // 400 ms: Idte 5.8, Idle 1.2, Idd 24.05 -> R 62.3.
  EXPECT_NEAR(q::evaluate({.one_way_delay_ms = 150}).r, 89.5, 0.3);
  EXPECT_NEAR(q::evaluate({.one_way_delay_ms = 400}).r, 62.3, 0.5);
  // Idd is zero up to mT = 100 ms, so the step from 300 to 400 ms costs more than 100 to 150.
  EXPECT_GT(q::delay_impairment(400) - q::delay_impairment(300),
            q::delay_impairment(150) - q::delay_impairment(100));
}
