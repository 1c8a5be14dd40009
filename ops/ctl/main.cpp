/// tandem-ctl: the operator's command line for Tandem daemons (docs/ctl.md).
///   tandem-ctl -d mgw show endpoints
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "ops/ctl/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* env = std::getenv("TANDEM_CTL_SOCKET");
  return tandem::ops::ctl::run(args, std::cout, std::cerr, env != nullptr ? env : "");
}
