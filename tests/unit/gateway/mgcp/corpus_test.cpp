/// The MGCP corpora of tests/data/mgcp/ (valid and malformed messages, written for the parser)
/// thrown at the agent: every command that can be answered is answered with its own
/// transaction id, nothing crashes, and nothing is left allocated in the media plane.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "codecs/core_codecs.hpp"
#include "common/manual_clock.hpp"
#include "gateway/mgcp/agent.hpp"
#include "proto/mgcp/parser.hpp"
#include "tests/unit/gateway/mgcp/fake_media_control.hpp"
#include "tests/unit/gateway/mgcp/recording_notifier.hpp"

namespace tandem::gateway::mgcp::test {
namespace {

namespace m = tandem::mgcp;
namespace fs = std::filesystem;

void replay_corpus(const char* folder, bool expect_errors) {
  codecs::registry reg;
  codecs::register_core_codecs(reg);
  agent_config c;
  // The corpora name endpoints like aaln/1@gw.example.net: answer for that domain too, so
  // the commands get past the name check and into the verb handlers.
  c.domain = "gw.example.net";
  c.spans = {span_config{1, false, {}}};
  c.rtp_endpoints = 2;
  c.codecs = {"PCMU", "PCMA"};
  manual_clock clock;
  fake_media_control media;
  recording_notifier notifier;
  counter_set counters("mgcp_agent");
  agent a(c, reg, media, notifier, clock, counters, [] { return 1u; });
  const m::peer ca{"127.0.0.1", 2727};
  int files = 0, answered = 0, errors = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(TANDEM_SOURCE_DIR) / "tests" / "data" / "mgcp" / folder)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    ++files;
    for (auto& parsed : m::parse_datagram(text.str())) {
      std::optional<m::response> r;
      std::optional<m::transaction_id> id;
      if (!parsed) {
        if (!parsed.error().answerable()) continue;
        id = parsed.error().id;
        r = a.handle_malformed(ca, parsed.error());
      } else if (const auto* cmd = std::get_if<m::command>(&*parsed)) {
        id = cmd->id;
        r = a.handle(ca, *cmd);
      } else {
        continue;
      }
      ASSERT_TRUE(r.has_value()) << entry.path();
      EXPECT_EQ(r->id, *id) << entry.path();
      ++answered;
      if (!m::is_success(r->code)) ++errors;
      EXPECT_EQ(media.live.size(), a.connection_count()) << entry.path();
    }
  }
  EXPECT_GT(files, 10);
  EXPECT_GT(answered, 10);
  if (expect_errors) {
    EXPECT_EQ(errors, answered);
  }
}

TEST(corpus, when_the_malformed_corpus_arrives_then_every_answerable_command_gets_an_error_with_its_id) {
  replay_corpus("malformed", true);
}

TEST(corpus, when_the_valid_corpus_arrives_then_every_command_is_answered_and_nothing_leaks) {
  replay_corpus("valid", false);
}

}  // namespace
}  // namespace tandem::gateway::mgcp::test
