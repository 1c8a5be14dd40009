/// Every example configuration of tandem-mgw and tandem-pstn (etc/mgw, etc/pstn) loads and shows
/// the operations groups (metrics and the control socket) as docs/operations.md describes them.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "gateway/app/mgw_config.hpp"
#include "lab/pstn/pstn_config.hpp"

namespace {

std::filesystem::path source_dir() {
  const char* dir = std::getenv("TANDEM_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

std::vector<std::filesystem::path> examples(const char* folder) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(source_dir() / "etc" / folder))
    if (e.path().extension() == ".cfg") out.push_back(e.path());
  return out;
}

TEST(example_ops_groups, when_gateway_examples_load_then_each_but_the_dahdi_one_has_metrics_and_control) {
  std::size_t with_groups = 0;
  for (const auto& path : examples("mgw")) {
    auto c = tandem::gateway::app::load_mgw_config_file(path.string());
    ASSERT_TRUE(c) << path << ":\n" << tandem::config::to_string(c.error());
    // t1-dahdi.cfg is run by mgw_system.dahdi_span_refused and stays as it was.
    if (path.filename() == "t1-dahdi.cfg") continue;
    ASSERT_TRUE(c->ops.metrics.has_value()) << path;
    EXPECT_EQ(c->ops.metrics->address, "127.0.0.1") << path;
    EXPECT_EQ(c->ops.metrics->port, 9464) << path;
    ASSERT_TRUE(c->ops.control.has_value()) << path;
    EXPECT_EQ(c->ops.control->path, "/run/tandem/mgw.ctl") << path;
    EXPECT_EQ(c->ops.control->mode, 0660u) << path;
    ++with_groups;
  }
  EXPECT_GE(with_groups, 4u);
}

TEST(example_ops_groups, when_exchange_examples_load_then_each_has_its_own_port_and_socket) {
  std::set<std::uint16_t> ports;
  std::set<std::string> sockets;
  std::size_t loaded = 0;
  for (const auto& path : examples("pstn")) {
    auto c = tandem::lab::pstn::load_pstn_config(path.string());
    ASSERT_TRUE(c) << path << ":\n" << tandem::config::to_string(c.error());
    ASSERT_TRUE(c->ops.metrics.has_value()) << path;
    ASSERT_TRUE(c->ops.control.has_value()) << path;
    EXPECT_EQ(c->ops.control->path, "/run/tandem/pstn-" + path.stem().string() + ".ctl") << path;
    ports.insert(c->ops.metrics->port);
    sockets.insert(c->ops.control->path);
    ++loaded;
  }
  EXPECT_GE(loaded, 3u);
  // Two exchanges on one host (exchange-e1 and back-to-back-cpe) must not collide.
  EXPECT_EQ(ports.size(), loaded);
  EXPECT_EQ(sockets.size(), loaded);
}

}  // namespace
