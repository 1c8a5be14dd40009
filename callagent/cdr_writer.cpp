#include "callagent/cdr_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "common/log.hpp"

namespace tandem::callagent {

std::string_view to_string(released_by r) {
  switch (r) {
    case released_by::caller: return "caller";
    case released_by::callee: return "callee";
    case released_by::call_agent: return "call_agent";
    case released_by::gateway: return "gateway";
  }
  return "?";
}

namespace {

/// RFC 4180: quote a field holding a comma, quote or line end; double inner quotes.
void put(std::string& out, std::string_view field) {
  if (!out.empty()) out.push_back(',');
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

template <class T>
std::string opt(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : std::string{};
}

void put_leg(std::string& out, const cdr_leg& leg) {
  put(out, leg.kind);
  put(out, leg.gateway);
  put(out, leg.endpoint);
  put(out, leg.connection);
  const auto& s = leg.stats;
  put(out, s ? opt(s->packets_sent) : "");
  put(out, s ? opt(s->octets_sent) : "");
  put(out, s ? opt(s->packets_received) : "");
  put(out, s ? opt(s->octets_received) : "");
  put(out, s ? opt(s->packets_lost) : "");
  put(out, s ? opt(s->jitter_ms) : "");
  put(out, s ? opt(s->latency_ms) : "");
}

}  // namespace

std::string format_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

std::string cdr_header() {
  std::string out;
  for (const char* name : {"record", "call_id", "calling", "called", "called_out", "route"}) put(out, name);
  for (const char* side : {"orig", "term"})
    for (const char* f : {"kind", "gateway", "endpoint", "connection", "packets_sent", "octets_sent",
                          "packets_received", "octets_received", "packets_lost", "jitter_ms", "latency_ms"})
      put(out, fmt::format("{}_{}", side, f));
  for (const char* name : {"codec", "seizure", "alerting", "answer", "release", "duration_ms", "cause",
                           "released_by", "mos_cqe", "trace_file"})
    put(out, name);
  return out;
}

std::string format_cdr(const cdr_record& r) {
  std::string out;
  put(out, fmt::format("{}", r.record));
  put(out, r.call_id);
  put(out, r.calling);
  put(out, r.called);
  put(out, r.called_out);
  put(out, r.route);
  put_leg(out, r.originating);
  put_leg(out, r.terminating);
  put(out, r.codec);
  put(out, format_utc(r.seizure));
  put(out, r.alerting ? format_utc(*r.alerting) : "");
  put(out, r.answer ? format_utc(*r.answer) : "");
  put(out, format_utc(r.release));
  // Billable time: answer to release; 0 for a call never answered.
  const auto billed = r.answer ? std::chrono::duration_cast<std::chrono::milliseconds>(r.release - *r.answer).count() : 0;
  put(out, fmt::format("{}", billed));
  put(out, fmt::format("{}", r.cause));
  put(out, to_string(r.released_by));
  // Two decimals: the E-model's own precision is coarser (G.107 §7.1).
  put(out, r.mos_cqe ? fmt::format("{:.2f}", *r.mos_cqe) : "");
  put(out, r.trace_file);
  return out;
}

expected<std::unique_ptr<cdr_file>, std::string> cdr_file::open(const std::string& path, bool fsync) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return make_unexpected(fmt::format("cannot open CDR file {}: {}", path, std::strerror(errno)));
  std::unique_ptr<cdr_file> file(new cdr_file(fd, fsync));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size == 0) file->append_line(cdr_header());
  return file;
}

cdr_file::~cdr_file() { ::close(fd_); }

void cdr_file::write(const cdr_record& r) { append_line(format_cdr(r)); }

bool cdr_file::append_line(const std::string& text) {
  const std::string line = text + "\n";
  // One write per line: with O_APPEND the line lands whole at the end of the file.
  const ssize_t n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    ++failures_;
    log::get("ca")->error("cdr: write failed ({}): {}", n < 0 ? std::strerror(errno) : "short write", text);
    return false;
  }
  if (fsync_) ::fdatasync(fd_);
  return true;
}

}  // namespace tandem::callagent
