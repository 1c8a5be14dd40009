/// Replays the golden request/response files of tests/data/mgcp_agent/ through the agent,
/// with no socket: a fake media plane, a recording notifier and a manual clock. The file
/// format and its placeholders are described in docs/mgcp-agent.md ("Golden files").
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "codecs/backend_codecs.hpp"
#include "codecs/core_codecs.hpp"
#include "common/manual_clock.hpp"
#include "gateway/mgcp/agent.hpp"
#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"
#include "tests/unit/gateway/mgcp/fake_media_control.hpp"
#include "tests/unit/gateway/mgcp/recording_notifier.hpp"

namespace tandem::gateway::mgcp::test {
namespace {

namespace m = tandem::mgcp;
namespace fs = std::filesystem;

fs::path data_dir() { return fs::path(TANDEM_SOURCE_DIR) / "tests" / "data" / "mgcp_agent"; }

std::vector<std::string> golden_files() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(data_dir()))
    if (entry.path().extension() == ".txt") out.push_back(entry.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

/// One group of consecutive lines of the same kind.
struct block {
  std::string kind;  // ">", "<", "=>", "<=", "!", "@"
  std::vector<std::string> lines;
  int first_line = 0;
};

std::vector<block> read_blocks(const fs::path& file) {
  std::ifstream in(file);
  std::vector<block> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line.front() == '#') {
      if (!out.empty()) out.back().kind += "";  // a blank line ends nothing by itself
      continue;
    }
    std::string kind;
    for (const char* k : {"=>", "<=", ">", "<", "!", "@"})
      if (line.rfind(k, 0) == 0) {
        kind = k;
        break;
      }
    if (kind.empty()) {
      ADD_FAILURE() << file << ":" << number << ": line has no prefix: " << line;
      continue;
    }
    std::string body = line.substr(kind.size());
    if (!body.empty() && body.front() == ' ') body.erase(0, 1);
    // "!" and "@" lines are each their own block; others group with their neighbours.
    if (out.empty() || out.back().kind != kind || kind == "!" || kind == "@")
      out.push_back(block{kind, {}, number});
    out.back().lines.push_back(body);
  }
  return out;
}

class harness {
 public:
  explicit harness(std::string name) : name_(std::move(name)) {
    config_.domain = "mgw.tandem.test";
    config_.domain_aliases = {"[127.0.0.1]"};
    config_.spans = {span_config{1, false, {}}, span_config{2, true, {}}};
    config_.rtp_endpoints = 4;
    config_.codecs = {"PCMU", "PCMA", "G729"};
    codecs::register_core_codecs(registry_);
    codecs::register_backend_codecs(registry_);
  }

