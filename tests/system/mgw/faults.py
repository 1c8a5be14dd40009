#!/usr/bin/env python3
"""Faults on the PSTN-IP-PSTN test bed (harness.py):
  1. the MGCP malformed corpus (tests/data/mgcp/malformed/) over UDP to gateway 2: each answered
     with its expected code and transaction id (or not at all where none can be answered), and
     nothing leaked (AUEP shows no connection; the daemon still answers);
  2. RTP flooding a live connection: the daemon survives, its counters move, the call still
     carries a tone;
  3. a span alarm (exchange B killed): gateway 2 sends RSIP ds/e1-1/* RM: forced and reports the
     alarm on the backhaul; exchange B back: RSIP RM: restart;
  4. the call agent disappearing (the driver stops answering): gateway 2's RSIP goes unanswered,
     the disconnected procedure sends RSIP *@ RM: disconnected; once the driver answers again,
     the gateway is back in service (it answers AUEP on its endpoints with 200);
  5. the call agent's backhaul listener going away for a while: the exchanges' D-channel fails,
     the gateways reconnect with backoff when it returns, and the D-channel comes back.

usage: faults.py TANDEM_MGW TANDEM_PSTN"""
import os
import random
import socket
import struct
import sys
import time

from harness import BackhaulBridge, TestFailure, Topology, check, log, pstn_client  # harness puts tests/system/pstn on the path
from calls import Call, Leg, wait_tone

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "data", "mgcp", "malformed")


