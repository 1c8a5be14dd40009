#pragma once
/// The one header through which Tandem includes Boost.Asio.
///
/// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>, which GCC 12
/// rejects; include it first. Each translation unit that includes Asio costs ~7 s to compile,
/// so keep Asio in few .cpp files (transport adapters) and never in a widely used header.
#include <utility>
#include <boost/asio.hpp>

namespace tandem {
namespace asio = boost::asio;
}  // namespace tandem
