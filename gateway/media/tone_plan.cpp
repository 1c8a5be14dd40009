#include "gateway/media/tone_plan.hpp"

namespace tandem::gateway::media {

namespace {

using t = signal_tone;
constexpr std::int8_t cp = -13;  ///< call progress tones: -13 dBm0 (E.180 §2: -10 to -19 dBm0)

// Special information tone, ITU-T E.180 §7: 950, 1400, 1800 Hz, 330 ms each, then 1 s silence.
constexpr tone_plan plans[] = {
    {t::none, {}, 0, false},
    {t::ringback, {{{425, 0, cp, 1000}, {0, 0, cp, 4000}}}, 2, true},
    {t::busy, {{{425, 0, cp, 500}, {0, 0, cp, 500}}}, 2, true},
    {t::congestion, {{{425, 0, cp, 250}, {0, 0, cp, 250}}}, 2, true},
    {t::reorder, {{{425, 0, cp, 250}, {0, 0, cp, 250}}}, 2, true},
    {t::confirmation, {{{425, 0, cp, 100}, {0, 0, cp, 100}, {425, 0, cp, 100}, {0, 0, cp, 100}, {425, 0, cp, 100}}}, 5, false},
    {t::intercept, {{{950, 0, -19, 330}, {1400, 0, -19, 330}, {1800, 0, -19, 330}, {0, 0, cp, 1000}}}, 4, true},
    {t::no_circuit, {{{950, 0, -19, 330}, {1400, 0, -19, 330}, {1800, 0, -19, 330}, {0, 0, cp, 1000}}}, 4, true},
    {t::preemption, {{{440, 620, -16, 1000}}}, 1, true},
    {t::continuity, {{{2010, 0, -12, 1000}}}, 1, true},
    {t::continuity_go, {{{1780, 0, -12, 1000}}}, 1, true},
    {t::milliwatt_old, {{{1000, 0, 0, 1000}}}, 1, true},
    {t::milliwatt_new, {{{1004, 0, 0, 1000}}}, 1, true},
    {t::test_line, {{{1004, 0, -16, 1000}}}, 1, true},
    {t::quiet, {}, 0, true},
    {t::loopback, {}, 0, true},
    {t::dtmf, {}, 0, false},
};

}  // namespace

const tone_plan& plan_of(signal_tone tone) noexcept {
    for (const auto& p : plans)
        if (p.tone == tone) return p;
    return plans[0];
}

std::string_view to_string(signal_tone tone) noexcept {
    switch (tone) {
        case t::none: return "none";
        case t::ringback: return "ringback";
        case t::busy: return "busy";
        case t::congestion: return "congestion";
        case t::reorder: return "reorder";
        case t::confirmation: return "confirmation";
        case t::intercept: return "intercept";
        case t::no_circuit: return "no_circuit";
        case t::preemption: return "preemption";
        case t::continuity: return "continuity";
        case t::continuity_go: return "continuity_go";
        case t::milliwatt_old: return "milliwatt_old";
        case t::milliwatt_new: return "milliwatt_new";
        case t::test_line: return "test_line";
        case t::quiet: return "quiet";
        case t::loopback: return "loopback";
        case t::dtmf: return "dtmf";
    }
    return "none";
}

}  // namespace tandem::gateway::media
