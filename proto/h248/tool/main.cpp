/// tandem-h248: decode H.248.1 text messages from files or stdin, print a structured view,
/// report malformed messages with their byte position and the H.248.8 error a receiver would
/// answer with, and re-serialise (--normalise, pretty or --compact). See
/// docs/h248-conformance.md.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "proto/h248/parser.hpp"
#include "proto/h248/serializer.hpp"
#include "proto/h248/tool/describe.hpp"

namespace {

constexpr std::string_view usage =
    "usage: tandem-h248 [--normalise] [--compact] [--quiet] [--lazy-sdp] [--lenient-sc] [FILE...]\n"
    "  Decodes the H.248.1 text message (one per file: one UDP datagram, Annex D.1) in each\n"
    "  FILE (or stdin, or \"-\").\n"
    "  --normalise   print each message re-serialised (pretty form) instead of the structured view\n"
    "  --compact     with --normalise, use the compact form (short tokens, no white space)\n"
    "  --quiet       print nothing for good messages (errors only)\n"
    "  --lazy-sdp    do not check Local/Remote descriptors with the SDP parser\n"
    "  --lenient-sc  accept a ServiceChange request without Method or Reason\n"
    "  Exit status: 0 all messages parsed, 1 some message malformed, 2 usage or I/O error.\n";

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

}  // namespace

int main(int argc, char** argv) {
  using namespace tandem::h248;
  bool normalise = false, compact = false, quiet = false;
  parse_options po;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--normalise" || a == "--normalize") normalise = true;
    else if (a == "--compact") compact = true;
    else if (a == "--quiet") quiet = true;
    else if (a == "--lazy-sdp") po.validate_sdp = false;
    else if (a == "--lenient-sc") po.require_service_change_reason = false;
    else if (a == "-h" || a == "--help") { fmt::print("{}", usage); return 0; }
    else if (a.size() > 1 && a[0] == '-' && a != "-") { fmt::print(stderr, "{}", usage); return 2; }
    else files.push_back(a);
  }
  if (files.empty()) files.push_back("-");
  bool all_ok = true;
  for (const auto& name : files) {
    std::string data;
    if (!read_all(name, data)) {
      fmt::print(stderr, "{}: cannot read\n", name);
      return 2;
    }
    auto m = parse_message(data, po);
    if (!m) {
      all_ok = false;
      const auto& e = m.error();
      std::string answer;
      if (e.answerable())
        answer = fmt::format("answer: Reply = {} {{ Error = {} }}", e.transaction->value(), to_int(e.code));
      else if (e.transaction)
        answer = "no answer (a reply, pending or acknowledgement is not answered)";
      else if (e.sender)
        answer = fmt::format("answer: message-level Error = {}", to_int(e.code));
      else
        answer = "no answer (no H.248 header could be read)";
      fmt::print(stderr, "{}: error at byte {}: {} {} ({}); {}\n", name, e.position, to_int(e.code),
                 description(e.code), e.reason, answer);
      continue;
    }
    if (normalise) {
      serialize_options so;
      so.compact = compact;
      fmt::print("{}", serialize(*m, so));
    } else if (!quiet) {
      fmt::print("{}:\n{}", name, tool::describe(*m));
    }
  }
  return all_ok ? 0 : 1;
}
