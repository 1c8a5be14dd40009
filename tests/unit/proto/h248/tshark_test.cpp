/// Interop: tshark (Wireshark's MEGACO text dissector, with SDP) must decode our serialisation
/// of every corpus message, in both forms, and of generated messages, as MEGACO with no
/// malformed-packet or warning/error expert flags, and read back the transaction ids.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include "proto/h248/parser.hpp"
#include "proto/h248/serializer.hpp"
#include "tests/unit/proto/h248/message_generator.hpp"
#include "tests/unit/proto/h248/test_files.hpp"

namespace tandem::h248 {
namespace {

/// A classic libpcap file (Ethernet) of UDP/IPv4 datagrams between 10.0.0.1 (MGC) and
/// 10.0.0.2 (MG), both on port 2944, the H.248 text port (H.248.1 Annex D.1).
class pcap_file {
 public:
  explicit pcap_file(const std::filesystem::path& p) : out_(p, std::ios::binary) {
    for (std::uint32_t v : {0xa1b2c3d4u, 0x00040002u, 0u, 0u, 65535u, 1u}) put32(v);
  }

  void datagram(std::string_view payload, bool to_mg) {
    std::string pkt;
    const auto u8 = [&](unsigned v) { pkt.push_back(static_cast<char>(v & 0xff)); };
    const auto u16 = [&](unsigned v) { u8(v >> 8); u8(v); };
    for (int i = 0; i < 6; ++i) u8(to_mg ? 0x02 : 0x04);
    for (int i = 0; i < 6; ++i) u8(to_mg ? 0x04 : 0x02);
    u16(0x0800);
    const std::size_t ip = pkt.size();
    u8(0x45); u8(0); u16(static_cast<unsigned>(28 + payload.size())); u16(++ident_); u16(0x4000); u8(64); u8(17); u16(0);
    const unsigned src = to_mg ? 0x0a000001 : 0x0a000002, dst = to_mg ? 0x0a000002 : 0x0a000001;
    u16(src >> 16); u16(src & 0xffff); u16(dst >> 16); u16(dst & 0xffff);
    unsigned sum = 0;
    for (std::size_t i = ip; i < ip + 20; i += 2)
      sum += (static_cast<unsigned char>(pkt[i]) << 8) | static_cast<unsigned char>(pkt[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    pkt[ip + 10] = static_cast<char>((~sum >> 8) & 0xff);
    pkt[ip + 11] = static_cast<char>(~sum & 0xff);
    u16(2944); u16(2944); u16(static_cast<unsigned>(8 + payload.size())); u16(0);
    pkt.append(payload);
    put32(1764000000u + frames_++);
    put32(0);
    put32(static_cast<std::uint32_t>(pkt.size()));
    put32(static_cast<std::uint32_t>(pkt.size()));
    out_.write(pkt.data(), static_cast<std::streamsize>(pkt.size()));
  }

  void close() { out_.close(); }

 private:
  void put32(std::uint32_t v) { out_.write(reinterpret_cast<const char*>(&v), 4); }
  std::ofstream out_;
  unsigned ident_ = 0;
  std::uint32_t frames_ = 0;
};

bool have_tshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

struct frame_result {
  std::string protocols;
  std::string severities;
  std::set<std::string> transaction_ids;
};

std::map<int, frame_result> dissect(const std::filesystem::path& pcap) {
  std::map<int, frame_result> out;
  const std::string text = run("tshark -n -r '" + pcap.string() +
                               "' -d udp.port==2944,megaco -T fields -E separator='|' -e frame.number "
                               "-e frame.protocols -e _ws.expert.severity -e megaco.transid 2>/dev/null");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string num, ids;
    frame_result f;
    std::getline(ls, num, '|');
    std::getline(ls, f.protocols, '|');
    std::getline(ls, f.severities, '|');
    std::getline(ls, ids, '|');
    std::istringstream is(ids);
    for (std::string id; std::getline(is, id, ',');)
      if (!id.empty()) f.transaction_ids.insert(id);
    if (!num.empty()) out[std::stoi(num)] = f;
  }
  return out;
}

/// Wireshark's severity values: PI_WARN 0x00600000, PI_ERROR 0x00800000.
bool has_warning_or_error(const std::string& severities) {
  std::istringstream in(severities);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty() && std::stoul(item) >= 0x00600000ul) return true;
  return false;
}

/// The ids tshark should show: those of requests, replies and pendings.
std::set<std::string> ids_of(const message& m) {
  std::set<std::string> out;
  for (const auto& t : m.transactions) {
    if (const auto* r = std::get_if<transaction_request>(&t)) out.insert(std::to_string(r->id.value()));
    if (const auto* p = std::get_if<transaction_reply>(&t)) out.insert(std::to_string(p->id.value()));
    if (const auto* n = std::get_if<transaction_pending>(&t)) out.insert(std::to_string(n->id.value()));
  }
  return out;
}

void check(const std::vector<message>& messages, const std::vector<std::string>& labels, bool check_ids) {
  const auto pcap = std::filesystem::temp_directory_path() / ("tandem_h248_" + std::to_string(::getpid()) + ".pcap");
  std::vector<std::string> texts;
  {
    pcap_file w(pcap);
    for (const auto& m : messages)
      for (bool compact : {false, true}) {
        texts.push_back(serialize(m, serialize_options{compact}));
        w.datagram(texts.back(), !m.transactions.empty() && std::holds_alternative<transaction_request>(m.transactions[0]));
      }
    w.close();
  }
  const auto frames = dissect(pcap);
  if (std::getenv("TANDEM_KEEP_PCAP") == nullptr) std::filesystem::remove(pcap);
  ASSERT_EQ(frames.size(), texts.size()) << "tshark did not report every frame";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE(labels[i / 2] + (i % 2 ? " (compact)" : " (pretty)") + ":\n" + texts[i]);
    const auto& f = frames.at(static_cast<int>(i + 1));
    EXPECT_NE(f.protocols.find(":megaco"), std::string::npos) << f.protocols;
    EXPECT_EQ(f.protocols.find("malformed"), std::string::npos) << f.protocols;
    EXPECT_FALSE(has_warning_or_error(f.severities)) << "expert severities " << f.severities;
    if (check_ids) {
      for (const auto& id : ids_of(messages[i / 2])) EXPECT_TRUE(f.transaction_ids.count(id)) << "transaction " << id;
    }
  }
}

TEST(h248_tshark, when_tshark_decodes_our_serialisation_of_the_corpus_then_it_is_megaco_without_warnings) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh installs it)";
  std::vector<message> messages;
  std::vector<std::string> labels;
  for (const auto& f : test::corpus("valid")) {
    auto m = parse_message(test::read_file(f));
    ASSERT_TRUE(m.has_value()) << f;
    messages.push_back(*m);
    labels.push_back(f.filename().string());
  }
  check(messages, labels, true);
}

TEST(h248_tshark, when_tshark_decodes_generated_messages_then_it_is_megaco_without_warnings) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh installs it)";
  test::message_generator gen(2944, true);
  std::vector<message> messages;
  std::vector<std::string> labels;
  for (int i = 0; i < 200; ++i) {
    messages.push_back(gen.next());
    labels.push_back("generated " + std::to_string(i));
  }
  check(messages, labels, false);
}

}  // namespace
}  // namespace tandem::h248
