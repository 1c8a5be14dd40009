// The report writers: JSON parses back with the same facts; JUnit XML is well formed (a small
// structural check: balanced elements, quoted attributes, escaped text) and its counts match;
// the summary table names every scenario and failure.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>

#include <nlohmann/json.hpp>

#include "lab/runner/report/writers.hpp"

namespace tandem::lab::runner {
namespace {

call_result passed_call(unsigned index, double pdd, double delay, double snr) {
  call_result c;
  c.index = index;
  c.answered = true;
  c.pdd_ms = pdd;
  c.cause = 16;
  c.cause_text = "normal call clearing";
  c.one_way_ms = {delay};
  c.snr_db = {snr};
  c.duration_ms = 1500;
  c.steps = {{3, "call A:1001 -> B:2001", verdict::passed, "SETUP sent", 0.5},
             {4, "expect A answered within 2s", verdict::passed, "after 210 ms", 210}};
  return c;
}

run_report sample() {
  run_report r;
  r.lab = "exchanges";
  r.lab_file = "etc/lab/exchanges.cfg";
  r.run_dir = "/tmp/run/x";
  r.started_at = "2024-01-01T00:00:00+0000";
  r.elapsed_s = 12.5;
  scenario_result ok;
  ok.name = "tone <both> ways & \"quotes\"";
  ok.file = "basic.scn";
  ok.line = 4;
  ok.calls.push_back(passed_call(1, 210, 10.2, std::numeric_limits<double>::infinity()));
  r.scenarios.push_back(ok);
  scenario_result bad;
  bad.name = "busy answered";
  bad.file = "must-fail.scn";
  bad.line = 3;
  call_result c;
  c.index = 1;
  c.cause = 17;
  c.cause_text = "user busy";
  c.steps = {{4, "call A:1001 -> B:2002", verdict::passed, "", 1},
             {5, "expect A answered within 2s", verdict::failed, "released with cause 17 (user busy) instead of answered", 40},
             {6, "hangup A", verdict::skipped, "", 0}};
  bad.calls.push_back(c);
  r.scenarios.push_back(bad);
  scenario_result load;
  load.name = "load";
  load.file = "load.scn";
  load.line = 1;
  load.load = true;
  for (unsigned i = 1; i <= 10; ++i) load.calls.push_back(passed_call(i, 100.0 + i, 10.0 + i, 40.0 + i));
  load.calls[9].answered = false;
  load.calls[9].cause = 34;
  load.calls[9].cause_text = "no circuit/channel available";
  load.calls[9].steps[1].outcome = verdict::failed;
  load.stats = compute_load_stats(load.calls);
  r.scenarios.push_back(load);
  scenario_result broken;
  broken.name = "unknown node";
  broken.error = "x.scn:3: no node \"C\" in lab \"exchanges\"";
  r.scenarios.push_back(broken);
  r.notes = {"no pcap: dumpcap could not capture on lo"};
  return r;
}

TEST(report, when_the_json_is_parsed_back_then_it_holds_the_run) {
  auto r = sample();
  auto j = nlohmann::json::parse(json_report(r));
  EXPECT_EQ(j["lab"], "exchanges");
  EXPECT_EQ(j["passed"], false);
  ASSERT_EQ(j["scenarios"].size(), 4u);
  EXPECT_EQ(j["scenarios"][0]["name"], "tone <both> ways & \"quotes\"");
  EXPECT_EQ(j["scenarios"][0]["passed"], true);
  EXPECT_EQ(j["scenarios"][0]["calls"][0]["snr_db"][0], "inf");  // no infinity in JSON
  EXPECT_EQ(j["scenarios"][0]["calls"][0]["pdd_ms"], 210.0);
  EXPECT_EQ(j["scenarios"][1]["passed"], false);
  EXPECT_EQ(j["scenarios"][1]["calls"][0]["steps"][1]["result"], "failed");
  EXPECT_EQ(j["scenarios"][1]["calls"][0]["steps"][2]["result"], "skipped");
  EXPECT_EQ(j["scenarios"][1]["calls"][0]["cause"]["value"], 17);
  EXPECT_NE(j["scenarios"][1]["calls"][0]["failure"].get<std::string>().find("line 5"), std::string::npos);
  const auto& st = j["scenarios"][2]["load_stats"];
  EXPECT_EQ(st["attempted"], 10);
  EXPECT_EQ(st["answered"], 9);
  EXPECT_DOUBLE_EQ(st["asr"].get<double>(), 0.9);
  EXPECT_EQ(st["pdd_ms"]["count"], 10);
  EXPECT_EQ(st["pdd_ms"]["p50"], 105.0);
  EXPECT_EQ(st["pdd_ms"]["p90"], 109.0);
  EXPECT_EQ(st["pdd_ms"]["max"], 110.0);
  EXPECT_EQ(st["failures"]["cause 34 (no circuit/channel available)"], 1);
  EXPECT_EQ(j["scenarios"][3]["error"], "x.scn:3: no node \"C\" in lab \"exchanges\"");
  EXPECT_EQ(j["notes"][0], "no pcap: dumpcap could not capture on lo");
}

/// A small structural XML check: balanced start/end tags, attributes quoted, no raw '<' or
/// '&' in text. Returns the element names seen (with counts) or an error.
std::string check_xml(const std::string& xml, std::map<std::string, int>& counts) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  if (xml.rfind("<?xml ", 0) != 0) return "no XML declaration";
  i = xml.find("?>") + 2;
  const std::regex attr_re(R"(^\s+[A-Za-z_:][-A-Za-z0-9_:.]*="[^"<]*")");
  while (i < xml.size()) {
    auto lt = xml.find('<', i);
    auto text = xml.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    // Text: every '&' starts an entity.
    for (std::size_t a = text.find('&'); a != std::string::npos; a = text.find('&', a + 1))
      if (!std::regex_search(text.substr(a), std::regex("^&(amp|lt|gt|quot|apos);"))) return "raw & in text";
    if (lt == std::string::npos) break;
    auto gt = xml.find('>', lt);
    if (gt == std::string::npos) return "unclosed tag";
    std::string tag = xml.substr(lt + 1, gt - lt - 1);
    if (tag.find('<') != std::string::npos) return "'<' inside a tag";
    if (tag.starts_with("/")) {
      if (stack.empty() || stack.back() != tag.substr(1)) return "end tag </" + tag.substr(1) + "> does not match";
      stack.pop_back();
    } else {
      bool empty = tag.ends_with("/");
      if (empty) tag.pop_back();
      auto name_end = tag.find_first_of(" \t\n");
      std::string name = tag.substr(0, name_end);
      std::string attrs = name_end == std::string::npos ? "" : tag.substr(name_end);
      std::smatch m;
      while (!attrs.empty() && std::regex_search(attrs, m, attr_re)) attrs = m.suffix();
      if (attrs.find_first_not_of(" \t\n") != std::string::npos) return "bad attributes in <" + name + ">: " + attrs;
      ++counts[name];
      if (!empty) stack.push_back(name);
    }
    i = gt + 1;
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  return "";
}

TEST(report, when_junit_is_written_then_it_is_well_formed_and_counts_match) {
  auto r = sample();
  auto xml = junit_report(r);
  std::map<std::string, int> counts;
  EXPECT_EQ(check_xml(xml, counts), "") << xml;
  EXPECT_EQ(counts["testsuites"], 1);
  EXPECT_EQ(counts["testsuite"], 4);
  EXPECT_EQ(counts["testcase"], 1 + 1 + 10 + 1);
  EXPECT_EQ(counts["failure"], 2);
  EXPECT_EQ(counts["error"], 1);
  EXPECT_NE(xml.find("<testsuites name=\"tandem-lab exchanges\" tests=\"13\" failures=\"2\" errors=\"1\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("tone &lt;both&gt; ways &amp; &quot;quotes&quot;"), std::string::npos);
  EXPECT_NE(xml.find("name=\"load #10\""), std::string::npos);
  EXPECT_NE(xml.find("message=\"line 5: expect A answered within 2s: released with cause 17 (user busy) instead of answered\""),
            std::string::npos)
      << xml;
}

TEST(report, when_the_structural_check_sees_broken_xml_then_it_says_so) {
  std::map<std::string, int> counts;
  EXPECT_NE(check_xml("<?xml version=\"1.0\"?>\n<a><b></a>", counts), "");
  EXPECT_NE(check_xml("<?xml version=\"1.0\"?>\n<a x=1></a>", counts), "");
  EXPECT_NE(check_xml("<?xml version=\"1.0\"?>\n<a>&</a>", counts), "");
  EXPECT_EQ(xml_escape("a<b>&\"c\"\x01"), "a&lt;b&gt;&amp;&quot;c&quot;");
}

TEST(report, when_the_summary_is_printed_then_it_names_scenarios_failures_and_notes) {
  auto text = summary_table(sample());
  EXPECT_NE(text.find("busy answered"), std::string::npos);
  EXPECT_NE(text.find("FAIL"), std::string::npos);
  EXPECT_NE(text.find("PASS"), std::string::npos);
  EXPECT_NE(text.find("1 of 4 scenarios passed"), std::string::npos) << text;
  EXPECT_NE(text.find("must-fail.scn:3"), std::string::npos) << text;
  EXPECT_NE(text.find("ASR 90%"), std::string::npos) << text;
  EXPECT_NE(text.find("note: no pcap"), std::string::npos) << text;
}

TEST(report, when_percentiles_are_taken_then_nearest_rank_is_used) {
  auto d = distribution_of({5, 1, 4, 2, 3});
  EXPECT_EQ(d.count, 5u);
  EXPECT_EQ(d.min, 1);
  EXPECT_EQ(d.p50, 3);
  EXPECT_EQ(d.p90, 5);
  EXPECT_EQ(d.max, 5);
  EXPECT_EQ(distribution_of({}).count, 0u);
}

}  // namespace
}  // namespace tandem::lab::runner
