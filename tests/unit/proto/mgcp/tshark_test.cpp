/// Interop: tshark (Wireshark's MGCP and SDP dissectors) must decode our serialisation of every
/// corpus message as MGCP, with no malformed-packet or warning/error expert flags.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"
#include "tests/unit/proto/mgcp/message_generator.hpp"
#include "tests/unit/proto/mgcp/test_files.hpp"

namespace tandem::mgcp {
namespace {

/// A classic libpcap file (linktype 1, Ethernet) of UDP/IPv4 datagrams between 10.0.0.1:2727
/// (call agent) and 10.0.0.2:2427 (gateway). Nothing is sent: the ports only guide tshark.
class pcap_writer {
 public:
  explicit pcap_writer(const std::filesystem::path& p) : out_(p, std::ios::binary) {
    put32(0xa1b2c3d4);
    put16(2);
    put16(4);
    put32(0);
    put32(0);
    put32(65535);
    put32(1);
  }

  void datagram(std::string_view payload, bool to_gateway) {
    std::string pkt;
    const auto u8 = [&](unsigned v) { pkt.push_back(static_cast<char>(v & 0xff)); };
    const auto u16 = [&](unsigned v) { u8(v >> 8); u8(v); };
    // Ethernet
    for (int i = 0; i < 6; ++i) u8(to_gateway ? 0x02 : 0x04);
    for (int i = 0; i < 6; ++i) u8(to_gateway ? 0x04 : 0x02);
    u16(0x0800);
    // IPv4
    const std::size_t ip_at = pkt.size();
    const unsigned total = static_cast<unsigned>(20 + 8 + payload.size());
    u8(0x45); u8(0); u16(total); u16(++ident_); u16(0x4000); u8(64); u8(17); u16(0);
    const unsigned src = to_gateway ? 0x0a000001 : 0x0a000002, dst = to_gateway ? 0x0a000002 : 0x0a000001;
    u16(src >> 16); u16(src & 0xffff); u16(dst >> 16); u16(dst & 0xffff);
    unsigned sum = 0;
    for (std::size_t i = ip_at; i < ip_at + 20; i += 2)
      sum += (static_cast<unsigned char>(pkt[i]) << 8) | static_cast<unsigned char>(pkt[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    pkt[ip_at + 10] = static_cast<char>((~sum >> 8) & 0xff);
    pkt[ip_at + 11] = static_cast<char>(~sum & 0xff);
    // UDP (checksum 0: not computed, allowed over IPv4)
    u16(to_gateway ? 2727 : 2427); u16(to_gateway ? 2427 : 2727); u16(static_cast<unsigned>(8 + payload.size())); u16(0);
    pkt.append(payload);
    put32(1764000000u + frames_);
    put32(0);
    put32(static_cast<std::uint32_t>(pkt.size()));
    put32(static_cast<std::uint32_t>(pkt.size()));
    out_.write(pkt.data(), static_cast<std::streamsize>(pkt.size()));
    ++frames_;
  }

  void close() { out_.close(); }

 private:
  void put32(std::uint32_t v) { out_.write(reinterpret_cast<const char*>(&v), 4); }
  void put16(std::uint16_t v) { out_.write(reinterpret_cast<const char*>(&v), 2); }
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
  std::string transaction_ids;  ///< as tshark read them, comma-separated for piggybacked messages
  std::string verbs;
  std::string response_codes;
};

/// What tshark should read back: "1204", "CRCX", "200", comma-joined over piggybacked messages.
frame_result expected_fields(const std::vector<message>& msgs) {
  frame_result e;
  const auto add = [](std::string& list, const std::string& v) { list += (list.empty() ? "" : ",") + v; };
  for (const auto& m : msgs) {
    if (const auto* c = std::get_if<command>(&m)) {
      add(e.transaction_ids, std::to_string(c->id.value()));
      add(e.verbs, std::string(verb_text(c->verb)));
    } else {
      const auto& r = std::get<response>(m);
      add(e.transaction_ids, std::to_string(r.id.value()));
      add(e.response_codes, std::to_string(to_int(r.code)));
    }
  }
  return e;
}

/// Runs tshark over the file and returns, per frame number, its protocol stack and the expert
/// severities it raised.
std::map<int, frame_result> dissect(const std::filesystem::path& pcap) {
  std::map<int, frame_result> out;
  const std::string text = run("tshark -n -r '" + pcap.string() +
                               "' -d udp.port==2427,mgcp -d udp.port==2727,mgcp -T fields -E separator='|' "
                               "-e frame.number -e frame.protocols -e _ws.expert.severity -e mgcp.transid "
                               "-e mgcp.req.verb -e mgcp.rsp.rspcode 2>/dev/null");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string num;
    frame_result f;
    std::getline(ls, num, '|');
    std::getline(ls, f.protocols, '|');
    std::getline(ls, f.severities, '|');
    std::getline(ls, f.transaction_ids, '|');
    std::getline(ls, f.verbs, '|');
    std::getline(ls, f.response_codes, '|');
    if (num.empty()) continue;
    out[std::stoi(num)] = f;
  }
  return out;
}

/// Wireshark's severity values: PI_WARN 0x00600000, PI_ERROR 0x00800000.
bool has_warning_or_error(const std::string& severities) {
  std::istringstream in(severities);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    if (std::stoul(item) >= 0x00600000ul) return true;
  }
  return false;
}

void check_with_tshark(const std::vector<std::string>& datagrams, const std::vector<bool>& to_gateway,
                       const std::vector<bool>& has_sdp, const std::vector<std::string>& labels,
                       const std::vector<frame_result>& expected) {
  const auto pcap = std::filesystem::temp_directory_path() / ("tandem_mgcp_" + std::to_string(::getpid()) + ".pcap");
  {
    pcap_writer w(pcap);
    for (std::size_t i = 0; i < datagrams.size(); ++i) w.datagram(datagrams[i], to_gateway[i]);
    w.close();
  }
  const auto frames = dissect(pcap);
  std::filesystem::remove(pcap);
  ASSERT_EQ(frames.size(), datagrams.size()) << "tshark did not report every frame";
  for (std::size_t i = 0; i < datagrams.size(); ++i) {
    SCOPED_TRACE(labels[i] + ":\n" + datagrams[i]);
    const auto& f = frames.at(static_cast<int>(i + 1));
    EXPECT_NE(f.protocols.find(":mgcp"), std::string::npos) << f.protocols;
    EXPECT_EQ(f.protocols.find("malformed"), std::string::npos) << f.protocols;
    if (has_sdp[i]) {
      EXPECT_NE(f.protocols.find(":sdp"), std::string::npos) << f.protocols;
    }
    EXPECT_FALSE(has_warning_or_error(f.severities)) << "expert severities " << f.severities;
    EXPECT_EQ(f.transaction_ids, expected[i].transaction_ids);
    EXPECT_EQ(f.verbs, expected[i].verbs);
    EXPECT_EQ(f.response_codes, expected[i].response_codes);
  }
}

TEST(mgcp_tshark, when_tshark_decodes_our_serialisation_of_the_corpus_then_it_is_mgcp_without_warnings) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh installs it)";
  std::vector<std::string> datagrams, labels;
  std::vector<bool> to_gw, sdp;
  std::vector<frame_result> expected;
  for (const auto& f : test::corpus("valid")) {
    auto parsed = parse_datagram(test::read_file(f));
    std::vector<message> msgs;
    for (auto& m : parsed) {
      ASSERT_TRUE(m) << f;
      msgs.push_back(*m);
    }
    datagrams.push_back(serialize_datagram(msgs));
    labels.push_back(f.filename().string());
    to_gw.push_back(std::holds_alternative<command>(msgs.front()));
    bool any_sdp = false;
    for (const auto& m : msgs) std::visit([&](const auto& x) { any_sdp |= !x.sessions.empty(); }, m);
    sdp.push_back(any_sdp);
    expected.push_back(expected_fields(msgs));
  }
  check_with_tshark(datagrams, to_gw, sdp, labels, expected);
}

