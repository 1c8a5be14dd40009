#include "ops/ctl/render.hpp"

#include <algorithm>
#include <vector>

namespace tandem::ops::ctl {
namespace {

using json = nlohmann::ordered_json;

std::string cell(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool is_table(const json& v) {
  return v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_object(); });
}

void render_table(const json& rows, const std::string& indent, std::string& out) {
  std::vector<std::string> columns;
  for (const auto& row : rows)
    for (const auto& [key, value] : row.items())
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
  std::vector<std::size_t> width(columns.size());
  std::vector<std::vector<std::string>> cells;
  for (std::size_t c = 0; c < columns.size(); ++c) width[c] = columns[c].size();
  for (const auto& row : rows) {
    auto& line = cells.emplace_back();
    for (std::size_t c = 0; c < columns.size(); ++c) {
      line.push_back(row.contains(columns[c]) ? cell(row[columns[c]]) : "-");
      width[c] = std::max(width[c], line.back().size());
    }
  }
  auto emit = [&](const std::vector<std::string>& line) {
    std::string text = indent;
    for (std::size_t c = 0; c < line.size(); ++c) {
      text += line[c];
      if (c + 1 < line.size()) text += std::string(width[c] - line[c].size() + 2, ' ');
    }
    out += text + "\n";
  };
  std::vector<std::string> header;
  for (const auto& c : columns) {
    std::string h = c;
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    header.push_back(h);
  }
  emit(header);
  for (const auto& line : cells) emit(line);
}

void render_value(const json& v, const std::string& indent, std::string& out);

void render_object(const json& obj, const std::string& indent, std::string& out) {
  std::size_t key_width = 0;
  for (const auto& [key, value] : obj.items())
    if (!value.is_object() && !is_table(value)) key_width = std::max(key_width, key.size());
  for (const auto& [key, value] : obj.items()) {
    if (value.is_object() || is_table(value)) {
      out += indent + key + ":\n";
      render_value(value, indent + "  ", out);
    } else if (value.is_array()) {
      std::string joined;
      for (const auto& e : value) joined += (joined.empty() ? "" : ", ") + cell(e);
      out += indent + key + ":" + std::string(key_width - key.size() + 1, ' ') + (value.empty() ? "(none)" : joined) + "\n";
    } else {
      out += indent + key + ":" + std::string(key_width - key.size() + 1, ' ') + cell(value) + "\n";
    }
  }
}

void render_value(const json& v, const std::string& indent, std::string& out) {
  if (v.is_null()) return;
  if (is_table(v)) return render_table(v, indent, out);
  if (v.is_array()) {
    if (v.empty()) out += indent + "(none)\n";
    for (const auto& e : v) {
      if (e.is_array() || e.is_object()) render_value(e, indent, out);
      else out += indent + cell(e) + "\n";
    }
    return;
  }
  if (v.is_object()) {
    if (v.empty()) out += indent + "(none)\n";
    return render_object(v, indent, out);
  }
  out += indent + cell(v) + "\n";
}

}  // namespace

std::string render_text(const nlohmann::ordered_json& result) {
  std::string out;
  render_value(result, "", out);
  return out;
}

}  // namespace tandem::ops::ctl
