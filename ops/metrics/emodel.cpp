#include "ops/metrics/emodel.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

namespace tandem::ops::quality {
namespace {

/// G.107 Table 3 default values.
struct defaults {
  static constexpr double slr = 8, rlr = 2, stmr = 15, lstr = 18, ds = 3, dr = 3, telr = 65,
                          wepl = 110, nc = -70, nfor = -64, ps = 35, pr = 35, qdu = 1;
  static constexpr double mt = 100, st = 1;  // Idd: mT and sT (G.107 (06/2015) eq. 7-28)
};

double lg(double x) { return std::log10(x); }

/// Noise terms and Ro (G.107 §7.2, eqs. 7-2 .. 7-8).
struct noise {
  double no;
  double ro;
};

noise basic_signal_to_noise() {
  using d = defaults;
  const double olr = d::slr + d::rlr;
  const double nos = d::ps - d::slr - d::ds - 100 + 0.004 * std::pow(d::ps - olr - d::ds - 14, 2);
  const double pre = d::pr + 10 * lg(1 + std::pow(10, (10 - d::lstr) / 10));
  const double nor = d::rlr - 121 + pre + 0.008 * std::pow(pre - 35, 2);
  const double nfo = d::nfor + d::rlr;
  const double no = 10 * lg(std::pow(10, d::nc / 10) + std::pow(10, nos / 10) + std::pow(10, nor / 10) +
                            std::pow(10, nfo / 10));
  return {no, 15 - 1.5 * (d::slr + no)};
}

/// Simultaneous impairment Is = Iolr + Ist + Iq (G.107 §7.3, eqs. 7-9 .. 7-17), with T = Ta.
double simultaneous_impairment(const noise& n, double t) {
  using d = defaults;
  const double olr = d::slr + d::rlr;
  const double xolr = olr + 0.2 * (64 + n.no - d::rlr);
  const double iolr = 20 * (std::pow(1 + std::pow(xolr / 8, 8), 1.0 / 8) - xolr / 8);
  const double stmro = -10 * lg(std::pow(10, -d::stmr / 10) + std::exp(-t / 4) * std::pow(10, -d::telr / 10));
  const double ist = 12 * std::pow(1 + std::pow((stmro - 13) / 6, 8), 1.0 / 8) -
                     28 * std::pow(1 + std::pow((stmro + 1) / 19.4, 35), 1.0 / 35) -
                     13 * std::pow(1 + std::pow((stmro - 3) / 33, 13), 1.0 / 13) + 29;
  const double q = 37 - 15 * lg(d::qdu);
  const double g = 1.07 + 0.258 * q + 0.0602 * q * q;
  const double z = 46.0 / 30 - g / 40;
  const double y = (n.ro - 100) / 15 + 46.0 / 8.4 - g / 9;
  const double iq = 15 * lg(1 + std::pow(10, y) + std::pow(10, z));
  return iolr + ist + iq;
}

/// Delay impairment Id = Idte + Idle + Idd (G.107 §7.4, eqs. 7-18 .. 7-28).
double delay_terms(const noise& n, double t, double ta, double tr) {
  using d = defaults;
  // Talker echo (Idte).
  const double terv = d::telr - 40 * lg((1 + t / 10) / (1 + t / 150)) + 6 * std::exp(-0.3 * t * t);
  const double roe = -1.5 * (n.no - d::rlr);
  const double re = 80 + 2.5 * (terv - 14);
  const double idte = ((roe - re) / 2 + std::sqrt(std::pow(roe - re, 2) / 4 + 100) - 1) * (1 - std::exp(-t));
  // Listener echo (Idle).
  const double rle = 10.5 * (d::wepl + 7) * std::pow(tr + 1, -0.25);
  const double idle = (n.ro - rle) / 2 + std::sqrt(std::pow(n.ro - rle, 2) / 4 + 169);
  // Absolute delay (Idd): none up to mT.
  double idd = 0;
  if (ta > d::mt) {
    const double x = lg(ta / d::mt) / lg(2);
    idd = 25 * (std::pow(1 + std::pow(x, 6 * d::st), 1 / (6 * d::st)) -
                3 * std::pow(1 + std::pow(x / 3, 6 * d::st), 1 / (6 * d::st)) + 2);
  }
  return idte + idle + idd;
}

constexpr std::array<codec_impairment, 6> table{{
    // G.113 Appendix I: Ie (Table I.1) and Bpl (Table I.3), by SDP encoding name.
    {"PCMU", 0, 25.1},     // G.711 with PLC (G.711 Appendix I); 4.3 without
    {"PCMA", 0, 25.1},
    {"G729", 11, 19.0},    // G.729A with VAD
    {"G723", 15, 16.1},    // G.723.1 6.3 kbit/s with VAD
    {"G726-32", 7, 4.3},   // Ie from Table I.1; no Bpl in G.113: G.711's no-PLC value is used
    {"GSM", 20, 4.3},      // GSM 06.10 full rate; no Bpl in G.113: the same conservative value
}};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<codec_impairment> impairment_of(std::string_view codec, bool plc) {
  for (auto c : table) {
    if (!iequals(c.name, codec)) continue;
    if (c.ie == 0 && !plc) c.bpl = 4.3;  // G.711 without PLC
    return c;
  }
  return std::nullopt;
}

double r_to_mos(double r) {
  if (r < 0) return 1;
  if (r > 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

double effective_equipment_impairment(const codec_impairment& codec, double loss_percent, double burst_ratio) {
  const double ppl = std::clamp(loss_percent, 0.0, 100.0);
  const double burst = burst_ratio > 0 ? burst_ratio : 1;
  if (ppl == 0) return codec.ie;
  return codec.ie + (95 - codec.ie) * ppl / (ppl / burst + codec.bpl);
}

double delay_impairment(double one_way_delay_ms) {
  const double t = std::max(0.0, one_way_delay_ms);
  return delay_terms(basic_signal_to_noise(), t, t, 2 * t);
}

emodel_result evaluate(const emodel_input& in) {
  const double t = std::max(0.0, in.one_way_delay_ms);
  const auto n = basic_signal_to_noise();
  emodel_result out;
  out.ro = n.ro;
  out.is = simultaneous_impairment(n, t);
  out.id = delay_terms(n, t, t, 2 * t);
  out.ie_eff = effective_equipment_impairment(in.codec, in.packet_loss_percent, in.burst_ratio);
  out.r = out.ro - out.is - out.id - out.ie_eff + in.advantage;
  out.mos = r_to_mos(out.r);
  return out;
}

}  // namespace tandem::ops::quality
