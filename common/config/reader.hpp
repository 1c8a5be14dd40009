#pragma once
/// The shared configuration reader: a thin layer over libconfig++ that every daemon uses to
/// fill its plain `*_config` structs.
///
/// - load a file (or a string, for tests); syntax errors come back as values with their line;
/// - typed lookups with defaults and ranges; a wrong type, a value out of range or an unknown
///   setting name is recorded as a config_error with the setting's path and line, and the
///   lookup returns the default so that loading goes on and reports every error at once;
/// - libconfig's exceptions are caught here and only here (start-up code).
///
/// libconfig 1.5 silently truncates integers wider than 32 bits unless they carry an `L`
/// suffix; load_* scans the text and reports such literals as errors instead.
///
/// Thread-safety: a document and its nodes are used by one thread (start-up).
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config/config_error.hpp"
#include "common/expected.hpp"

namespace libconfig {
class Config;
class Setting;
}  // namespace libconfig

namespace tandem::config {

/// A view of one group (or list element) of a loaded document. Cheap to copy; valid while its
/// document lives. Lookups that fail record an error in the document and return the default.
class node {
 public:
  /// Path of this setting ("spans.[1]"); empty for the root.
  [[nodiscard]] std::string path() const;
  /// Line of this setting in the file (0 for the root).
  [[nodiscard]] int line() const;

  /// Whether a child setting of that name exists.
  [[nodiscard]] bool has(std::string_view name) const;

  /// A child group; nullopt when absent (no error) or not a group (error).
  [[nodiscard]] std::optional<node> group(std::string_view name) const;
  /// The elements of a child list `( {...}, {...} )`; each must be a group. Absent: empty.
  [[nodiscard]] std::vector<node> groups(std::string_view name) const;
  /// The strings of a child list or array `[ "a", "b" ]`. Absent: empty.
  [[nodiscard]] std::vector<std::string> strings(std::string_view name) const;

  [[nodiscard]] std::string get_string(std::string_view name, std::string fallback) const;
  /// A string that must be present: records "missing" otherwise.
  [[nodiscard]] std::optional<std::string> require_string(std::string_view name) const;
  [[nodiscard]] std::int64_t get_int(std::string_view name, std::int64_t fallback,
                                     std::int64_t min, std::int64_t max) const;
  [[nodiscard]] std::optional<std::int64_t> require_int(std::string_view name, std::int64_t min,
                                                        std::int64_t max) const;
  [[nodiscard]] double get_number(std::string_view name, double fallback, double min,
                                  double max) const;
  [[nodiscard]] bool get_bool(std::string_view name, bool fallback) const;
  /// A duration written as an integer count of milliseconds.
  [[nodiscard]] std::chrono::milliseconds get_ms(std::string_view name,
                                                 std::chrono::milliseconds fallback,
                                                 std::chrono::milliseconds min,
                                                 std::chrono::milliseconds max) const;

  /// A string that must be one of `choices`; the error lists them:
  /// `type: expected "e1" or "t1" (line 12)`.
  template <class E>
  [[nodiscard]] E get_enum(std::string_view name,
                           std::initializer_list<std::pair<std::string_view, E>> choices,
                           E fallback) const {
    std::vector<std::string_view> names;
    for (const auto& c : choices) names.push_back(c.first);
    auto index = enum_index(name, names);
    if (!index) return fallback;
    return (choices.begin() + *index)->second;
  }

  /// Records an error about the child setting `name` (or this node when `name` is absent).
  void error(std::string_view name, std::string message) const;
  /// Records an error about this node itself.
  void error(std::string message) const;

  /// Records an error for every child whose name is not in `known` (catches typos that would
  /// otherwise fall back to a default without a word).
  void check_known(std::initializer_list<std::string_view> known) const;

 private:
  friend class document;
  node(const libconfig::Setting* setting, config_errors* errors)
      : setting_(setting), errors_(errors) {}
  [[nodiscard]] const libconfig::Setting* child(std::string_view name) const;
  [[nodiscard]] std::optional<std::size_t> enum_index(
      std::string_view name, const std::vector<std::string_view>& names) const;
  [[nodiscard]] std::string child_path(std::string_view name) const;

  const libconfig::Setting* setting_;
  config_errors* errors_;
};

/// A loaded configuration file and the errors its lookups found.
class document {
 public:
  document(document&&) noexcept;
  document& operator=(document&&) noexcept;
  ~document();

  /// Parses a file. Errors: unreadable file, syntax error (with line), 64-bit integer literal
  /// without the `L` suffix.
  [[nodiscard]] static expected<document, config_errors> load_file(const std::string& file);
  /// Parses text (tests, command-line overrides).
  [[nodiscard]] static expected<document, config_errors> load_string(std::string_view text);

  [[nodiscard]] node root() const;
  /// Errors recorded by lookups so far.
  [[nodiscard]] const config_errors& errors() const { return *errors_; }
  [[nodiscard]] bool ok() const { return errors_->empty(); }

 private:
  document();
  std::unique_ptr<libconfig::Config> config_;
  std::unique_ptr<config_errors> errors_;
};

/// Integer literals that libconfig 1.5 would silently truncate (wider than 32 bits, no `L`),
/// each as an error with its line. Exposed for tests.
[[nodiscard]] config_errors find_truncated_integers(std::string_view text);

}  // namespace tandem::config
