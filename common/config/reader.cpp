#include "common/config/reader.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <libconfig.h++>

namespace tandem::config {

namespace {

using libconfig::Setting;

std::string_view type_name(Setting::Type type) {
  switch (type) {
    case Setting::TypeInt:
    case Setting::TypeInt64: return "an integer";
    case Setting::TypeFloat: return "a number";
    case Setting::TypeString: return "a string";
    case Setting::TypeBoolean: return "a boolean";
    case Setting::TypeGroup: return "a group";
    case Setting::TypeArray: return "an array";
    case Setting::TypeList: return "a list";
    case Setting::TypeNone: break;
  }
  return "nothing";
}

bool is_integer(const Setting& s) {
  return s.getType() == Setting::TypeInt || s.getType() == Setting::TypeInt64;
}

std::int64_t integer_of(const Setting& s) {
  if (s.getType() == Setting::TypeInt64) return static_cast<long long>(s);
  return static_cast<int>(s);
}

/// `expected "a" or "b"`, `expected "a", "b" or "c"`.
std::string choice_list(const std::vector<std::string_view>& names) {
  std::string out = "expected ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += fmt::format("\"{}\"", names[i]);
  }
  return out;
}

}  // namespace

// ---- node ------------------------------------------------------------------------------

std::string node::path() const { return setting_->isRoot() ? std::string() : setting_->getPath(); }

int node::line() const { return static_cast<int>(setting_->getSourceLine()); }

std::string node::child_path(std::string_view name) const {
  auto base = path();
  return base.empty() ? std::string(name) : fmt::format("{}.{}", base, name);
}

const Setting* node::child(std::string_view name) const {
  std::string key(name);
  if (!setting_->isGroup() || !setting_->exists(key)) return nullptr;
  return &(*setting_)[key.c_str()];
}

bool node::has(std::string_view name) const { return child(name) != nullptr; }

void node::error(std::string_view name, std::string message) const {
  const Setting* c = child(name);
  if (c != nullptr) {
    errors_->push_back({c->getPath(), static_cast<int>(c->getSourceLine()), std::move(message)});
  } else {
    errors_->push_back({child_path(name), line(), std::move(message)});
  }
}

void node::error(std::string message) const {
  errors_->push_back({path(), line(), std::move(message)});
}

std::optional<node> node::group(std::string_view name) const {
  const Setting* c = child(name);
  if (c == nullptr) return std::nullopt;
  if (!c->isGroup()) {
    error(name, fmt::format("expected a group {{ ... }}, found {}", type_name(c->getType())));
    return std::nullopt;
  }
  return node(c, errors_);
}

std::vector<node> node::groups(std::string_view name) const {
  std::vector<node> out;
  const Setting* c = child(name);
  if (c == nullptr) return out;
  if (c->getType() != Setting::TypeList) {
    error(name, fmt::format("expected a list ( {{ ... }}, ... ), found {}", type_name(c->getType())));
    return out;
  }
  for (int i = 0; i < c->getLength(); ++i) {
    const Setting& e = (*c)[i];
    if (!e.isGroup()) {
      errors_->push_back({e.getPath(), static_cast<int>(e.getSourceLine()),
                          fmt::format("expected a group {{ ... }}, found {}", type_name(e.getType()))});
      continue;
    }
    out.push_back(node(&e, errors_));
  }
  return out;
}

std::vector<std::string> node::strings(std::string_view name) const {
  std::vector<std::string> out;
  const Setting* c = child(name);
  if (c == nullptr) return out;
  if (c->getType() != Setting::TypeList && c->getType() != Setting::TypeArray) {
    error(name, fmt::format("expected a list of strings, found {}", type_name(c->getType())));
    return out;
  }
  for (int i = 0; i < c->getLength(); ++i) {
    const Setting& e = (*c)[i];
    if (e.getType() != Setting::TypeString) {
      errors_->push_back({e.getPath(), static_cast<int>(e.getSourceLine()),
                          fmt::format("expected a string, found {}", type_name(e.getType()))});
      continue;
    }
    out.emplace_back(static_cast<const char*>(e));
  }
  return out;
}

