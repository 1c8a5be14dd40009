#pragma once
/// How tandem-ctl shows a result to people, whatever the command (docs/ctl.md, "Output"):
/// - an array of objects: an aligned table, one column per key (in order of first appearance);
/// - an array of scalars: one per line;
/// - an object: "key: value" lines, nested objects indented, nested arrays of objects as tables;
/// - a scalar: itself; null: nothing.
/// Strings print without quotes; a missing or null cell prints "-"; an empty array "(none)".
///
/// Pure function.
#include <string>

#include <nlohmann/json.hpp>

namespace tandem::ops::ctl {

[[nodiscard]] std::string render_text(const nlohmann::ordered_json& result);

}  // namespace tandem::ops::ctl
