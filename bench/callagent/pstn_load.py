"""Drives PSTN-IP-PSTN calls through the lab of pstn_bed.py from exchange A's control
connection (docs/pstn.md): `call` to 02012001 at a set rate, `hangup` (cause 16) as soon as
A sees CONNECT, until A sees the RELEASE. Requests are pipelined (one connection, ids matched),
so the driver does not wait for a response before sending the next call.

A call succeeds when A sees CONNECT and then a release with cause 16 (normal clearing, ours).
It fails when A's `call` is refused (no free B-channel: the offered load exceeds the circuits),
when A is cleared before CONNECT (any cause: 34 congestion, 41, 102 ...), or when CONNECT or the
release does not come within the bound."""
import json
import select
import time

import procstat
from pstn_bed import CALLED, CALLING
from sip_anchors import BenchError

SETUP_BOUND_S = 10.0    # a call not connected by then is failed
RELEASE_BOUND_S = 10.0  # nor released by then after our hangup


class _Call:
    __slots__ = ("rid", "span", "sent", "call", "connected", "hangup_sent", "done", "failed", "cause")

    def __init__(self, rid, span, sent):
        self.rid, self.span, self.sent = rid, span, sent
        self.call = None
        self.connected = None
        self.hangup_sent = None
        self.done = None
        self.failed = None
        self.cause = None


class Driver:
    """Owns exchange A's control client (tests/system/pstn/pstn_client.Client) for the run."""

    def __init__(self, client, spans):
        self.sock = client.sock
        self.buffer = client.buffer
        client.buffer = b""
        self.spans = spans
        self.next_id = 1_000_000  # apart from the ids the client used
        self.by_rid = {}
        self.by_call = {}
        self.early = {}  # events of a call id whose `call` response has not come yet

    # -- wire ---------------------------------------------------------------------------------
    def _send(self, cmd, **fields):
        rid = self.next_id
        self.next_id += 1
        self.out.append((json.dumps(dict(cmd=cmd, id=rid, **fields)) + "\n").encode())
        return rid

    def _flush(self):
        if self.out:
            data = b"".join(self.out)
            self.out = []
            self.sock.setblocking(True)
            self.sock.sendall(data)

    def _read_available(self, wait_s):
        r, _, _ = select.select([self.sock], [], [], max(0.0, wait_s))
        if not r:
            return []
        self.sock.setblocking(False)
        try:
            while True:
                try:
                    chunk = self.sock.recv(1 << 20)
                except BlockingIOError:
                    break
                if not chunk:
                    raise BenchError("exchange A closed its control connection")
                self.buffer += chunk
                if len(chunk) < (1 << 20):
                    break
        finally:
            self.sock.setblocking(True)
        *lines, self.buffer = self.buffer.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]

    # -- one call's events ----------------------------------------------------------------------
    def _on_event(self, c, ev, now):
        kind = ev.get("event")
        if kind == "connect" and c.connected is None:
            c.connected = now
            c.hangup_sent = now
            self._send("hangup", call=c.call, cause=16)
        elif kind in ("disconnect", "release") and c.done is None:
            cause = (ev.get("cause") or {}).get("value")
            if c.connected is None:
                c.failed, c.cause, c.done = f"cleared before connect, cause {cause}", cause, now
            elif kind == "release":
                c.cause, c.done = cause, now
                if cause != 16:
                    c.failed = f"cleared with cause {cause}"

    def _dispatch(self, msg, now):
        if "event" in msg:
            call = msg.get("call")
            c = self.by_call.get(call)
            if c is None:
                self.early.setdefault(call, []).append(msg)
            else:
                self._on_event(c, msg, now)
            return
        c = self.by_rid.pop(msg.get("id"), None)
        if c is None:
            return  # a hangup's response
        if not msg.get("ok"):
            c.failed, c.done = f"call refused by exchange A: {msg.get('error')}", now
            return
        c.call = msg["call"]
        self.by_call[c.call] = c
        for ev in self.early.pop(c.call, []):
            self._on_event(c, ev, now)

    # -- a load step ----------------------------------------------------------------------------
    def run(self, rate, seconds, max_calls=None):
        """Offers `rate` calls per second for `seconds` (or `max_calls`), then waits (bounded)
        for every call to end. Returns the calls (list of _Call)."""
        self.out = []
        total = max_calls if max_calls is not None else max(1, int(round(rate * seconds)))
        interval = 1.0 / rate
        calls = []
        live = []
        start = time.monotonic()
        span_turn = 0
        while True:
            now = time.monotonic()
            while len(calls) < total and start + len(calls) * interval <= now:
                span_turn = span_turn % self.spans + 1
                c = _Call(None, span_turn, now)
                c.rid = self._send("call", called=CALLED, calling=CALLING, span=span_turn)
                self.by_rid[c.rid] = c
                calls.append(c)
                live.append(c)
            self._flush()
            for msg in self._read_available(0.0):
                self._dispatch(msg, time.monotonic())
            now = time.monotonic()
            still = []
            for c in live:
                if c.done is None:
                    if c.connected is None and now - c.sent > SETUP_BOUND_S:
                        c.failed, c.done = "no connect within the bound", now
                    elif c.connected is not None and now - c.connected > RELEASE_BOUND_S:
                        c.failed, c.done = "no release within the bound", now
                if c.done is None:
                    still.append(c)
            live = still
            self._flush()
            if len(calls) == total and not live:
                break
            next_call = start + len(calls) * interval if len(calls) < total else now + 0.05
            for msg in self._read_available(min(0.05, next_call - time.monotonic())):
                self._dispatch(msg, time.monotonic())
        for c in calls:  # ids of timed-out calls: their late events are dropped
            self.by_call.pop(c.call, None)
        self.early.clear()
        return calls

    def hold(self, n, rate):
        """Sets up n calls at `rate` and keeps them up (no hangup). Returns the connected calls."""
        self.out = []
        calls, start, span_turn = [], time.monotonic(), 0
        saved = self._on_event
        self._on_event = self._on_event_hold
        try:
            while True:
                now = time.monotonic()
                while len(calls) < n and start + len(calls) / rate <= now:
                    span_turn = span_turn % self.spans + 1
                    c = _Call(None, span_turn, now)
                    c.rid = self._send("call", called=CALLED, calling=CALLING, span=span_turn)
                    self.by_rid[c.rid] = c
                    calls.append(c)
                self._flush()
                for msg in self._read_available(0.02):
                    self._dispatch(msg, time.monotonic())
                now = time.monotonic()
                for c in calls:
                    if c.done is None and c.connected is None and now - c.sent > SETUP_BOUND_S:
                        c.failed, c.done = "no connect within the bound", now
                if len(calls) == n and all(c.connected is not None or c.done is not None for c in calls):
                    return [c for c in calls if c.connected is not None and c.done is None]
        finally:
            self._on_event = saved

    def _on_event_hold(self, c, ev, now):
        kind = ev.get("event")
        if kind == "connect" and c.connected is None:
            c.connected = now
        elif kind in ("disconnect", "release") and c.done is None:
            c.done, c.cause = now, (ev.get("cause") or {}).get("value")
            c.failed = f"cleared while held, cause {c.cause}"

    def release(self, calls):
        """Hangs up held calls and waits (bounded) for their releases."""
        self.out = []
        for c in calls:
            c.hangup_sent = time.monotonic()
            self._send("hangup", call=c.call, cause=16)
        self._flush()
        deadline = time.monotonic() + RELEASE_BOUND_S + len(calls) / 50.0
        while time.monotonic() < deadline and any(c.done is None for c in calls):
            for msg in self._read_available(0.05):
                if "event" in msg and msg.get("event") == "release":
                    c = self.by_call.get(msg.get("call"))
                    if c is not None and c.done is None:
                        c.done, c.cause = time.monotonic(), (msg.get("cause") or {}).get("value")
        return sum(1 for c in calls if c.done is None)