std::string node::get_string(std::string_view name, std::string fallback) const {
  const Setting* c = child(name);
  if (c == nullptr) return fallback;
  if (c->getType() != Setting::TypeString) {
    error(name, fmt::format("expected a string, found {}", type_name(c->getType())));
    return fallback;
  }
  return static_cast<const char*>(*c);
}

std::optional<std::string> node::require_string(std::string_view name) const {
  const Setting* c = child(name);
  if (c == nullptr) {
    error(name, "missing (a string is required)");
    return std::nullopt;
  }
  if (c->getType() != Setting::TypeString) {
    error(name, fmt::format("expected a string, found {}", type_name(c->getType())));
    return std::nullopt;
  }
  return std::string(static_cast<const char*>(*c));
}

std::optional<std::int64_t> node::require_int(std::string_view name, std::int64_t min,
                                              std::int64_t max) const {
  const Setting* c = child(name);
  if (c == nullptr) {
    error(name, "missing (an integer is required)");
    return std::nullopt;
  }
  if (!is_integer(*c)) {
    error(name, fmt::format("expected an integer, found {}", type_name(c->getType())));
    return std::nullopt;
  }
  std::int64_t v = integer_of(*c);
  if (v < min || v > max) {
    error(name, fmt::format("{} is out of range [{}, {}]", v, min, max));
    return std::nullopt;
  }
  return v;
}

std::int64_t node::get_int(std::string_view name, std::int64_t fallback, std::int64_t min,
                           std::int64_t max) const {
  if (!has(name)) return fallback;
  return require_int(name, min, max).value_or(fallback);
}

double node::get_number(std::string_view name, double fallback, double min, double max) const {
  const Setting* c = child(name);
  if (c == nullptr) return fallback;
  double v = 0;
  if (is_integer(*c)) {
    v = static_cast<double>(integer_of(*c));
  } else if (c->getType() == Setting::TypeFloat) {
    v = static_cast<double>(*c);
  } else {
    error(name, fmt::format("expected a number, found {}", type_name(c->getType())));
    return fallback;
  }
  if (v < min || v > max) {
    error(name, fmt::format("{} is out of range [{}, {}]", v, min, max));
    return fallback;
  }
  return v;
}

bool node::get_bool(std::string_view name, bool fallback) const {
  const Setting* c = child(name);
  if (c == nullptr) return fallback;
  if (c->getType() != Setting::TypeBoolean) {
    error(name, fmt::format("expected true or false, found {}", type_name(c->getType())));
    return fallback;
  }
  return static_cast<bool>(*c);
}

std::chrono::milliseconds node::get_ms(std::string_view name, std::chrono::milliseconds fallback,
                                       std::chrono::milliseconds min,
                                       std::chrono::milliseconds max) const {
  return std::chrono::milliseconds(get_int(name, fallback.count(), min.count(), max.count()));
}

std::optional<std::size_t> node::enum_index(std::string_view name,
                                            const std::vector<std::string_view>& names) const {
  const Setting* c = child(name);
  if (c == nullptr) return std::nullopt;
  if (c->getType() == Setting::TypeString) {
    std::string_view v = static_cast<const char*>(*c);
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == v) return i;
  }
  error(name, choice_list(names));
  return std::nullopt;
}

void node::check_known(std::initializer_list<std::string_view> known) const {
  if (!setting_->isGroup()) return;
  for (int i = 0; i < setting_->getLength(); ++i) {
    const Setting& c = (*setting_)[i];
    std::string_view n = c.getName() != nullptr ? c.getName() : "";
    bool found = false;
    for (auto k : known) found = found || k == n;
    if (!found) {
      errors_->push_back({c.getPath(), static_cast<int>(c.getSourceLine()), "unknown setting"});
    }
  }
}

