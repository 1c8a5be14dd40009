#include "proto/h248/sdp_text.hpp"

#include <algorithm>
#include <string>

#include "proto/sdp/session.hpp"

namespace tandem::h248 {
namespace {

bool starts_line(std::string_view text, std::size_t i) { return i == 0 || text[i - 1] == '\n'; }

/// Replaces CHOOSE `$` words by values the SDP parser accepts: "0" in m= lines, "0.0.0.0"
/// in c= and o= lines (H.248.1 §7.1.8: the MG fills them in). H.248 SDP may also leave out
/// lines a full description needs (H.248.1 §7.1.8: "a subset"); the parser insists on o=
/// only, so a placeholder o= goes in when there is none.
std::string without_choose(std::string_view session) {
  std::string out;
  const bool has_origin = session.find("\no=") != std::string_view::npos;
  std::size_t start = 0;
  while (start < session.size()) {
    std::size_t end = session.find('\n', start);
    if (end == std::string_view::npos) end = session.size();
    std::string line(session.substr(start, end - start));
    const bool media = line.rfind("m=", 0) == 0;
    const bool address = line.rfind("c=", 0) == 0 || line.rfind("o=", 0) == 0;
    if (media || address) {
      for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] != '$') continue;
        const bool word_start = i > 0 && line[i - 1] == ' ';
        const bool word_end = i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\r';
        if (!word_start || !word_end) continue;
        const std::string value = media ? "0" : "0.0.0.0";
        line.replace(i, 1, value);
        i += value.size() - 1;
      }
    }
    out += line;
    out += '\n';
    if (start == 0 && !has_origin) out += "o=- 0 0 IN IP4 0.0.0.0\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

std::vector<std::string_view> split_sessions(std::string_view text) {
  std::vector<std::size_t> starts;
  for (std::size_t i = text.find("v="); i != std::string_view::npos; i = text.find("v=", i + 1))
    if (starts_line(text, i)) starts.push_back(i);
  std::vector<std::string_view> out;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    const std::size_t end = k + 1 < starts.size() ? starts[k + 1] : text.size();
    out.push_back(text.substr(starts[k], end - starts[k]));
  }
  return out;
}

expected<void, std::size_t> check_sdp(std::string_view text) {
  if (text.empty()) return {};  // `Remote{}`: no description (H.248.1 §7.1.8)
  if (text.rfind("v=", 0) != 0) return make_unexpected(std::size_t{0});
  for (std::string_view s : split_sessions(text)) {
    const std::size_t at = static_cast<std::size_t>(s.data() - text.data());
    auto ok = sdp::validate(without_choose(s));
    if (!ok) return make_unexpected(at + std::min(ok.error().position, s.size()));
  }
  return {};
}

}  // namespace tandem::h248