  void run(const std::vector<block>& blocks) {
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      const block& b = blocks[i];
      where_ = fmt::format("{}.txt:{}", name_, b.first_line);
      if (b.kind == "@") {
        configure(b.lines.front());
        continue;
      }
      ensure_agent();
      if (b.kind == ">") {
        if (i + 1 >= blocks.size() || blocks[i + 1].kind != "<") {
          ADD_FAILURE() << where_ << ": a request needs an expected response block";
          return;
        }
        request(b.lines, blocks[i + 1]);
        ++i;
      } else if (b.kind == "=>") {
        outgoing(b.lines);
      } else if (b.kind == "<=") {
        reply(b.lines);
      } else if (b.kind == "!") {
        directive(b.lines.front());
      } else {
        ADD_FAILURE() << where_ << ": unexpected block " << b.kind;
      }
      // The invariant behind "a rejected command leaves no trace": the media plane holds
      // exactly the connections the agent knows.
      EXPECT_EQ(media_.live.size(), agent_->connection_count()) << where_;
    }
    ensure_agent();
    EXPECT_TRUE(notifier_.sent_commands.empty())
        << name_ << ": commands sent but not expected, first: "
        << (notifier_.sent_commands.empty() ? "" : m::serialize(notifier_.sent_commands.front().second, {false}));
  }

 private:
  void configure(const std::string& line) {
    std::istringstream in(line);
    std::string key, value;
    in >> key >> value;
    if (key == "persistent") config_.persistent_events.push_back(value);
    else if (key == "restart-wait") config_.max_restart_wait = std::chrono::milliseconds(std::stoul(value));
    else if (key == "random") random_value_ = static_cast<std::uint32_t>(std::stoul(value));
    else if (key == "restart-delay") config_.restart_delay = std::chrono::seconds(std::stoul(value));
    else if (key == "restart-method") config_.restart_method = value == "graceful" ? m::restart_method_kind::graceful : m::restart_method_kind::restart;
    else if (key == "dtmf-relay") config_.dtmf_relay = value == "on";
    else if (key == "max-connections-bearer") config_.max_connections_bearer = static_cast<unsigned>(std::stoul(value));
    else if (key == "allowed") config_.allowed_call_agents.push_back({value, 0});
    else ADD_FAILURE() << where_ << ": unknown config key " << key;
  }

  void ensure_agent() {
    if (agent_) return;
    agent_ = std::make_unique<agent>(config_, registry_, media_, notifier_, clock_, counters_,
                                     [this] { return random_value_; });
  }

  std::string substitute(const std::string& line) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
      const auto open = line.find('{', pos);
      const auto close = open == std::string::npos ? open : line.find('}', open);
      if (close == std::string::npos) {
        out += line.substr(pos);
        return out;
      }
      out += line.substr(pos, open - pos);
      const auto var = line.substr(open + 1, close - open - 1);
      auto it = vars_.find(var);
      if (it == vars_.end()) ADD_FAILURE() << where_ << ": {" << var << "} used before it was matched";
      else out += it->second;
      pos = close + 1;
    }
  }

  /// Compares `actual` with expected lines where "{name}" matches a token (binding it on first
  /// use, and then standing for that value) and "{*}" matches any token.
  void compare(const std::vector<std::string>& expected, const std::string& actual) {
    const auto lines = split_lines(actual);
    std::string expected_text;
    for (const auto& l : expected) expected_text += l + "\n";
    if (lines.size() != expected.size()) {
      ADD_FAILURE() << where_ << ": expected\n" << expected_text << "got\n" << actual;
      return;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::string pattern;
      std::vector<std::string> names;
      const std::string& e = expected[i];
      std::size_t pos = 0;
      const auto literal = [&](std::string_view s) {
        for (char c : s) {
          if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) pattern += '\\';
          pattern += c;
        }
      };
      while (pos <= e.size()) {
        const auto open = e.find('{', pos);
        const auto close = open == std::string::npos ? open : e.find('}', open);
        if (close == std::string::npos) {
          literal(std::string_view(e).substr(pos));
          break;
        }
        literal(std::string_view(e).substr(pos, open - pos));
        const auto var = e.substr(open + 1, close - open - 1);
        if (var == "*") {
          pattern += "[^\\s,]+";
        } else if (auto it = vars_.find(var); it != vars_.end()) {
          literal(it->second);
        } else {
          pattern += "([^\\s,]+)";
          names.push_back(var);
        }
        pos = close + 1;
      }
      std::smatch match;
      if (!std::regex_match(lines[i], match, std::regex(pattern))) {
        ADD_FAILURE() << where_ << ": line " << i + 1 << " differs: expected '" << e << "', got '" << lines[i]
                      << "'\nexpected\n" << expected_text << "got\n" << actual;
        return;
      }
      for (std::size_t k = 0; k < names.size(); ++k) vars_[names[k]] = match[k + 1].str();
    }
  }

  static std::string join(const std::vector<std::string>& lines) {
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) text += (i ? "\n" : "") + lines[i];
    return text;
  }

  void request(const std::vector<std::string>& lines, const block& expected) {
    std::vector<std::string> substituted;
    for (const auto& l : lines) substituted.push_back(substitute(l));
    const std::string text = join(substituted);
    auto parsed = m::parse_message(text);
    std::optional<m::response> r;
    if (!parsed) {
      r = agent_->handle_malformed(from_, parsed.error());
    } else if (auto* cmd = std::get_if<m::command>(&*parsed)) {
      r = agent_->handle(from_, *cmd);
    } else {
      ADD_FAILURE() << where_ << ": request is a response";
      return;
    }
    if (expected.lines.size() == 1 && expected.lines.front() == "(no response)") {
      EXPECT_FALSE(r.has_value()) << where_ << ": expected no response";
      return;
    }
    if (!r) {
      ADD_FAILURE() << where_ << ": no response";
      return;
    }
    compare(expected.lines, m::serialize(*r, {false}));
  }

  void outgoing(std::vector<std::string> lines) {
    if (notifier_.sent_commands.empty()) {
      ADD_FAILURE() << where_ << ": expected a command from the gateway, none was sent";
      return;
    }
    auto [to, cmd] = notifier_.sent_commands.front();
    notifier_.sent_commands.pop_front();
    if (!lines.empty() && lines.front().rfind("to ", 0) == 0) {
      EXPECT_EQ(fmt::format("to {}:{}", to.address, to.port), lines.front()) << where_;
      lines.erase(lines.begin());
    }
    compare(lines, m::serialize(cmd, {false}));
    last_outgoing_ = cmd.id;
  }

  void reply(const std::vector<std::string>& lines) {
    std::vector<std::string> substituted;
    for (const auto& l : lines) substituted.push_back(substitute(l));
    auto parsed = m::parse_message(join(substituted));
    ASSERT_TRUE(parsed.has_value()) << where_ << ": reply does not parse";
    const auto* r = std::get_if<m::response>(&*parsed);
    ASSERT_NE(r, nullptr) << where_;
    agent_->on_response(config_.call_agent, *r);
  }

  static endpoint_address address(const std::string& local) {
    auto a = parse_local_name(local);
    EXPECT_TRUE(a.has_value()) << local;
    return a.value_or(endpoint_address{});
  }

  void directive(const std::string& raw) {
    const std::string line = substitute(raw);
    std::istringstream in(line);
    std::string verb;
    in >> verb;
    if (verb == "start") {
      agent_->start();
    } else if (verb == "advance") {
      unsigned long ms = 0;
      in >> ms;
      clock_.advance(std::chrono::milliseconds(ms));
    } else if (verb == "event" || verb == "digits") {
      std::string ep, what;
      in >> ep >> what;
      const auto a = address(ep);
      if (verb == "digits") {
        for (char c : what) {
          m::observed_event ev;
          ev.name.package = "D";
          ev.name.event = std::string(1, c);
          agent_->on_media_event(a, ev);
        }
      } else {
        auto ev = m::parse_parameterized_events(what);
        ASSERT_TRUE(ev.has_value() && ev->size() == 1) << where_ << ": bad event " << what;
        agent_->on_media_event(a, ev->front());
      }
    } else if (verb == "media-fail-next") {
      media_.fail_next_create = true;
    } else if (verb == "expect-connections") {
      std::size_t n = 0;
      in >> n;
      EXPECT_EQ(agent_->connection_count(), n) << where_;
    } else if (verb == "expect-media-call") {
      std::string wanted;
      std::getline(in >> std::ws, wanted);
      wanted = substitute(wanted);  // {c}: a connection id bound by an earlier answer
      bool found = false;
      for (const auto& c : media_.calls) found = found || c == wanted;
      EXPECT_TRUE(found) << where_ << ": media plane was never asked '" << wanted << "'";
    } else if (verb == "counter") {
      std::string counter;
      std::uint64_t value = 0;
      in >> counter >> value;
      EXPECT_EQ(counters_.value(counter), value) << where_ << ": counter " << counter;
    } else if (verb == "peer") {
      std::string p;
      in >> p;
      const auto colon = p.rfind(':');
      from_ = m::peer{p.substr(0, colon), static_cast<std::uint16_t>(std::stoul(p.substr(colon + 1)))};
    } else if (verb == "span") {
      unsigned span = 0;
      std::string state;
      in >> span >> state;
      agent_->set_span_in_service(span, state == "up");
    } else if (verb == "gateway-dlcx") {
      std::string ep, conn;
      unsigned code = 0;
      in >> ep >> conn >> code;
      std::string text;
      std::getline(in >> std::ws, text);
      EXPECT_TRUE(agent_->delete_connection(address(ep), m::connection_id{conn},
                                            m::reason_code{static_cast<std::uint16_t>(code), text}))
          << where_;
    } else if (verb == "disconnected") {
      agent_->on_disconnected_procedure_due(config_.call_agent);
    } else if (verb == "fail-last-outgoing") {
      agent_->on_transaction_failed(config_.call_agent, last_outgoing_);
    } else if (verb == "expect-state") {
      std::string s;
      in >> s;
      static const std::map<std::string, agent_state> states{{"starting", agent_state::starting},
                                                             {"restarting", agent_state::restarting},
                                                             {"in_service", agent_state::in_service},
                                                             {"disconnected", agent_state::disconnected}};
      ASSERT_TRUE(states.contains(s)) << where_;
      EXPECT_EQ(agent_->state(), states.at(s)) << where_;
    } else {
      ADD_FAILURE() << where_ << ": unknown directive " << verb;
    }
  }

  std::string name_;
  std::string where_;
  agent_config config_;
  codecs::registry registry_;
  manual_clock clock_;
  fake_media_control media_;
  recording_notifier notifier_;
  counter_set counters_{"mgcp_agent"};
  std::unique_ptr<agent> agent_;
  std::uint32_t random_value_ = 0x1000;
  m::peer from_{"127.0.0.1", 2727};
  std::map<std::string, std::string> vars_;
  m::transaction_id last_outgoing_{};
};

class golden : public ::testing::TestWithParam<std::string> {};

TEST_P(golden, replays_as_recorded) {
  const auto blocks = read_blocks(data_dir() / (GetParam() + ".txt"));
  ASSERT_FALSE(blocks.empty());
  harness h(GetParam());
  h.run(blocks);
}

INSTANTIATE_TEST_SUITE_P(mgcp_agent, golden, ::testing::ValuesIn(golden_files()),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
}  // namespace tandem::gateway::mgcp::test