TEST(mgcp_tshark, when_tshark_decodes_generated_messages_then_it_is_mgcp_without_warnings) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh installs it)";
  test::message_generator gen(42);
  std::vector<std::string> datagrams, labels;
  std::vector<bool> to_gw, sdp;
  std::vector<frame_result> expected;
  for (int i = 0; i < 300; ++i) {
    const message m = gen.next();
    datagrams.push_back(serialize(m));
    labels.push_back("generated " + std::to_string(i));
    to_gw.push_back(std::holds_alternative<command>(m));
    sdp.push_back(std::visit([](const auto& x) { return !x.sessions.empty(); }, m));
    expected.push_back(expected_fields({m}));
  }
  check_with_tshark(datagrams, to_gw, sdp, labels, expected);
}

/// The check above must be able to fail: a frame that is not MGCP, and one whose transaction id
/// differs from what we meant, are seen as such.
TEST(mgcp_tshark, when_a_frame_is_not_mgcp_then_the_dissection_shows_it) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh installs it)";
  const auto pcap = std::filesystem::temp_directory_path() / ("tandem_mgcp_neg_" + std::to_string(::getpid()) + ".pcap");
  {
    pcap_writer w(pcap);
    static constexpr char garbage[] = "\x00\x01\x02 not mgcp \xff";
    w.datagram(std::string_view(garbage, sizeof garbage - 1), true);
    w.datagram("AUEP 77 aaln/1@gw MGCP 1.0\r\n", true);
    w.close();
  }
  const auto frames = dissect(pcap);
  std::filesystem::remove(pcap);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames.at(1).protocols.find(":mgcp"), std::string::npos) << frames.at(1).protocols;
  EXPECT_NE(frames.at(2).protocols.find(":mgcp"), std::string::npos);
  EXPECT_EQ(frames.at(2).transaction_ids, "77");
  EXPECT_EQ(frames.at(2).verbs, "AUEP");
}

}  // namespace
}  // namespace tandem::mgcp
