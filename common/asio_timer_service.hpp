#pragma once
/// timer_service over an Asio io_context (the daemons' control plane). Asio stays out of this
/// header: the io_context is only forward-declared.
#include <memory>

#include "common/clock.hpp"

namespace boost::asio {
class io_context;
}

namespace tandem {

class asio_timer_service final : public timer_service {
 public:
  /// Timers fire on the thread(s) running `io`. Not thread-safe: use it from those threads.
  explicit asio_timer_service(boost::asio::io_context& io);
  ~asio_timer_service() override;

  [[nodiscard]] time_point now() const override { return steady_clock::now(); }
  timer_id schedule_at(time_point deadline, callback fn) override;
  bool cancel(timer_id id) override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tandem
