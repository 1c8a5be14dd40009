#pragma once
/// tandem::expected<T, E>: errors from the network, peers, config and the OS are values.
///
/// GCC 12 has no std::expected in C++20; tl::expected (Debian's libexpected-dev) has the same
/// interface, so moving to std::expected later is a change of this file only.
#include <tl/expected.hpp>

namespace tandem {

template <class T, class E>
using expected = tl::expected<T, E>;

template <class E>
using unexpected = tl::unexpected<E>;

using tl::make_unexpected;

}  // namespace tandem