def summarise(calls, elapsed_s):
    ok = [c for c in calls if c.failed is None and c.done is not None]
    failed = [c for c in calls if c.failed is not None]
    pdd = sorted((c.connected - c.sent) * 1000.0 for c in ok)
    reasons = {}
    for c in failed:
        reasons[c.failed] = reasons.get(c.failed, 0) + 1

    def pct(p):
        return pdd[min(len(pdd) - 1, int(p * len(pdd)))] if pdd else float("nan")
    first, last = (min(c.sent for c in calls), max(c.sent for c in calls)) if calls else (0, 0)
    offered = (len(calls) - 1) / (last - first) if len(calls) > 1 and last > first else float("nan")
    return {"calls": len(calls), "successful": len(ok), "failed": len(failed), "reasons": reasons,
            "pdd_ms_p50": pct(0.50), "pdd_ms_p99": pct(0.99), "offered_cps": offered, "elapsed_s": elapsed_s}


def measure_step(driver, pids, rate, seconds):
    """One load step: CPU of every lab process over the step, and the call outcome."""
    meters = {name: procstat.CpuMeter(pid) for name, pid in pids.items()}
    for m in meters.values():
        m.start()
    t0 = time.monotonic()
    calls = driver.run(rate, seconds)
    elapsed = time.monotonic() - t0
    cpu = {name: m.stop() for name, m in meters.items()}
    s = summarise(calls, elapsed)
    s["cpu_s"] = cpu
    s["load"] = procstat.load_average()
    return s
