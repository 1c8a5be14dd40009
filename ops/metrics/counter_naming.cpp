#include "ops/metrics/counter_naming.hpp"

#include <cctype>

namespace tandem::ops::metrics {
namespace {

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

struct capture {
  std::string name;
  std::string value;
};

/// One pattern segment against one name segment; appends the capture if there is one.
bool match_segment(std::string_view pat, std::string_view text, std::vector<capture>& caps) {
  const auto open = pat.find('{');
  if (open == std::string_view::npos) return pat == text;
  const auto close = pat.find('}', open);
  if (close == std::string_view::npos) return false;
  const auto prefix = pat.substr(0, open);
  const auto suffix = pat.substr(close + 1);
  if (text.size() < prefix.size() + suffix.size() + 1) return false;  // captures are non-empty
  if (text.substr(0, prefix.size()) != prefix) return false;
  if (text.substr(text.size() - suffix.size()) != suffix) return false;
  caps.push_back({std::string(pat.substr(open + 1, close - open - 1)),
                  std::string(text.substr(prefix.size(), text.size() - prefix.size() - suffix.size()))});
  return true;
}

std::string with_namespace(std::string_view ns, std::string family) {
  if (ns.empty()) return family;
  return std::string(ns) + "_" + family;
}

}  // namespace

std::string sanitize_metric_name(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 1);
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) out.push_back('_');
  for (char c : text) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_');
  return out;
}

bool is_valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool ok = std::isalpha(c) || c == '_' || c == ':' || (i > 0 && std::isdigit(c));
    if (!ok) return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool ok = std::isalpha(c) || c == '_' || (i > 0 && std::isdigit(c));
    if (!ok) return false;
  }
  return true;
}

std::optional<mapped_name> apply_rule(std::string_view full_name, const name_rule& rule) {
  const auto pat = split_dots(rule.pattern);
  const auto text = split_dots(full_name);
  std::vector<capture> caps;
  std::size_t i = 0;
  for (; i < pat.size(); ++i) {
    const bool rest = i + 1 == pat.size() && pat[i].size() > 3 && pat[i].front() == '{' &&
                      pat[i].ends_with("*}");
    if (rest) {
      if (i >= text.size()) return std::nullopt;
      std::string joined;
      for (std::size_t j = i; j < text.size(); ++j) {
        if (j > i) joined.push_back('.');
        joined.append(text[j]);
      }
      caps.push_back({std::string(pat[i].substr(1, pat[i].size() - 3)), std::move(joined)});
      i = text.size();
      break;
    }
    if (i >= text.size() || !match_segment(pat[i], text[i], caps)) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;

  mapped_name out;
  out.origin = rule.pattern;
  if (rule.family.empty()) {
    out.family = sanitize_metric_name(full_name);
    out.origin = std::string(full_name);
    return out;
  }
  // Substitute the captures the template names; the others become labels.
  std::string family;
  std::vector<bool> used(caps.size(), false);
  for (std::size_t p = 0; p < rule.family.size();) {
    if (rule.family[p] == '{') {
      const auto close = rule.family.find('}', p);
      const auto name = std::string_view(rule.family).substr(p + 1, close - p - 1);
      for (std::size_t c = 0; c < caps.size(); ++c) {
        if (caps[c].name == name) {
          family += sanitize_metric_name(caps[c].value);
          used[c] = true;
        }
      }
      p = close == std::string::npos ? rule.family.size() : close + 1;
    } else {
      family.push_back(rule.family[p++]);
    }
  }
  out.family = std::move(family);
  for (std::size_t c = 0; c < caps.size(); ++c)
    if (!used[c]) out.labels.emplace_back(caps[c].name, caps[c].value);
  return out;
}

mapped_name map_counter_name(std::string_view full_name, const std::vector<name_rule>& rules,
                             std::string_view ns) {
  for (const auto& rule : rules) {
    if (auto m = apply_rule(full_name, rule)) {
      m->family = with_namespace(ns, std::move(m->family));
      return std::move(*m);
    }
  }
  return {with_namespace(ns, sanitize_metric_name(full_name)), {}, std::string(full_name)};
}

std::vector<name_rule> standard_rules() {
  return {
      // tdm spans (tdm/sim, tdm/dahdi): "tdm.span<N>.<what>".
      {"tdm.span{span}.rx.rejected.{reason}", "tdm_span_rx_rejected"},
      {"tdm.span{span}.{what*}", "tdm_span_{what}"},
      // The gateway's MGCP agent (docs/counters.md): per-verb commands and failure reasons.
      {"mgcp_agent.rx.refused_peer", ""},
      {"mgcp_agent.rx.malformed", ""},
      {"mgcp_agent.rx.unexpected_response", ""},
      {"mgcp_agent.rx.{verb}", "mgcp_agent_rx"},
      {"mgcp_agent.tx.{verb}", "mgcp_agent_tx"},
      {"mgcp_agent.fail.{reason}", "mgcp_agent_failures"},
      {"mgcp_agent.{verb}.ok", "mgcp_agent_ok"},
      {"mgcp_agent.{verb}.fail.{reason}", "mgcp_agent_verb_failures"},
  };
}

}  // namespace tandem::ops::metrics
