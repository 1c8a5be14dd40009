#!/usr/bin/env python3
"""MGCP transaction load against one tandem-mgw: CRCX+DLCX pairs on rtp/$ with the gateway idle,
then again with BUSY endpoints each holding a connection (issue 5's second bench).

    bench/mgcp_load/mgcp_load.py BUILD/gateway/app/tandem-mgw [--busy 9000] [--seconds 5] [--window 64]

Prints, per phase: transactions per second (a CRCX and a DLCX are one transaction each) as seen
by this client, and transactions per second of the gateway's own CPU time (utime+stime from
/proc/<pid>/stat over the phase): the figure to compare with "per core" goals, since the Python
client shares the host and is likely the limit on wall-clock throughput. The busy/idle ratio is
computed on the per-CPU-second figures.

Refusals are counted apart (only successful transactions count): the media engine takes at
most queue_capacity (1024) commands between two of its 10 ms ticks and answers 502 beyond; a
client with a window of 64 never meets it.

bench/mgcp_load/mgcp_agent_bench measures the same stack in-process, without the MGCP socket
and without this client's limits (docs/performance.md, "Gateway").

Each connection costs the gateway two UDP sockets (RTP and RTCP) and file descriptors: BUSY is
limited by `ulimit -n` (the default 9000 fits 20000 descriptors)."""
import argparse
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Client:
    def __init__(self, gw_port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.port = self.sock.getsockname()[1]
        self.gw = ("127.0.0.1", gw_port)
        self.txid = 1000
        self.pending = {}  # txid -> (kind, endpoint, sent_at)
        self.completed = 0
        self.first_error = None  # (transactions completed before it, first line)

    def send(self, text_fn, kind, endpoint):
        self.txid += 1
        self.sock.sendto(text_fn(self.txid).encode(), self.gw)
        self.pending[self.txid] = (kind, endpoint, time.monotonic())

    def recv(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data, src = self.sock.recvfrom(65536)
        except socket.timeout:
            return None
        return data.decode("latin-1")

    def answer_commands(self, text):
        """Answers a command from the gateway (RSIP, NTFY, DLCX) with 200."""
        parts = text.split(None, 2)
        self.sock.sendto(f"200 {parts[1]} OK\r\n".encode(), self.gw)


def crcx(endpoint, domain):
    return lambda t: f"CRCX {t} {endpoint}@{domain} MGCP 1.0\r\nC: 1\r\nL: a:PCMU\r\nM: recvonly\r\n"


def dlcx(endpoint, domain, conn):
    return lambda t: f"DLCX {t} {endpoint}@{domain} MGCP 1.0\r\nC: 1\r\nI: {conn}\r\n"


def handle(c, text, domain, on_created):
    """One datagram: a response completes a pending transaction; returns (kind, ok)."""
    first = text.split("\r\n", 1)[0].split()
    if not first:
        return None
    if not first[0].isdigit():
        c.answer_commands(text)
        return None
    code, txid = int(first[0]), int(first[1])
    if code < 200 or txid not in c.pending:
        return None
    kind, endpoint, _ = c.pending.pop(txid)
    if not 200 <= code < 300 and c.first_error is None:
        c.first_error = (c.completed, text.split("\r\n", 1)[0])
    c.completed += 1
    if kind == "crcx" and code == 200:
        conn = re.search(r"^I: *(\S+)", text, re.M).group(1)
        z = re.search(r"^Z: *([^@\r\n]+)", text, re.M)
        on_created(z.group(1) if z else endpoint, conn)
    return kind, 200 <= code < 300


def run_pairs(c, domain, seconds, window):
    """CRCX rtp/$ then DLCX of what it created, `window` transactions in flight."""
    done = errors = 0
    deadline = time.monotonic() + seconds
    created = []

    def on_created(ep, conn):
        created.append((ep, conn))

    while len(c.pending) < window:
        c.send(crcx("rtp/$", domain), "crcx", "rtp/$")
    while time.monotonic() < deadline:
        text = c.recv(2.0)
        if text is None:
            raise SystemExit(f"no answer from the gateway in 2 s ({len(c.pending)} pending)")
        r = handle(c, text, domain, on_created)
        if r is None:
            continue
        if r[1]:
            done += 1
        else:
            errors += 1
        while created:
            ep, conn = created.pop()
            c.send(dlcx(ep, domain, conn), "dlcx", ep)
        if r[0] == "dlcx" or not r[1]:
            c.send(crcx("rtp/$", domain), "crcx", "rtp/$")
    # Drain: the DLCX of every connection still open.
    drain_deadline = time.monotonic() + 10
    while c.pending and time.monotonic() < drain_deadline:
        text = c.recv(1.0)
        if text is None:
            break
        handle(c, text, domain, on_created)
        while created:
            ep, conn = created.pop()
            c.send(dlcx(ep, domain, conn), "dlcx", ep)
    return done, errors


def fill(c, domain, busy, window):
    """Connections on rtp/1..rtp/<busy>, kept."""
    made = refused = 0
    nxt = 1
    while made < busy:
        while len(c.pending) < window and nxt <= busy:
            c.send(crcx(f"rtp/{nxt}", domain), "crcx", f"rtp/{nxt}")
            nxt += 1
        text = c.recv(5.0)
        if text is None:
            raise SystemExit(f"filling: no answer ({made} of {busy} made)")
        before = dict(c.pending)
        r = handle(c, text, domain, lambda ep, conn: None)
        if r is None:
            continue
        if not r[1]:
            # 502 when the media engine's command queue is full for this tick: resend later.
            refused += 1
            if refused > 100 * busy:
                raise SystemExit(f"filling: CRCX keeps being refused after {made}: {text.splitlines()[0]}")
            txid = int(text.split()[1])
            ep = before[txid][1]
            time.sleep(0.01)
            c.send(crcx(ep, domain), "crcx", ep)
            continue
        made += 1
    return made


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mgw")
    ap.add_argument("--busy", type=int, default=9000)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--window", type=int, default=64)
    a = ap.parse_args()
    domain = "load.tandem.test"
    work = tempfile.mkdtemp(prefix="tandem-mgcp-load-")
    gw_port = free_port()
    c = Client(gw_port)
    free = 256
    ports = 2 * (a.busy + free) + 64
    cfg = os.path.join(work, "mgw.cfg")
    with open(cfg, "w") as f:
        f.write(f"""mgw = {{
  mgcp = {{ bind = "127.0.0.1"; port = {gw_port}; domain = "{domain}";
           call_agent = {{ address = "127.0.0.1"; port = {c.port}; }};
           restart = {{ max_wait_ms = 0; }}; max_connections_rtp = 2; }};
  rtp = {{ bind = "127.0.0.1"; port_min = 10000; port_max = {min(65535, 10000 + ports)}; }};
  codecs = {{ enabled = [ "PCMU" ]; }};
  virtual_endpoints = {a.busy + free};
  log = {{ level = "warn"; }};
}};
""")
    log = open(os.path.join(work, "mgw.log"), "w")
    proc = subprocess.Popen([a.mgw, "--config", cfg], stdout=log, stderr=subprocess.STDOUT)
    try:
        text = c.recv(10.0)  # the RSIP
        if text is None:
            raise SystemExit("no RSIP from the gateway")
        c.answer_commands(text)
        results = {}
        for phase in ("idle", "busy"):
            if phase == "busy":
                t0 = time.monotonic()
                made = fill(c, domain, a.busy, a.window)
                print(f"filled {made} busy endpoints in {time.monotonic() - t0:.1f} s", flush=True)
            c.first_error, c.completed = None, 0
            cpu0, wall0 = cpu_seconds(proc.pid), time.monotonic()
            me0 = resource.getrusage(resource.RUSAGE_SELF)
            done, errors = run_pairs(c, domain, a.seconds, a.window)
            cpu = cpu_seconds(proc.pid) - cpu0
            wall = time.monotonic() - wall0
            me1 = resource.getrusage(resource.RUSAGE_SELF)
            mine = (me1.ru_utime - me0.ru_utime) + (me1.ru_stime - me0.ru_stime)
            results[phase] = (done / wall, done / cpu if cpu > 0 else float("inf"))
            if c.first_error:
                print(f"{phase}: first error after {c.first_error[0]} transactions: {c.first_error[1]}", flush=True)
            print(f"{phase}: {done} successful transactions ({errors} refused) in {wall:.1f} s: {done / wall:,.0f}/s on the wall "
                  f"clock; gateway CPU {cpu:.2f} s -> {results[phase][1]:,.0f} transactions per CPU-second; "
                  f"client CPU {mine:.2f} s", flush=True)
        ratio = results["busy"][1] / results["idle"][1]
        print(f"busy/idle (per gateway CPU-second): {ratio:.2f}", flush=True)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