// ---- document ----------------------------------------------------------------------------

document::document()
    : config_(std::make_unique<libconfig::Config>()), errors_(std::make_unique<config_errors>()) {}
document::document(document&&) noexcept = default;
document& document::operator=(document&&) noexcept = default;
document::~document() = default;

node document::root() const { return node(&config_->getRoot(), errors_.get()); }

expected<document, config_errors> document::load_string(std::string_view text) {
  if (auto wide = find_truncated_integers(text); !wide.empty()) return make_unexpected(wide);
  document doc;
  try {
    doc.config_->readString(std::string(text));
  } catch (const libconfig::ParseException& e) {
    // libconfig says "syntax error" (and nothing more precise) with the line it stopped at.
    return make_unexpected(config_errors{{"", e.getLine(), e.getError()}});
  } catch (const libconfig::ConfigException& e) {
    return make_unexpected(config_errors{{"", 0, fmt::format("cannot parse: {}", e.what())}});
  }
  return doc;
}

expected<document, config_errors> document::load_file(const std::string& file) {
  std::ifstream in(file);
  if (!in) return make_unexpected(config_errors{{"", 0, fmt::format("cannot read {}", file)}});
  std::stringstream text;
  text << in.rdbuf();
  auto doc = load_string(text.str());
  if (!doc) {
    // Name the file in file-level errors so that a daemon's start-up message is complete.
    for (auto& e : doc.error())
      if (e.path.empty()) e.message = fmt::format("{}: {}", file, e.message);
  }
  return doc;
}

// ---- the 32-bit truncation guard ------------------------------------------------------------

config_errors find_truncated_integers(std::string_view text) {
  config_errors out;
  int line = 1;
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return k < text.size() ? text[k] : '\0'; };
  auto is_name = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '*';
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == '"') {  // string: skip, honouring escapes
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\') ++i;
        else if (text[i] == '\n') ++line;
        ++i;
      }
      ++i;
    } else if (c == '#' || (c == '/' && at(i + 1) == '/')) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '/' && at(i + 1) == '*') {
      i += 2;
      while (i < text.size() && !(text[i] == '*' && at(i + 1) == '/')) {
        if (text[i] == '\n') ++line;
        ++i;
      }
      i += 2;
    } else if (std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '*') {
      while (i < text.size() && is_name(text[i])) ++i;  // a setting name such as span1
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      std::size_t start = i;
      bool hex = c == '0' && (at(i + 1) == 'x' || at(i + 1) == 'X');
      if (hex) i += 2;
      while (std::isxdigit(static_cast<unsigned char>(at(i))) != 0) ++i;
      std::string_view digits = text.substr(start, i - start);
      char next = at(i);
      bool is_float = !hex && (next == '.' || next == 'e' || next == 'E');
      if (is_float) {
        while (is_name(at(i)) || at(i) == '.' || at(i) == '+') ++i;
        continue;
      }
      if (next == 'L') {
        ++i;
        continue;
      }
      bool wide = false;
      if (hex) {
        auto body = digits.substr(2);
        while (body.size() > 1 && body.front() == '0') body.remove_prefix(1);
        wide = body.size() > 8;
      } else {
        auto body = digits;
        while (body.size() > 1 && body.front() == '0') body.remove_prefix(1);
        wide = body.size() > 10 || (body.size() == 10 && body > "2147483647");
        // -2147483648 still fits; anything larger in magnitude does not.
        if (body.size() == 10 && body == "2147483648" && start > 0 && text[start - 1] == '-')
          wide = false;
      }
      if (wide) {
        out.push_back({"", line,
                       fmt::format("integer {} is wider than 32 bits: write it as {}L "
                                   "(libconfig would silently truncate it)",
                                   digits, digits)});
      }
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace tandem::config
