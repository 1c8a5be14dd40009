#pragma once
/// Call detail records: CSV (RFC 4180 quoting), one line per call, columns documented in
/// docs/cdr.md. Each line is built whole and appended with one write(2) on a file opened with
/// O_APPEND, so that concurrent writers and crashes never leave half a line in the middle of
/// another; nothing is buffered in the process.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "proto/mgcp/values.hpp"

namespace tandem::callagent {

/// Who ended the call.
enum class released_by { caller, callee, call_agent, gateway };
[[nodiscard]] std::string_view to_string(released_by r);

/// One leg as the record shows it.
struct cdr_leg {
  std::string kind;        ///< "pri" or "sip"
  std::string gateway;     ///< gateway name ("" for SIP)
  std::string endpoint;    ///< "ds/e1-1/5@mgw1"
  std::string connection;  ///< MGCP connection id
  std::optional<mgcp::connection_parameters> stats;  ///< from DLCX P:
};

struct cdr_record {
  std::uint64_t record = 0;       ///< call agent's call number
  std::string call_id;            ///< MGCP CallId (C:)
  std::string calling;            ///< calling number as received
  std::string called;             ///< called number as received
  std::string called_out;         ///< called number as sent out (after normalisation/edits)
  std::string route;              ///< route name ("" when none matched)
  cdr_leg originating;
  cdr_leg terminating;
  std::string codec;              ///< codec agreed on the IP side
  using wall_time = std::chrono::system_clock::time_point;
  wall_time seizure;
  std::optional<wall_time> alerting;
  std::optional<wall_time> answer;
  wall_time release;
  int cause = 16;                 ///< Q.850 cause value
  callagent::released_by released_by = released_by::call_agent;
  /// E-model MOS-CQE (ITU-T G.107) of the call, the worse of its legs: set by the daemon's
  /// metrics (ops/metrics/call_metrics) for answered calls with RTP statistics and a codec
  /// that has planning values; empty otherwise.
  std::optional<double> mos_cqe;
  /// The per-call pcapng written for this call (`tandem-ctl trace calls`, docs/traces.md);
  /// empty when per-call traces are off.
  std::string trace_file;
};

/// The header line (no line end).
[[nodiscard]] std::string cdr_header();
/// One line (no line end).
[[nodiscard]] std::string format_cdr(const cdr_record& r);
/// ISO 8601 UTC with milliseconds: "2026-11-24T23:52:21.123Z".
[[nodiscard]] std::string format_utc(std::chrono::system_clock::time_point t);

/// Where records go.
class cdr_sink {
 public:
  virtual ~cdr_sink() = default;
  virtual void write(const cdr_record& r) = 0;
};

/// Appends to a CSV file; writes the header when the file is empty.
class cdr_file final : public cdr_sink {
 public:
  /// Errors: the file cannot be opened (the text names it and errno).
  static expected<std::unique_ptr<cdr_file>, std::string> open(const std::string& path, bool fsync);
  ~cdr_file() override;
  cdr_file(const cdr_file&) = delete;
  cdr_file& operator=(const cdr_file&) = delete;
  void write(const cdr_record& r) override;
  /// Lines that could not be written (disk full...), also logged.
  [[nodiscard]] std::uint64_t failures() const { return failures_; }

 private:
  cdr_file(int fd, bool fsync) : fd_(fd), fsync_(fsync) {}
  bool append_line(const std::string& line);
  int fd_;
  bool fsync_;
  std::uint64_t failures_ = 0;
};

/// Keeps records in memory (tests, and the management interface later).
class recording_cdr_sink final : public cdr_sink {
 public:
  void write(const cdr_record& r) override { records.push_back(r); }
  std::vector<cdr_record> records;
};

}  // namespace tandem::callagent
