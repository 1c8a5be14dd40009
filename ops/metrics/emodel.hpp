#pragma once
/// The E-model (ITU-T G.107): a transmission rating R for a call from its codec, packet loss
/// and one-way delay, and the estimated conversational quality MOS-CQE derived from it.
///
///   R = Ro - Is - Id - Ie,eff + A                                   (G.107 §7.1, eq. 7-1)
///
/// Ro, Is and Id are computed from the G.107 equations with the default values of its Table 3
/// (SLR 8, RLR 2, STMR 15, LSTR 18, Ds = Dr = 3, TELR 65, WEPL 110, Nc -70, Nfor -64, Ps = Pr
/// 35, qdu 1, A 0), which give R = 93.2 for G.711 with no loss and no delay. One-way delay d
/// (mouth to ear) sets T = Ta = d and Tr = 2d. Ie,eff follows G.107 eq. 7-29 with the codec's
/// Ie and Bpl from ITU-T G.113 Appendix I:
///
///   Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl)
///
/// Pure functions; cheap enough to run once per call at release.
#include <optional>
#include <string_view>

namespace tandem::ops::quality {

/// Planning values of one codec (ITU-T G.113 Appendix I, Tables I.1 and I.3).
struct codec_impairment {
  std::string_view name;
  double ie = 0;   ///< equipment impairment factor Ie
  double bpl = 0;  ///< packet-loss robustness factor Bpl
};

/// The values Tandem knows, by SDP encoding name as codecs/ names them (case-insensitive:
/// "PCMU", "PCMA", "G729", "G723", "G726-32", "GSM"). `plc` selects G.711 with packet loss concealment (Bpl 25.1) or without
/// (Bpl 4.3); it does not change the other codecs, whose concealment is part of the codec.
/// nullopt for a codec without planning values.
[[nodiscard]] std::optional<codec_impairment> impairment_of(std::string_view codec, bool plc = true);

/// What the E-model is computed from for one call (or one direction of it).
struct emodel_input {
  codec_impairment codec{"PCMU", 0, 25.1};
  double packet_loss_percent = 0;  ///< Ppl, 0..100
  double burst_ratio = 1;          ///< BurstR; 1 for random loss
  double one_way_delay_ms = 0;     ///< mouth-to-ear; T = Ta = d, Tr = 2d
  double advantage = 0;            ///< A (0 for wired access)
};

/// The terms of the computation, for reports and tests.
struct emodel_result {
  double ro = 0;      ///< basic signal-to-noise ratio
  double is = 0;      ///< simultaneous impairment
  double id = 0;      ///< delay impairment (Idte + Idle + Idd)
  double ie_eff = 0;  ///< effective equipment impairment
  double r = 0;       ///< transmission rating
  double mos = 0;     ///< MOS-CQE
};

[[nodiscard]] emodel_result evaluate(const emodel_input& in);

/// G.107 Annex B (eq. B-4): R to MOS-CQE; 1 for R < 0, 4.5 for R > 100.
[[nodiscard]] double r_to_mos(double r);

/// The delay impairment Id alone for a one-way delay (with the Table 3 defaults).
[[nodiscard]] double delay_impairment(double one_way_delay_ms);

/// Ie,eff alone.
[[nodiscard]] double effective_equipment_impairment(const codec_impairment& codec, double loss_percent,
                                                    double burst_ratio = 1);

}  // namespace tandem::ops::quality
