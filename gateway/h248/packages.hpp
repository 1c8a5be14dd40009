#pragma once
/// The H.248 packages the gateway implements and how they map onto the media plane's MGCP
/// signals and events (RFC 3660 G, D, T, R as gateway/app/engine_media_control plays them):
///   g (H.248.1 E.1)        events cause, sc (signal completion)
///   root (E.2)             properties read by AuditValue on ROOT
///   tonegen (E.3)          signal pt{tl=<tone id of cg>}
///   tonedet (E.4)          event std{tid=ans} (2100 Hz answer tone)
///   dg (E.5)               signals d0-d9, ds (*), do (#), da-dd
///   dd (E.6)               events d0-d9, ds, do, da-dd (ce, digit maps: not yet)
///   cg (E.7)               signals rt, bt, ct, sit (dt, wt, pt, cw, cr: unequipped, 513)
///   ct (E.10)              signals ct (continuity tone), rsp (loop back); event cmp{res=}
///   nt (E.11)              event netfail (RTP timeout); property jit; statistics dur, os, or
///   rtp (E.12)             statistics ps, pr, pl, jit, delay
///   tdmc (E.13)            properties ec (echo canceller on/off), gain (0 dB only)
///   it (H.248.14)          event ito{mit=} on ROOT: the inactivity timer
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/h248/descriptors.hpp"
#include "proto/mgcp/event.hpp"

namespace tandem::gateway::h248 {

enum class item_support {
  supported,
  unequipped,    ///< a real item of the package that this gateway cannot do (512 / 513)
  no_such_item,  ///< not an item of the package (451 / 452 / 450)
  no_such_package,  ///< 440
};

/// "pkg/item" split, lower-cased; nullopt when there is no '/'.
std::optional<std::pair<std::string, std::string>> split_name(std::string_view name);

item_support event_support(std::string_view name, bool on_rtp, bool on_root);
item_support signal_support(const tandem::h248::signal_request& s);
item_support property_support(std::string_view name, bool on_rtp);

/// The media plane's signal for an H.248 one (only for supported signals).
std::optional<tandem::mgcp::signal_request> media_signal(const tandem::h248::signal_request& s);
/// How long a timeout signal plays by default (nullopt: brief, ends at once).
bool is_brief(const tandem::h248::signal_request& s);

/// The H.248 event for a media plane event; nullopt for events H.248 has no name for.
std::optional<tandem::h248::event_spec> h248_event(const tandem::mgcp::observed_event& e);

/// Every package, for the Packages descriptor of audits.
const std::vector<tandem::h248::package_item>& implemented_packages();
/// The events and signals an audit of capabilities lists.
std::vector<std::string> supported_events(bool on_rtp);
std::vector<std::string> supported_signals();

}  // namespace tandem::gateway::h248
