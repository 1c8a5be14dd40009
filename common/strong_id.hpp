#pragma once
/// strong_id<Tag, Rep>: an identifier that does not mix with other identifiers of the same
/// representation (a call id is not a connection id, a span is not a timeslot).
#include <compare>
#include <cstddef>
#include <functional>
#include <utility>

#include <fmt/format.h>

namespace tandem {

template <class Tag, class Rep>
class strong_id {
 public:
  using rep_type = Rep;

  constexpr strong_id() = default;
  constexpr explicit strong_id(Rep value) : value_(std::move(value)) {}

  [[nodiscard]] constexpr const Rep& value() const noexcept { return value_; }

  friend constexpr bool operator==(const strong_id&, const strong_id&) = default;
  friend constexpr auto operator<=>(const strong_id&, const strong_id&) = default;

 private:
  Rep value_{};
};

}  // namespace tandem

template <class Tag, class Rep>
struct std::hash<tandem::strong_id<Tag, Rep>> {
  std::size_t operator()(const tandem::strong_id<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};

template <class Tag, class Rep>
struct fmt::formatter<tandem::strong_id<Tag, Rep>> : fmt::formatter<Rep> {
  template <class Context>
  auto format(const tandem::strong_id<Tag, Rep>& id, Context& ctx) const {
    return fmt::formatter<Rep>::format(id.value(), ctx);
  }
};
