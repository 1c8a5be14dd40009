#!/usr/bin/env python3
"""tandem-ca system test: a PSTN-IP-PSTN call through the real call agent.

    exchange A (tandem-pstn, network) ══sim E1══ mgw1 ─┐ RTP (G.729) ┌─ mgw2 ══sim E1══ exchange B (network)
                                          backhaul+MGCP \\           / backhaul+MGCP
                                                       tandem-ca (libpri user side on both spans)

A call from subscriber 1001 on A to 02012001 is routed to B (strip 4 -> 2001): SETUP ... CONNECT on
both sides, a tone each way, DTMF A->B, release from A with cause 16 on both sides and one CDR line;
then 02012002 (busy: 17), 02019999 (unallocated: 1), a call released from B (16, callee), gateway 2
stopped mid-call (A cleared with 38), and a call up when tandem-ca gets SIGTERM (16 both sides).
Everything started is stopped at the end, also on failure. Usage: pstn_ip_pstn.py TANDEM_CA TANDEM_MGW TANDEM_PSTN
"""
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # nothing written into other areas' folders
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mgw"))
import harness  # noqa: E402  (tests/system/mgw/harness.py: Gateway, Exchange, exchange_config)
from harness import TestFailure, check, log, pstn_client  # noqa: E402


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CallAgent:
    """A tandem-ca process; it prints 'mgcp port N' and 'backhaul port N' once listening."""

    def __init__(self, binary, workdir, mgcp_port, backhaul_port, gw1, gw2, cdr_path):
        self.config = harness.write(os.path.join(workdir, "ca.cfg"), f"""
callagent = {{
  notified_entity = "ca@127.0.0.1:{mgcp_port}";
  mgcp_address = "127.0.0.1"; mgcp_port = {mgcp_port};
  backhaul = {{ address = "127.0.0.1"; port = {backhaul_port}; }};
  cdr = {{ path = "{cdr_path}"; }};
  timers = {{ no_answer_ms = 30000; }};
  gateways = (
    {{ name = "{gw1.name}"; address = "127.0.0.1"; port = {gw1.port}; keepalive_ms = 5000; }},
    {{ name = "{gw2.name}"; address = "127.0.0.1"; port = {gw2.port}; keepalive_ms = 5000; }}
  );
  trunk_groups = (
    {{ name = "exchange-a"; gateway = "{gw1.name}"; signalling = "pri"; switch_type = "euroisdn_e1";
      spans = ( {{ span = 1; channels = "1-15,17-31"; }} ); }},
    {{ name = "exchange-b"; gateway = "{gw2.name}"; signalling = "pri"; switch_type = "euroisdn_e1";
      spans = ( {{ span = 1; channels = "1-15,17-31"; }} ); }}
  );
  routes = (
    {{ name = "to-b"; prefix = "0201"; strip = 4; codecs = [ "G729" ]; targets = ( {{ trunk_group = "exchange-b"; }} ); }},
    {{ name = "to-a"; prefix = "0100"; strip = 4; codecs = [ "G729" ]; targets = ( {{ trunk_group = "exchange-a"; }} ); }}
  );
}};
""")
        self.log_path = os.path.join(workdir, "ca.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, "--config", self.config], stdout=subprocess.PIPE, stderr=self.log,
                                     text=True)
        ports = {}
        for _ in range(2):
            parts = self.proc.stdout.readline().split()
            if len(parts) == 3 and parts[1] == "port":
                ports[parts[0]] = int(parts[2])
        if set(ports) != {"mgcp", "backhaul"}:
            self.stop()
            raise TestFailure(f"tandem-ca did not start (see {self.log_path})")

    def log_count(self, *parts):
        """Lines of the call agent's log holding every one of `parts`."""
        with open(self.log_path, errors="replace") as f:
            return sum(1 for line in f if all(p in line for p in parts))

    def stop(self):
        """SIGTERM (calls released, then exit); returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()
        return self.proc.returncode


class Bed:
    def __init__(self, ca_binary, mgw_binary, pstn_binary):
        self.workdir = tempfile.mkdtemp(prefix="tandem-ca-sys-")
        self.procs = []
        self.b_calls_seen = set()  # exchange B's call ids already taken (events stay listed)
        self.cdr_path = os.path.join(self.workdir, "cdr.csv")
        mgcp_port = harness.free_udp_port()
        bh_port = free_tcp_port()
        a_sock = os.path.join(self.workdir, "a.sock")
        b_sock = os.path.join(self.workdir, "b.sock")
        self.a = harness.Exchange(pstn_binary, harness.exchange_config(
            self.workdir, "exchange-a", "network", a_sock, ['{ number = "1001"; behaviour = "manual"; }']),
            os.path.join(self.workdir, "exchange-a.log"))
        self.procs.append(self.a)
        self.b = harness.Exchange(pstn_binary, harness.exchange_config(
            self.workdir, "exchange-b", "network", b_sock,
            ['{ number = "2001"; behaviour = "manual"; }', '{ number = "2002"; behaviour = "busy"; }']),
            os.path.join(self.workdir, "exchange-b.log"))
        self.procs.append(self.b)
        self.gw1 = harness.Gateway(mgw_binary, self.workdir, "mgw1.tandem.test", a_sock, mgcp_port, bh_port)
        self.procs.append(self.gw1)
        self.gw2 = harness.Gateway(mgw_binary, self.workdir, "mgw2.tandem.test", b_sock, mgcp_port, bh_port)
        self.procs.append(self.gw2)
        self.ca = CallAgent(ca_binary, self.workdir, mgcp_port, bh_port, self.gw1, self.gw2, self.cdr_path)

    def close(self, failed):
        ca_rc = None
        try:
            ca_rc = self.ca.stop()
        except Exception:
            pass
        for p in (self.gw1, self.gw2):
            try:
                p.stop()
            except Exception:
                pass
        for x in (self.a, self.b):
            try:
                x.kill()
            except Exception:
                pass
        if failed:
            log(f"logs kept in {self.workdir}")
            for name in sorted(os.listdir(self.workdir)):
                if name.endswith(".log"):
                    with open(os.path.join(self.workdir, name), errors="replace") as f:
                        tail = [line for line in f if " counter " not in line][-30:]
                    print(f"----- {name} (last lines)\n" + "".join(tail), flush=True)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return ca_rc

    def wait_ready(self, timeout=20.0):
        for x, name in ((self.a, "A"), (self.b, "B")):
            ok = pstn_client.poll_until(lambda x=x: x.client.ok("status")["spans"][0].get("link_up"), timeout)
            check(ok, f"D-channel of exchange {name} not up: {x.client.ok('status')}")
        # The exchange can see its data link up a little before tandem-ca's libpri does (seen:
        # 0.5 s; a SETUP sent in between never reached the call agent): wait for both.
        for gw in (self.gw1, self.gw2):
            ok = pstn_client.poll_until(lambda gw=gw: self.ca.log_count(f"q931 {gw.name} span 1: ", "link up") > 0,
                                        timeout)
            check(ok, f"tandem-ca never saw the D-channel on {gw.name} up")

    def cdr_rows(self):
        if not os.path.exists(self.cdr_path):
            return []
        with open(self.cdr_path) as f:
            return list(csv.DictReader(f))


def event(client, kind, call=None, timeout=15.0):
    return client.wait_event(lambda e: e.get("event") == kind and (call is None or e.get("call") == call),
                             timeout=timeout)


def answered_call(bed):
    a, b = bed.a.client, bed.b.client
    r = a.ok("call", called="02012001", calling="1001")
    a_call = r["call"]
    ev = b.wait_event(lambda e: e.get("event") == "setup" and e.get("direction") == "incoming"
                      and e.get("called") == "2001" and e.get("call") not in bed.b_calls_seen, timeout=15)
    b_call = ev["call"]
    bed.b_calls_seen.add(b_call)
    b.ok("answer", call=b_call)
    event(b, "connect", b_call)
    event(a, "connect", a_call)
    log(f"connected: A call {a_call} (ts {r.get('channel')}), B call {b_call}")
    return a_call, b_call


def wait_tone(client, call, hz, timeout=6.0):
    def found():
        for t in client.ok("audio", call=call)["tones"]:
            # Sent at -10 dBm0; G.729 keeps a steady tone within a few dB.
            if abs(t["hz"] - hz) <= 15 and t["duration_ms"] >= 300 and -16.0 <= t["dbm0"] <= -5.0:
                return t
        return None
    t = pstn_client.poll_until(found, timeout=timeout, step=0.2)
    check(t, f"tone {hz} Hz not found at call {call}: {client.ok('audio', call=call)['tones']}")
    return t


def tones_both_ways(a, a_call, b, b_call, attempts=3):
    """A plays 1004 Hz, B 1800 Hz, 700 ms each; each must find the other's tone unbroken for
    300 ms. On a loaded 2-core host a gateway's media tick can stall and chop a tone (the same
    known media issue tests/system/mgw handles, docs/mgw.md): played once more, and logged."""
    for attempt in range(1, attempts + 1):
        a.ok("play", call=a_call, source="tone", hz=1004.0, dbm0=-10, ms=700)
        b.ok("play", call=b_call, source="tone", hz=1800.0, dbm0=-10, ms=700)
        try:
            return wait_tone(b, b_call, 1004.0), wait_tone(a, a_call, 1800.0)
        except TestFailure as e:
            if attempt == attempts:
                raise
            log(f"tones, attempt {attempt}: {e}; playing again")
            time.sleep(0.5)


def rejected_call(bed, called, want_cause):
    a = bed.a.client
    r = a.ok("call", called=called, calling="1001")
    ev = a.wait_event(lambda e: e.get("event") in ("disconnect", "release") and e.get("call") == r["call"],
                      timeout=15)
    got = ev["cause"]["value"]
    log(f"call to {called}: {ev['event']} cause {got}")
    check(got == want_cause, f"call to {called}: cause {got}, expected {want_cause}")
    event(a, "release", r["call"])


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    bed = Bed(*sys.argv[1:4])
    failed = True
    try:
        bed.wait_ready()
        a, b = bed.a.client, bed.b.client
        skip = 0  # calls redone because of the gateway's known silent receive path
        for attempt in (1, 2):
            a_call, b_call = answered_call(bed)
            try:
                t_b, t_a = tones_both_ways(a, a_call, b, b_call)
                break
            except TestFailure as e:
                if attempt == 2:
                    raise
                # docs/mgw.md, Known issues: after an RTP burst on a loaded host a gateway can
                # play silence for the rest of the call while RTP keeps arriving. The call agent
                # did its part (the record shows RTP both ways); redo the call once. Kept: on
                # 2026-11-25 (after the playout fix 017daee) a loaded host still lost DTMF sent
                # 1 s into a call whose tones had passed, and tests/system/sip saw sipp's audio
                # stop about 2 s into a call (docs/sip.md).
                log(f"call attempt 1: {e}; known gateway media issue (docs/mgw.md), calling again")
                a.ok("hangup", call=a_call, cause=16)
                event(a, "release", a_call)
                b.wait_event(lambda e: e.get("event") == "release" and e.get("call") == b_call, timeout=15)
                skip = 1
        log(f"tone A->B {t_b['hz']:.0f} Hz {t_b['dbm0']:.1f} dBm0, B->A {t_a['hz']:.0f} Hz {t_a['dbm0']:.1f} dBm0")
        for where, t in (("A->B", t_b), ("B->A", t_a)):
            check(-16.0 <= t["dbm0"] <= -5.0, f"{where} tone level {t['dbm0']} dBm0 (sent -10)")
        a.ok("dtmf", call=a_call, digits="1234")
        got = pstn_client.poll_until(
            lambda: (lambda d: d if len(d) >= 4 else None)(b.ok("audio", call=b_call)["digits"]), timeout=12, step=0.2)
        log(f"DTMF at B: {got!r}")
        check(got == "1234", f"DTMF at B: {got!r}, sent '1234'")
        a.ok("hangup", call=a_call, cause=16)
        ev = b.wait_event(lambda e: e.get("event") in ("disconnect", "release") and e.get("call") == b_call, timeout=15)
        check(ev["cause"]["value"] == 16, f"B cleared with cause {ev['cause']['value']}, expected 16")
        event(a, "release", a_call)
        rows = pstn_client.poll_until(lambda: (lambda r: r if len(r) >= 1 + skip else None)(bed.cdr_rows()),
                                      timeout=10)
        check(rows and len(rows) == 1 + skip, f"CDR rows: {rows}")
        row = rows[skip]
        log(f"CDR: {row}")
        check(row.get("cause") == "16", f"CDR cause {row.get('cause')}")
        check(row.get("called") == "02012001", f"CDR called {row.get('called')}")
        check(row.get("calling") == "1001", f"CDR calling {row.get('calling')}")
        check(row.get("codec", "").upper().startswith("G729"), f"CDR codec {row.get('codec')}")
        check(row.get("answer"), f"CDR answer time empty: {row}")
        check(row.get("released_by") == "caller", f"CDR released_by {row.get('released_by')}")
        rejected_call(bed, "02012002", 17)
        rejected_call(bed, "02019999", 1)
        # Release from the called side: A hears DISCONNECT 16, the record says callee.
        a_call, b_call = answered_call(bed)
        b.ok("hangup", call=b_call, cause=16)
        ev = a.wait_event(lambda e: e.get("event") in ("disconnect", "release") and e.get("call") == a_call,
                          timeout=15)
        check(ev["cause"]["value"] == 16, f"A cleared with cause {ev['cause']['value']}, expected 16")
        event(b, "release", b_call)
        rows = pstn_client.poll_until(lambda: (lambda r: r if len(r) >= 4 + skip else None)(bed.cdr_rows()),
                                      timeout=10)
        check(rows, f"CDR rows after four calls: {bed.cdr_rows()}")
        by_cause = [(r["called"], r["cause"], r["released_by"]) for r in rows[skip:]]
        log(f"CDR (called, cause, released_by): {by_cause}")
        check(by_cause[1][:2] == ("02012002", "17"), f"busy record {by_cause[1]}")
        check(by_cause[2][:2] == ("02019999", "1"), f"unallocated record {by_cause[2]}")
        check(by_cause[3] == ("02012001", "16", "callee"), f"callee-released record {by_cause[3]}")
        # Gateway 2 dies mid-call: its backhaul closes, the PRI link toward B goes down and the
        # call agent clears the call toward A with 38 (network out of order) at once.
        a_call, b_call = answered_call(bed)
        bed.gw2.stop()
        ev = a.wait_event(lambda e: e.get("event") in ("disconnect", "release") and e.get("call") == a_call,
                          timeout=10)
        log(f"gateway 2 stopped mid-call: A cleared with cause {ev['cause']['value']}")
        check(ev["cause"]["value"] == 38, f"A cleared with cause {ev['cause']['value']} when gateway 2 died, expected 38")
        event(a, "release", a_call)
        rows = pstn_client.poll_until(lambda: (lambda r: r if len(r) >= 5 + skip else None)(bed.cdr_rows()),
                                      timeout=10)
        check(rows and rows[-1]["cause"] == "38", f"record of the call cut by gateway 2: {bed.cdr_rows()[-1:]}")
        skip += 1
        in_service_before = bed.ca.log_count(f"{bed.gw2.name}: ", "-> in_service")
        bed.gw2.start()
        check(pstn_client.poll_until(lambda: bed.b.client.ok("status")["spans"][0].get("link_up"), 20),
              "D-channel toward B not back after gateway 2 restarted")
        # The call agent takes gateway 2's circuits back once MGCP answers again (RSIP or audit).
        check(pstn_client.poll_until(
            lambda: bed.ca.log_count(f"{bed.gw2.name}: ", "-> in_service") > in_service_before, 20),
            "tandem-ca never put gateway 2 back in service")
        # SIGTERM with a call up: the call agent clears it (16) on both sides, writes its record
        # and exits 0.
        a_call, b_call = answered_call(bed)
        rc = bed.ca.stop()
        check(rc == 0, f"tandem-ca exited with {rc} after SIGTERM")
        for client, call, side in ((a, a_call, "A"), (b, b_call, "B")):
            ev = client.wait_event(lambda e, call=call: e.get("event") in ("disconnect", "release")
                                   and e.get("call") == call, timeout=10)
            check(ev["cause"]["value"] == 16, f"{side} cleared at shutdown with cause {ev['cause']['value']}")
        rows = bed.cdr_rows()
        check(len(rows) == 5 + skip and rows[-1]["released_by"] == "call_agent" and rows[-1]["cause"] == "16",
              f"record of the call cleared at shutdown: {rows[-1:]}")
        log("SIGTERM: the call up was cleared with 16 on both sides, record written, exit 0")
        failed = False
    except (TestFailure, pstn_client.ControlError, TimeoutError) as e:
        log(f"FAIL: {e}")
    finally:
        rc = bed.close(failed)
    if not failed and rc != 0:
        log(f"tandem-ca exited with {rc} after SIGTERM")
        return 1
    if not failed:
        log("PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
