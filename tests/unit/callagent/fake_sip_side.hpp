#pragma once
/// A SIP side that records what the call agent asks of it; tests play the SIP peer by calling
/// the handler the call agent registered.
#include <optional>
#include <string>
#include <vector>

#include "callagent/sip_leg.hpp"

namespace tandem::callagent::test {

class fake_sip_side final : public sip_side {
 public:
  struct request {
    std::string what;  ///< "INVITE", "PROVISIONAL", "ANSWER", "HANGUP"
    sip_dialog_ref dialog;
    int status = 0;
    std::optional<std::string> sdp;
    sip_destination to;
    std::string called;
    std::string calling;
    int cause = 0;
  };

  void set_handler(sip_handler* h) override { handler = h; }
  sip_dialog_ref invite(const sip_destination& to, const std::string& called, const std::string& calling,
                        const std::string& offer) override {
    const sip_dialog_ref d{next++};
    requests.push_back(request{"INVITE", d, 0, offer, to, called, calling, 0});
    return d;
  }
  void provisional(sip_dialog_ref dialog, int status, const std::optional<std::string>& sdp) override {
    requests.push_back(request{"PROVISIONAL", dialog, status, sdp, {}, "", "", 0});
  }
  void answer(sip_dialog_ref dialog, const std::string& sdp) override {
    requests.push_back(request{"ANSWER", dialog, 200, sdp, {}, "", "", 0});
  }
  void hangup(sip_dialog_ref dialog, cause why) override {
    requests.push_back(request{"HANGUP", dialog, 0, std::nullopt, {}, "", "", to_int(why)});
  }

  [[nodiscard]] std::vector<request> of(const std::string& what) const {
    std::vector<request> out;
    for (const auto& r : requests)
      if (r.what == what) out.push_back(r);
    return out;
  }

  sip_handler* handler = nullptr;
  std::vector<request> requests;
  std::uint64_t next = 1000;
};

}  // namespace tandem::callagent::test
