#include "ops/daemon_ops.hpp"

#include "common/log.hpp"

namespace tandem::ops {

daemon_ops::daemon_ops(boost::asio::io_context& io, ops_config config, control::builtin_context identity,
                       metrics::health_check health)
    : config_(std::move(config)) {
  if (!identity.counters) {
    identity.counters = [this]() {
      std::vector<std::pair<std::string, std::uint64_t>> out;
      for (const auto* s : counter_sets_) {
        auto snap = s->snapshot();
        out.insert(out.end(), snap.begin(), snap.end());
      }
      return out;
    };
  }
  control::add_builtin_commands(commands_, std::move(identity));
  registry_.adopt(commands_.counters());
  counter_sets_.push_back(&commands_.counters());
  if (config_.metrics) {
    http_ = std::make_unique<metrics::http_server>(io, metrics::http_handler(registry_, std::move(health)),
                                                   *config_.metrics);
    registry_.adopt(http_->counters());
    counter_sets_.push_back(&http_->counters());
  }
  if (config_.control) {
    control_ = std::make_unique<control::control_server>(io, commands_, *config_.control);
    registry_.adopt(control_->counters());
    counter_sets_.push_back(&control_->counters());
  }
}

daemon_ops::~daemon_ops() { stop(); }

void daemon_ops::add_counters(const counter_set& set) { counter_sets_.push_back(&set); }

expected<void, std::string> daemon_ops::start() {
  if (http_) {
    auto port = http_->start();
    if (!port) return make_unexpected(port.error());
    metrics_port_ = *port;
    log::get("ctl")->info("metrics on http://{}:{}/metrics", config_.metrics->address, *port);
  }
  if (control_) {
    if (auto started = control_->start(); !started) {
      if (http_) http_->stop();
      metrics_port_.reset();
      return started;
    }
  }
  return {};
}

void daemon_ops::stop() {
  if (control_) control_->stop();
  if (http_) http_->stop();
  metrics_port_.reset();
}

}  // namespace tandem::ops
