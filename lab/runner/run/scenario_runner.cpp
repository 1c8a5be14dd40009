#include "lab/runner/run/scenario_runner.hpp"

#include <list>
#include <ostream>

#include <fmt/format.h>

#include "lab/runner/run/load_scheduler.hpp"

namespace tandem::lab::runner {

namespace {

/// The real clock, for the scheduler.
class steady_source final : public tandem::clock {
 public:
  [[nodiscard]] tandem::time_point now() const override { return tandem::steady_clock::now(); }
};

bool has_media(const lab_config& lab, const std::string& name) {
  for (const auto& m : lab.media)
    if (m.name == name) return true;
  return false;
}

}  // namespace

std::vector<std::string> check_against_lab(const scenario& s, const lab_config& lab) {
  std::vector<std::string> out;
  auto nodes = lab.node_names();
  for (const auto* p : {&s.call().caller, &s.call().callee}) {
    if (lab.sip_peer(p->node) != nullptr) continue;  // a call from or to a SIP user agent
    if (lab.exchange(p->node) == nullptr && (lab.gateway(p->node) != nullptr ||
                                             (lab.call_agent && lab.call_agent->name == p->node)))
      out.push_back(fmt::format("{}:{}: \"{}\" is a {} of lab \"{}\": calls start and end at exchanges", s.file,
                                s.steps.front().line, p->node,
                                lab.gateway(p->node) != nullptr ? "gateway" : "call agent", lab.name));
    else if (lab.exchange(p->node) == nullptr)
      out.push_back(fmt::format("{}:{}: no node \"{}\" in lab \"{}\" (it has {})", s.file, s.steps.front().line, p->node,
                                lab.name, fmt::format("{}", fmt::join(nodes, ", "))));
  }
  for (const auto& st : s.steps) {
    std::string media;
    if (const auto* p = std::get_if<play_step>(&st.body); p != nullptr && p->kind == media_kind::file) media = p->media_name;
    if (const auto* e = std::get_if<expect_media_step>(&st.body); e != nullptr && e->kind == hear_kind::file)
      media = e->media_name;
    // A SIP user agent's leg: only its signalling is seen (sipp answers and echoes by itself).
    auto leg_node = [&s](leg_role r) { return s.party_of(r).node; };
    std::optional<leg_role> acted;
    if (const auto* a = std::get_if<answer_step>(&st.body)) acted = a->leg;
    if (const auto* h = std::get_if<hangup_step>(&st.body)) acted = h->leg;
    if (const auto* p = std::get_if<play_step>(&st.body)) acted = p->leg;
    if (const auto* e = std::get_if<expect_media_step>(&st.body)) acted = e->leg;
    if (acted && lab.sip_peer(leg_node(*acted)) != nullptr)
      out.push_back(fmt::format("{}:{}: {} is a SIP user agent: it cannot answer, hang up, play or hear (sipp answers "
                                "by itself and echoes the RTP it gets: check media at the exchange)",
                                s.file, st.line, leg_node(*acted)));
    if (const auto* e = std::get_if<expect_status_step>(&st.body)) {
      if (lab.sip_peer(leg_node(e->leg)) == nullptr)
        out.push_back(fmt::format("{}:{}: {} is not a SIP user agent: status applies to SIP legs", s.file, st.line,
                                  leg_node(e->leg)));
      else if (e->leg == leg_role::callee)
        out.push_back(fmt::format("{}:{}: a SIP user agent's status is checked on calls it places (the caller)", s.file,
                                  st.line));
    }
    if (const auto* e = std::get_if<expect_signal_step>(&st.body);
        e != nullptr && e->leg == leg_role::callee && lab.sip_peer(leg_node(e->leg)) != nullptr)
      out.push_back(fmt::format("{}:{}: the called SIP user agent {} is not observed: check the caller's side",
                                s.file, st.line, leg_node(e->leg)));
    if (std::holds_alternative<expect_record_step>(st.body) && !lab.call_agent)
      out.push_back(fmt::format("{}:{}: lab \"{}\" has no call agent: no call records to check", s.file, st.line, lab.name));
    if (!media.empty() && !has_media(lab, media))
      out.push_back(fmt::format("{}:{}: no media \"{}\" in lab \"{}\" (add it to lab.media)", s.file, st.line, media, lab.name));
  }
  return out;
}

scenario_result run_scenario(const scenario& s, const lab_config& lab, lab_driver& driver, const run_options& options,
                             std::ostream& out) {
  scenario_result result;
  result.name = s.name;
  result.file = s.file;
  result.line = s.line;
  if (auto problems = check_against_lab(s, lab); !problems.empty()) {
    result.error = fmt::format("{}", fmt::join(problems, "; "));
    out << fmt::format("scenario \"{}\": cannot run: {}\n", s.name, result.error);
    return result;
  }
  auto load = options.load ? options.load : s.load;
  // Repeats are a load run of one call at a time, as fast as calls end.
  load_spec spec = load ? *load : load_spec{s.repeat, 1000.0, 1};
  result.load = load.has_value();
  steady_source clock;
  load_scheduler scheduler(spec, clock);
  std::list<call_run> active;
  std::vector<call_result> done;
  unsigned peak = 0;
  const auto t0 = tandem::steady_clock::now();
  out << (result.load ? fmt::format("scenario \"{}\": load {} calls at {}/s, at most {} at once\n", s.name, spec.calls,
                                    spec.rate_per_s, spec.max_concurrent)
                      : fmt::format("scenario \"{}\"{}\n", s.name, spec.calls > 1 ? fmt::format(" x{}", spec.calls) : ""));
  bool stop = false;
  while (!(scheduler.all_started() && active.empty())) {
    if (!stop && options.interrupted()) {
      stop = true;
      out << "interrupted: finishing the calls under way\n";
    }
    auto now = tandem::steady_clock::now();
    while (!stop && scheduler.may_start(static_cast<unsigned>(active.size()))) {
      scheduler.started();
      active.emplace_back(s, scheduler.started_count(), driver, now, options.tolerances);
      peak = std::max(peak, static_cast<unsigned>(active.size()));
    }
    for (auto it = active.begin(); it != active.end();) {
      it->step(tandem::steady_clock::now());
      if (!it->finished()) {
        ++it;
        continue;
      }
      const auto& r = it->result();
      if (!result.load)
        out << fmt::format("  call {}: {}{}\n", r.index, r.passed() ? "passed" : "FAILED",
                           r.passed() ? "" : " - " + r.failure());
      done.push_back(r);
      it = active.erase(it);
    }
    if (stop && active.empty()) break;
    driver.pump(std::chrono::milliseconds{5});
  }
  std::sort(done.begin(), done.end(), [](const call_result& a, const call_result& b) { return a.index < b.index; });
  result.calls = std::move(done);
  if (result.load) {
    auto st = compute_load_stats(result.calls);
    st.calls = spec.calls;
    st.rate_per_s = spec.rate_per_s;
    st.max_concurrent = spec.max_concurrent;
    st.peak_concurrent = peak;
    st.elapsed_s = std::chrono::duration<double>(tandem::steady_clock::now() - t0).count();
    out << fmt::format("  {} calls, {} answered (ASR {:.1f}%), {} held back by the concurrency limit\n", st.attempted,
                       st.answered, st.asr * 100, scheduler.held_back());
    result.stats = st;
  }
  return result;
}

}  // namespace tandem::lab::runner
