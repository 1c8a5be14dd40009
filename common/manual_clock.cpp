#include "common/manual_clock.hpp"

namespace tandem {

timer_id manual_clock::schedule_at(time_point deadline, callback fn) {
  const std::uint64_t id = next_id_++;
  timers_.emplace(std::make_pair(deadline, id), std::move(fn));
  deadlines_.emplace(id, deadline);
  return timer_id{id};
}

bool manual_clock::cancel(timer_id id) {
  auto it = deadlines_.find(id.value());
  if (it == deadlines_.end()) return false;
  timers_.erase(std::make_pair(it->second, id.value()));
  deadlines_.erase(it);
  return true;
}

void manual_clock::advance(duration d) {
  const time_point target = now_ + d;
  while (!timers_.empty() && timers_.begin()->first.first <= target) {
    auto node = timers_.extract(timers_.begin());
    deadlines_.erase(node.key().second);
    now_ = std::max(now_, node.key().first);
    node.mapped()();
  }
  now_ = target;
}

time_point manual_clock::next_deadline() const {
  return timers_.empty() ? time_point::max() : timers_.begin()->first.first;
}

}  // namespace tandem
