#include "common/asio_timer_service.hpp"

#include <unordered_map>

#include "common/asio.hpp"

namespace tandem {

struct asio_timer_service::impl {
  explicit impl(asio::io_context& context) : io(context) {}
  asio::io_context& io;
  std::uint64_t next_id = 1;
  std::unordered_map<std::uint64_t, std::unique_ptr<asio::steady_timer>> timers;
};

asio_timer_service::asio_timer_service(asio::io_context& io)
    : impl_(std::make_unique<impl>(io)) {}

asio_timer_service::~asio_timer_service() {
  for (auto& [id, timer] : impl_->timers) timer->cancel();
}

timer_id asio_timer_service::schedule_at(time_point deadline, callback fn) {
  const std::uint64_t id = impl_->next_id++;
  auto timer = std::make_unique<asio::steady_timer>(impl_->io, deadline);
  timer->async_wait([this, id, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled (or the service is gone)
    // A timer that had already expired when cancel() ran still has its handler queued with
    // success: the map says whether it is still wanted.
    if (impl_->timers.erase(id) == 0) return;
    fn();
  });
  impl_->timers.emplace(id, std::move(timer));
  return timer_id{id};
}

bool asio_timer_service::cancel(timer_id id) {
  auto it = impl_->timers.find(id.value());
  if (it == impl_->timers.end()) return false;
  it->second->cancel();
  impl_->timers.erase(it);
  return true;
}

}  // namespace tandem
