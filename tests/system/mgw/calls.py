"""Call steps over the test bed of harness.py: MGCP connections between the two gateways'
timeslots, an ISDN call from exchange A to exchange B on that B-channel, audio checks, release."""
import re
import time

from harness import TestFailure, check, log, pstn_client

CALL_ID_BASE = 0xA000


def mgcp_ok(r, what):
    check(200 <= r.code < 300, f"{what}: {r.code} {r.text!r}")
    return r


class Leg:
    """The MGCP half of a call: a connection on each gateway's ds/e1-1/<ts>, joined over RTP."""

    def __init__(self, topo, ts, codec, ptime=None, mode1="sendrecv"):
        self.topo, self.ts, self.codec = topo, ts, codec
        self.call_id = f"{CALL_ID_BASE + ts:X}"
        ca, g1, g2 = topo.ca, topo.gw1, topo.gw2
        lco = f"a:{codec}" + (f", p:{ptime}" if ptime else "")
        self.ep1 = f"ds/e1-1/{ts}@{g1.name}"
        self.ep2 = f"ds/e1-1/{ts}@{g2.name}"
        r1 = mgcp_ok(ca.command(g1.port, "CRCX", self.ep1, [("C", self.call_id), ("L", lco), ("M", "recvonly")]),
                     f"CRCX {self.ep1}")
        self.conn1, self.sdp1, self.port1 = r1.params["I"], r1.sdp, r1.sdp_port()
        topo.rtp_ports.append(self.port1)
        check(self.port1 and g1.rtp_min <= self.port1 <= g1.rtp_max, f"gateway 1 SDP port {self.port1}")
        check(codec_in_sdp(codec, self.sdp1), f"{codec} not offered by gateway 1:\n{self.sdp1}")
        check("telephone-event" in self.sdp1, f"no telephone-event from gateway 1:\n{self.sdp1}")
        r2 = mgcp_ok(ca.command(g2.port, "CRCX", self.ep2, [("C", self.call_id), ("L", lco), ("M", "sendrecv")],
                                sdp=self.sdp1), f"CRCX {self.ep2}")
        self.conn2, self.sdp2, self.port2 = r2.params["I"], r2.sdp, r2.sdp_port()
        topo.rtp_ports.append(self.port2)
        check(codec_in_sdp(codec, self.sdp2), f"{codec} not answered by gateway 2:\n{self.sdp2}")
        check("telephone-event" in self.sdp2, f"no telephone-event in gateway 2's answer:\n{self.sdp2}")
        mgcp_ok(ca.command(g1.port, "MDCX", self.ep1, [("C", self.call_id), ("I", self.conn1), ("M", mode1)],
                           sdp=self.sdp2), f"MDCX {self.ep1}")

    def audit(self):
        """AUCX of both connections: their P: statistics and mode, for diagnostics."""
        out = []
        for g, ep, conn in ((self.topo.gw1, self.ep1, self.conn1), (self.topo.gw2, self.ep2, self.conn2)):
            r = self.topo.ca.command(g.port, "AUCX", ep, [("I", conn), ("F", "C,N,L,M,LC,P")])
            out.append(f"{g.name} {r.code} P: {r.params.get('P')} M: {r.params.get('M')} remote port "
                       f"{MgcpMessageSdpPort(r.sdp)}")
        return out

    def delete(self):
        """DLCX on both sides; returns their P: statistics as dicts."""
        stats = []
        for g, ep, conn in ((self.topo.gw1, self.ep1, self.conn1), (self.topo.gw2, self.ep2, self.conn2)):
            r = mgcp_ok(self.topo.ca.command(g.port, "DLCX", ep, [("C", self.call_id), ("I", conn)]), f"DLCX {ep}")
            check(r.code == 250, f"DLCX {ep} answered {r.code}, expected 250")
            check("P" in r.params, f"DLCX {ep} without P: {r.text!r}")
            stats.append(parse_p(r.params["P"]))
        return stats


def MgcpMessageSdpPort(sdp):
    ports = [line.split()[1] for line in sdp.splitlines() if line.startswith("m=audio")]
    return ports


def codec_in_sdp(codec, sdp):
    static = {"PCMU": " 0", "PCMA": " 8", "G729": " 18", "G723": " 4"}
    for line in sdp.splitlines():
        if line.startswith("m=audio") and (line + " ").find(static[codec] + " ") > 0:
            return True
    return False


def parse_p(text):
    out = {}
    for item in text.split(","):
        k, _, v = item.strip().partition("=")
        if v:
            out[k] = int(v)
    return out


