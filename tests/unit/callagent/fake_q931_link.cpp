#include "tests/unit/callagent/fake_q931_link.hpp"

namespace tandem::callagent::test {

q931_call_ref fake_q931_link::setup(const q931_setup_request& r) {
  const q931_call_ref ref{next_out_++};
  message m;
  m.what = "SETUP";
  m.ref = ref;
  m.channel = r.channel;
  m.called = r.called;
  m.calling = r.calling;
  sent.push_back(m);
  return ref;
}

void fake_q931_link::disconnect(q931_call_ref ref, cause why) {
  record("DISCONNECT", ref, 0, to_int(why));
  if (!auto_release) return;
  // The network answers RELEASE; the reference is free one millisecond later.
  clock_.schedule_after(std::chrono::milliseconds(1), [this, ref, why] {
    if (handler_ != nullptr) handler_->on_release(ref, why);
  });
}

void fake_q931_link::release(q931_call_ref ref, cause why) { record("RELEASE", ref, 0, to_int(why)); }

q931_call_ref fake_q931_link::incoming(unsigned channel, std::string called, std::string calling) {
  q931_setup s;
  s.ref = q931_call_ref{next_in_++};
  s.channel = channel;
  s.called = std::move(called);
  s.calling = std::move(calling);
  handler_->on_setup(s);
  return s.ref;
}

std::vector<fake_q931_link::message> fake_q931_link::of(const std::string& what) const {
  std::vector<message> out;
  for (const auto& m : sent)
    if (m.what == what) out.push_back(m);
  return out;
}

std::vector<fake_q931_link::message> fake_q931_link::of(const std::string& what, q931_call_ref ref) const {
  std::vector<message> out;
  for (const auto& m : sent)
    if (m.what == what && m.ref == ref) out.push_back(m);
  return out;
}

fake_q931_link::message fake_q931_link::last_setup() const {
  auto s = of("SETUP");
  return s.empty() ? message{} : s.back();
}

void fake_q931_link::record(std::string what, q931_call_ref ref, unsigned channel, int cause_value) {
  message m;
  m.what = std::move(what);
  m.ref = ref;
  m.channel = channel;
  m.cause = cause_value;
  sent.push_back(m);
}

}  // namespace tandem::callagent::test
