#pragma once
/// An endpoint of the media plane: one E1/T1 timeslot (`ds/e1-1/5`) or a virtual RTP endpoint
/// (`rtp/1`) that only joins connections (IP-IP transcoding), with the connections on it.
///
/// Audio paths per tick (RFC 3435 §2.3.5 connection modes, docs/media.md):
///   line out  = sum of what the connections in sendrecv/recvonly/confrnce received, or the
///               line in itself when a connection is in loopback/conttest;
///   to RTP k  = line in (echo-cancelled, DTMF removed) + what the other connections received
///               when k and they are confrnce, or always on a virtual endpoint (which has no
///               line); in netwloop, what k itself received.
///
/// Signals (RFC 3660, docs/media.md "Signals"): a signal toward the line replaces what the
/// line would hear; on a virtual endpoint (no line) it is sent to every connection instead.
/// A signal on one connection (G/rbk@c, R/co1@c) replaces what that connection sends. While
/// T/co1 or T/co2 plays, the 2010 Hz return tone heard on the line is reported once
/// (`continuity_tone`); while R/co1@c or R/co2@c plays, the same tone received from c's RTP
/// is reported once, naming c. A connection in conttest answers a 1780 Hz go tone with 2010 Hz
/// (dual-tone transponder) and otherwise loops the line back (single-tone test).
///
/// Threading: owned by the media thread; built (with every buffer) on the control thread.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/media/connection.hpp"
#include "gateway/media/media_event.hpp"
#include "gateway/media/tone_player.hpp"
#include "tdm/span.hpp"

namespace tandem::gateway::media {

class endpoint {
public:
    /// `slot`: position in the span's blocks, nullopt for a virtual endpoint.
    endpoint(std::string name, std::optional<unsigned> slot, tdm::companding_law law,
             unsigned max_connections, unsigned tick_samples, endpoint_index index = {},
             media_event_notifier* events = nullptr);

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] std::optional<unsigned> slot() const noexcept { return slot_; }
    [[nodiscard]] unsigned max_connections() const noexcept {
        return static_cast<unsigned>(connections_.size());
    }

    // ---- media thread ------------------------------------------------------------------------
    /// Takes a connection; false when every slot is taken (the control plane prevents it).
    bool attach(std::unique_ptr<connection>& c) noexcept;
    /// Gives the connection back (nullptr when unknown).
    std::unique_ptr<connection> detach(connection_id id) noexcept;
    [[nodiscard]] connection* find(connection_id id) noexcept;
    /// One tick. `rx`/`tx`: this endpoint's companded samples of the span block, or empty for
    /// a virtual endpoint.
    void tick(std::span<const std::uint8_t> rx, std::span<std::uint8_t> tx) noexcept;
    /// Ticks this endpoint may be left out of (not ticked at all) before it must run again,
    /// judged after a tick: 0 for a timeslot, while a signal plays, or while a connection sends,
    /// plays or waits for queued packets; a large number for a free virtual endpoint. The
    /// engine wakes it earlier when a command or a readable socket concerns it.
    [[nodiscard]] unsigned quiet_ticks() const noexcept;
    /// Accounts for `ticks` ticks the engine left it out (its connections' clocks move on).
    void skipped(unsigned ticks) noexcept;
    /// Starts a signal toward the line (`on` = 0) or on connection `on`. `dtmf` queues `digit`.
    void play(signal_tone t, char digit, connection_id on) noexcept;
    /// Stops signal `t` (toward the line, or on connection `on`); `none` stops every signal.
    void stop_signal(signal_tone t, connection_id on) noexcept;
    /// EPCF (RFC 3435 §2.3.2): the law the timeslot is expanded and companded with.
    void set_law(tdm::companding_law law) noexcept { law_ = law; }
    [[nodiscard]] tdm::companding_law law() const noexcept { return law_; }
    [[nodiscard]] signal_tone line_signal() const noexcept {
        return line_loop_ ? signal_tone::loopback : line_tone_.current();
    }

private:
    void run_continuity(bool has_line, bool conttest) noexcept;
    void run_network_continuity() noexcept;

    std::string name_;
    std::optional<unsigned> slot_;
    tdm::companding_law law_;
    unsigned tick_;
    std::vector<std::unique_ptr<connection>> connections_;  ///< fixed number of slots
    std::vector<std::int16_t> received_;  ///< tick samples per slot
    std::vector<bool> audible_;
    std::vector<std::int16_t> line_in_, line_out_, mix_;

    // signals
    endpoint_index index_{};
    media_event_notifier* events_ = nullptr;
    tone_player line_tone_;       ///< toward the line
    tone_player net_tone_;        ///< toward one connection
    connection_id net_target_{};  ///< its connection (0: none)
    tone_player transponder_;     ///< 2010 Hz answer of a conttest connection to 1780 Hz
    bool line_loop_ = false;      ///< T/lb on
    std::vector<std::int16_t> line_buf_, net_buf_;
    tone_detector return_tone_{2010.0};
    tone_detector go_tone_{1780.0};
    unsigned return_ticks_ = 0;   ///< consecutive ticks with 2010 Hz while co1/co2 plays
    bool continuity_reported_ = false;
    unsigned net_return_ticks_ = 0;  ///< the same, from RTP, while R/co1@c or R/co2@c plays
    bool net_continuity_reported_ = false;
    unsigned go_ticks_ = 0;       ///< consecutive ticks with 1780 Hz (transponder)
    unsigned go_hangover_ = 0;    ///< ticks the transponder keeps answering after the go tone
};

}  // namespace tandem::gateway::media