class Call:
    """An ISDN call from exchange A (network side) to subscriber 2001 on exchange B (CPE side),
    on B-channel `ts` (exclusive), answered by B through its control interface."""

    def __init__(self, topo, ts, leg=None):
        self.topo = topo
        self.leg = leg
        a, b = topo.a.client, topo.b.client
        b.events.clear()
        a.events.clear()
        r = a.ok("call", called="2001", calling="1001", channel=ts)
        self.a_call = r["call"]
        check(r["channel"] == ts, f"exchange A chose channel {r['channel']}, asked {ts}")
        ev = b.wait_event(lambda e: e.get("event") == "setup" and e.get("direction") == "incoming", timeout=10)
        self.b_call = ev["call"]
        check(ev["channel"] == ts, f"exchange B got the call on channel {ev['channel']}, expected {ts}")
        check(ev["called"] == "2001", f"called number {ev['called']}")
        b.ok("answer", call=self.b_call)
        a.wait_event(lambda e: e.get("event") == "connect" and e.get("call") == self.a_call, timeout=10)
        b.wait_event(lambda e: e.get("event") == "connect" and e.get("call") == self.b_call, timeout=10)
        self.retries = []

    def attempt(self, what, fn, attempts=2):
        """Runs a measurement; a TestFailure is retried (and recorded in self.retries, with the
        exchanges' late/lost block counts) up to `attempts` times: a loaded host can lose a
        block on the sim spans and chop a tone (tests/system/pstn does the same)."""
        for n in range(1, attempts + 1):
            try:
                return fn()
            except TestFailure as e:
                if n == attempts:
                    raise
                blocks = [{k: v for k, v in x.client.ok("status")["spans"][0].items() if k.startswith("blocks_")}
                          for x in (self.topo.a, self.topo.b)]
                self.retries.append(what)
                log(f"retrying {what} ({e}); exchange blocks A {blocks[0]} B {blocks[1]}")
                if self.leg:
                    log(f"  connections now: {self.leg.audit()}")

    def tones_both_ways(self, hz_ab=1004.0, hz_ba=1800.0):
        """A plays hz_ab, B plays hz_ba at the same time; each must find the other's tone."""
        a, b = self.topo.a.client, self.topo.b.client

        def once():
            a.ok("play", call=self.a_call, source="tone", hz=hz_ab, dbm0=-10, ms=700)
            b.ok("play", call=self.b_call, source="tone", hz=hz_ba, dbm0=-10, ms=700)
            return wait_tone(b, self.b_call, hz_ab), wait_tone(a, self.a_call, hz_ba)
        return self.attempt("tones", once)

    def markers_both_ways(self):
        """Each side plays the delay marker; each measures the other's one way (same host clock)."""
        a, b = self.topo.a.client, self.topo.b.client
        a.ok("play", call=self.a_call, source="marker")
        b.ok("play", call=self.b_call, source="marker")
        sent_a = wait_play_start(a, self.a_call)
        sent_b = wait_play_start(b, self.b_call)
        at_b = wait_reference(b, self.b_call, sent_a)
        at_a = wait_reference(a, self.a_call, sent_b)
        return at_b, at_a

    def dtmf_a_to_b(self, digits):
        a, b = self.topo.a.client, self.topo.b.client
        a.ok("dtmf", call=self.a_call, digits=digits)
        got = pstn_client.poll_until(
            lambda: (lambda d: d if len(d) >= len(digits) else None)(b.ok("audio", call=self.b_call)["digits"]),
            timeout=12, step=0.2)
        return got or b.ok("audio", call=self.b_call)["digits"]

    def release_from_a(self, cause=16):
        a, b = self.topo.a.client, self.topo.b.client
        a.ok("hangup", call=self.a_call, cause=cause)
        ev = b.wait_event(lambda e: e.get("event") in ("disconnect", "release") and e.get("call") == self.b_call,
                          timeout=10)
        a.wait_event(lambda e: e.get("event") == "release" and e.get("call") == self.a_call, timeout=10)
        return ev["cause"]["value"]


def wait_tone(client, call, hz, timeout=4.0):
    def found():
        for t in client.ok("audio", call=call)["tones"]:
            if abs(t["hz"] - hz) <= 15 and t["duration_ms"] >= 300:
                return t
        return None
    t = pstn_client.poll_until(found, timeout=timeout, step=0.2)
    if not t:
        raise TestFailure(f"tone {hz} Hz not found at call {call}: {client.ok('audio', call=call)['tones']}")
    return t


def wait_play_start(client, call, timeout=5.0):
    v = pstn_client.poll_until(lambda: client.ok("audio", call=call)["play_start_us"], timeout=timeout, step=0.02)
    check(v, f"call {call}: the marker never started playing")
    return v


def wait_reference(client, call, sent_at_us, timeout=5.0):
    def found():
        r = client.ok("audio", call=call, reference="marker", sent_at_us=sent_at_us)
        return r if "reference" in r and "one_way_ms" in r else None
    r = pstn_client.poll_until(found, timeout=timeout, step=0.2)
    if not r:
        raise TestFailure(f"marker not found at call {call}: {client.ok('audio', call=call, reference='marker')}")
    return {"one_way_ms": r["one_way_ms"], **r["reference"]}