def malformed_corpus(topo):
    g2 = topo.gw2
    expected = []
    with open(os.path.join(CORPUS, "expected.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, code, txid = line.split()
                expected.append((name, int(code), None if txid == "-" else int(txid)))
    results = []
    for name, code, txid in expected:
        with open(os.path.join(CORPUS, name), "rb") as f:
            data = f.read()
        # A fresh source port per file: transaction ids repeat across the corpus, and the
        # gateway's response cache (RFC 3435 §3.5.1) is kept per peer.
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(0.05)
        s.sendto(data, ("127.0.0.1", g2.port))
        answers = []
        deadline = time.monotonic() + (0.3 if txid is None else 2.0)
        while time.monotonic() < deadline:
            try:
                answers.append(s.recv(65536).decode("latin-1"))
            except socket.timeout:
                if txid is not None and any(_matches(a, code, txid) for a in answers):
                    break
        s.close()
        firsts = [a.split("\r\n", 1)[0] for a in answers]
        if txid is None:
            ok = not answers
        else:
            ok = any(_matches(a, code, txid) for a in answers)
        results.append((name, code, txid, ok, firsts))
    bad = [r for r in results if not r[3]]
    for name, code, txid, _, firsts in bad:
        log(f"  {name}: expected {code} {txid if txid is not None else '(no answer)'}, got {firsts}")
    log(f"malformed corpus: {len(results) - len(bad)} of {len(results)} answered as expected")
    check(not bad, f"{len(bad)} corpus files answered otherwise")
    # Nothing leaked, and the daemon still answers.
    for ep in ("rtp/1", "rtp/2", "ds/e1-1/1", "ds/e1-1/17"):
        r = topo.ca.command(g2.port, "AUEP", f"{ep}@{g2.name}", [("F", "I")])
        check(r.code == 200, f"AUEP {ep}: {r.code}")
        check("I" not in r.params, f"AUEP {ep} shows a connection left by the corpus: {r.text!r}")
    check(g2.alive(), "gateway 2 died on the corpus")
    return len(results)


def _matches(answer, code, txid):
    parts = answer.split()
    return len(parts) >= 2 and parts[0] == str(code) and parts[1] == str(txid)


def rtp_flood(topo):
    """Floods gateway 1's RTP port of a live PCMU connection from a stranger: junk, and RTP with
    the right payload type but foreign SSRCs and wild sequence numbers."""
    leg = Leg(topo, 5, "PCMU")
    call = Call(topo, 5)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rng = random.Random(7)
    sent = 0
    start = time.monotonic()
    while time.monotonic() - start < 2.0:
        for _ in range(200):
            if sent % 3 == 0:
                pkt = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 200)))
            else:
                pkt = struct.pack("!BBHII", 0x80, 0, rng.getrandbits(16), rng.getrandbits(32),
                                  rng.getrandbits(32)) + bytes(160)
            s.sendto(pkt, ("127.0.0.1", leg.port1))
            sent += 1
        time.sleep(0.005)
    s.close()
    log(f"RTP flood: {sent} datagrams to gateway 1 port {leg.port1} in {time.monotonic() - start:.1f} s")
    check(topo.gw1.alive(), "gateway 1 died under the flood")
    # The call still works: a fresh tone from A arrives at B.
    topo.a.client.ok("play", call=call.a_call, source="tone", hz=800.0, dbm0=-10, ms=700)
    t = wait_tone(topo.b.client, call.b_call, 800.0)
    log(f"after the flood, A->B tone {t['hz']:.0f} Hz {t['dbm0']:.1f} dBm0")
    check(call.release_from_a(16) == 16, "release after the flood")
    p1, _ = leg.delete()
    log(f"gateway 1 P: after the flood {p1}")
    # The flood's RTP-shaped two thirds reach the connection's counters (P: PR); junk is dropped.
    rtp_shaped = sent - (sent + 2) // 3
    check(p1.get("PR", 0) >= rtp_shaped // 2, f"gateway 1 P: {p1} does not show the flood of {rtp_shaped} RTP packets")
    return sent


def rsip_from(topo, gw, predicate_text, since, timeout):
    return topo.ca.wait_command(
        lambda src, m: m.verb == "RSIP" and src[1] == gw.port and m.endpoint.endswith("@" + gw.name)
        and predicate_text(m), timeout=timeout, since=since)


def span_alarm(topo):
    g2 = topo.gw2
    since = time.monotonic()
    topo.b.kill()
    m = rsip_from(topo, g2, lambda m: m.params.get("RM", "").lower() == "forced", since, 8)
    check(m.endpoint.startswith("ds/e1-1/*"), f"RSIP forced on {m.endpoint}")
    took = time.monotonic() - since
    log(f"span alarm: '{m.text.splitlines()[0]}' RM: forced {took:.1f} s after exchange B died")
    check(took < 1.0 + 2.0, f"RSIP forced {took:.1f} s after the alarm (alarm_hold_ms = 1000)")
    check(pstn_client.poll_until(
        lambda: any(n == g2.name and s == 1 and bits & 1 for n, s, bits in list(topo.bridge.status)), 5),
        f"no loss-of-signal span status on the backhaul: {topo.bridge.status}")
    r = topo.ca.command(g2.port, "CRCX", f"ds/e1-1/3@{g2.name}", [("C", "B1"), ("L", "a:PCMU"), ("M", "recvonly")])
    log(f"CRCX on an endpoint of the span in alarm: {r.code}")
    check(r.code >= 400, f"CRCX on a span in alarm answered {r.code}")
    since = time.monotonic()
    topo.b.restart()
    m = rsip_from(topo, g2, lambda m: m.params.get("RM", "").lower() == "restart", since, 10)
    log(f"span back: '{m.text.splitlines()[0]}' RM: restart")
    ok = pstn_client.poll_until(lambda: topo.b.client.ok("status")["spans"][0].get("link_up"), 15)
    check(ok, "exchange B's D-channel did not come back through the backhaul")


def call_agent_disappears(topo):
    g2 = topo.gw2
    topo.ca.answering = False
    since = time.monotonic()
    topo.b.kill()  # something for the gateway to tell the call agent: RSIP RM: forced
    m = rsip_from(topo, g2, lambda m: m.params.get("RM", "").lower() == "forced", since, 8)
    tx = m.first[1]
    d = rsip_from(topo, g2, lambda m: m.params.get("RM", "").lower() == "disconnected", since, 25)
    copies = sum(1 for t, src, c in topo.ca.commands if t >= since and c.first[1:2] == [tx])
    log(f"call agent silent: RSIP forced {tx} sent {copies} times, then '{d.text.splitlines()[0]}' RM: disconnected "
        f"{time.monotonic() - since:.1f} s later")
    check(copies >= 2, "the unanswered RSIP was not retransmitted")
    topo.ca.answering = True
    since = time.monotonic()
    # The next RSIP (the disconnected procedure repeats with doubling waits) is answered now.
    rsip_from(topo, g2, lambda m: True, since, 20)
    r = pstn_client.poll_until(
        lambda: (lambda r: r if r.code == 200 else None)(topo.ca.command(g2.port, "AUEP", f"rtp/1@{g2.name}", [])), 5)
    check(r, "gateway 2 not answering after the call agent came back")
    topo.b.restart()
    ok = pstn_client.poll_until(lambda: topo.b.client.ok("status")["spans"][0].get("link_up"), 15)
    check(ok, "exchange B's D-channel did not come back")


def backhaul_outage(topo):
    """The call agent's backhaul listener goes away for 3 s: Q.921 fails end to end (the
    exchanges see the D-channel down), the gateways reconnect with backoff when it returns, and
    the D-channel comes back up through them."""
    port = topo.bridge.port
    topo.bridge.close()
    down = pstn_client.poll_until(lambda: not topo.a.client.ok("status")["spans"][0].get("link_up"), 15)
    log(f"backhaul listener closed: exchange A's D-channel {'down' if down else 'still up'}")
    check(down, "exchange A's D-channel stayed up without the backhaul")
    time.sleep(1.0)
    topo.bridge = BackhaulBridge(port)
    since = time.monotonic()
    check(pstn_client.poll_until(lambda: len(topo.bridge.connected()) == 2, 10),
          f"gateways did not reconnect: {topo.bridge.connected()}")
    log(f"both gateways reconnected {time.monotonic() - since:.1f} s after the listener returned")
    for x in (topo.a, topo.b):
        check(pstn_client.poll_until(lambda x=x: x.client.ok("status")["spans"][0].get("link_up"), 20),
              "D-channel did not come back through the backhaul")
    log(f"D-channel up again at both exchanges {time.monotonic() - since:.1f} s after the listener returned")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    started = time.monotonic()
    fast_timers = ("transactions = { initial_rto_ms = 100; max_rto_ms = 400; max1 = 2; max2 = 4; "
                   "tdinit_ms = 1500; tdmin_ms = 1500; tdmax_ms = 3000; };")
    with Topology(sys.argv[1], sys.argv[2], mgcp_extra=fast_timers) as topo:
        topo.wait_ready()
        n = malformed_corpus(topo)
        flood = rtp_flood(topo)
        span_alarm(topo)
        call_agent_disappears(topo)
        backhaul_outage(topo)
        for g in topo.gw:
            check(g.alive(), f"{g.name} died")
        rcs = [g.stop() for g in topo.gw]
        check(rcs == [0, 0], f"gateways exited with {rcs}")
        c2 = topo.gw2.counters()
        refused = {k: v for k, v in c2.items() if v and ("malformed" in k or "rx." in k and "mgcp_agent" in k)}
        log(f"gateway 2 counters after the corpus: {refused}")
        check(c2.get("mgcp_agent.rx.malformed", 0) >= n - 12, f"gateway 2 counted {c2.get('mgcp_agent.rx.malformed')} "
              f"malformed commands for {n} corpus files")
        check(c2.get("spans.span1.out_of_service", 0) == 2, "gateway 2 should have taken span 1 out of service twice")
        for g in topo.gw:
            c = g.counters()
            log(f"{g.name} backhaul: connects {c.get('backhaul.connects')}, disconnects "
                f"{c.get('backhaul.disconnects')}, reconnects {c.get('backhaul.reconnects')}, connect failures "
                f"{c.get('backhaul.connect_failures')}")
            # A connection attempt can land in the closing listener's backlog and be reset at
            # once: that counts as one more disconnect/reconnect pair, which is right.
            check(c.get("backhaul.disconnects", 0) >= 1 and c.get("backhaul.reconnects", 0) == c.get("backhaul.disconnects"),
                  f"{g.name}: every backhaul disconnect should be followed by a reconnect")
            check(c.get("backhaul.connect_failures", 0) >= 1, f"{g.name}: no refused attempt during the outage")
        log(f"corpus {n} files, flood {flood} datagrams")
    log(f"PASS in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except TestFailure as e:
        print(f"FAIL: {e}", flush=True)
        sys.exit(1)
