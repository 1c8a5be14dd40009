#pragma once
/// The H.248.1 text-encoding serializer (Annex B): pretty (long tokens, one item per line,
/// indented) or compact (short tokens, no optional white space). parse(serialize(m)) == m for
/// both forms.
#include <string>

#include "proto/h248/message.hpp"

namespace tandem::h248 {

struct serialize_options {
  /// Short tokens and no optional white space (Annex B.2 allows either spelling).
  bool compact = false;
};

std::string serialize(const message& m, const serialize_options& options = {});

/// Pieces, for tools and tests.
std::string serialize(const transaction& t, const serialize_options& options = {});
std::string format_mid(const message_id& mid);
std::string format_context(const context_id& c);

}  // namespace tandem::h248
