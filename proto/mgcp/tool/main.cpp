/// tandem-mgcp: decode MGCP messages from files or stdin, print a structured view, report
/// malformed messages with their byte position and the return code an agent would answer,
/// and re-serialise (--normalise). See docs/mgcp-conformance.md.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "proto/mgcp/parser.hpp"
#include "proto/mgcp/serializer.hpp"
#include "proto/mgcp/tool/describe.hpp"

namespace {

constexpr std::string_view usage =
    "usage: tandem-mgcp [--normalise] [--lf] [--quiet] [--lazy-sdp] [--no-rules] [FILE...]\n"
    "  Decodes the MGCP datagram in each FILE (or stdin, or \"-\"): one message or several\n"
    "  piggybacked with \".\" lines (RFC 3435 section 3.5.5).\n"
    "  --normalise  print each datagram re-serialised instead of the structured view\n"
    "  --lf         with --normalise, end lines with LF instead of CRLF\n"
    "  --quiet      print nothing for good messages (errors only)\n"
    "  --lazy-sdp   do not check session descriptions with the SDP parser\n"
    "  --no-rules   do not apply the per-command parameter rules (RFC 3435 section 2.3)\n"
    "  Exit status: 0 all messages parsed, 1 some message malformed, 2 usage or I/O error.\n";

struct options {
  bool normalise = false;
  bool lf = false;
  bool quiet = false;
  bool lazy_sdp = false;
  bool no_rules = false;
  std::vector<std::string> files;
};

bool read_all(const std::string& name, std::string& out) {
  if (name == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(name, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

/// Returns true when every message parsed.
bool process(const std::string& name, std::string_view data, const options& opt) {
  using namespace tandem::mgcp;
  parse_options po;
  po.validate_sdp = !opt.lazy_sdp;
  po.check_command_rules = !opt.no_rules;
  auto results = parse_datagram(data, po);
  bool all_ok = true;
  std::vector<message> good;
  int n = 0;
  for (auto& r : results) {
    ++n;
    if (!r) {
      all_ok = false;
      const auto& e = r.error();
      std::string answer = e.answerable() ? fmt::format("answer \"{:03} {}\"", to_int(e.code), e.id->value())
                                          : std::string("no answer possible (no command transaction id)");
      fmt::print(stderr, "{}: message {}: error at byte {}: {:03} {} ({}); {}{}\n", name, n, e.position,
                 to_int(e.code), description(e.code), e.reason, answer,
                 e.verb.empty() ? "" : fmt::format(", verb {}", e.verb));
      continue;
    }
    if (opt.normalise) {
      good.push_back(std::move(*r));
    } else if (!opt.quiet) {
      fmt::print("{}: message {}:\n{}", name, n, tool::describe(*r));
    }
  }
  if (opt.normalise && !good.empty()) {
    serialize_options so;
    so.crlf = !opt.lf;
    std::string out = good.size() == 1 ? serialize(good.front(), so) : serialize_datagram(good, so);
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return all_ok;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--normalise" || a == "--normalize") opt.normalise = true;
    else if (a == "--lf") opt.lf = true;
    else if (a == "--quiet") opt.quiet = true;
    else if (a == "--lazy-sdp") opt.lazy_sdp = true;
    else if (a == "--no-rules") opt.no_rules = true;
    else if (a == "-h" || a == "--help") {
      fmt::print("{}", usage);
      return 0;
    } else if (a.size() > 1 && a.front() == '-' && a != "-") {
      fmt::print(stderr, "tandem-mgcp: unknown option {}\n{}", a, usage);
      return 2;
    } else {
      opt.files.emplace_back(a);
    }
  }
  if (opt.files.empty()) opt.files.emplace_back("-");
  bool all_ok = true;
  for (const auto& f : opt.files) {
    std::string data;
    if (!read_all(f, data)) {
      fmt::print(stderr, "tandem-mgcp: cannot read {}\n", f);
      return 2;
    }
    all_ok = process(f == "-" ? std::string("stdin") : f, data, opt) && all_ok;
  }
  return all_ok ? 0 : 1;
}
