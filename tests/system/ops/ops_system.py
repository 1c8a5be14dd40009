#!/usr/bin/env python3
"""Operations system test: metrics and tandem-ctl against the PSTN-IP-PSTN topology.

    exchange A ══ mgw1 ─ RTP ─ mgw2 ══ exchange B, tandem-ca driving both (tests/system/ca)

Every daemon runs with a metrics endpoint (port 0, the bound port read from its output) and a
control socket. The test places calls and checks, with tandem-ctl (text and --json) and
/metrics:
  - the show commands of each daemon, and clear errors (exit 3) for unknown objects;
  - busy-out under load: with three calls up, every circuit toward B is blocked; the calls go on
    and end normally (16), a new call is refused with cause 34; unblock and calls pass again;
  - drain of a gateway (new calls refused with 34, the call up finishes), undrain;
  - release of one call from the call agent (16 on both sides, record says call_agent);
  - reload of the routes with a call up (the call survives, the new route works, a broken file
    is refused and changes nothing);
  - log levels at run time;
  - the metrics against the CDRs and the calls made: calls ended by cause, post-dial delay and
    MOS-CQE counts, MGCP commands sent by the call agent = commands received by the gateways =
    transactions timed by the tap, the exchanges' Q.931 clearing causes.
Usage: ops_system.py TANDEM_CA TANDEM_MGW TANDEM_PSTN TANDEM_CTL
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # nothing written into other areas' folders
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mgw"))
sys.path.insert(0, os.path.join(HERE, "..", "ca"))
import harness  # noqa: E402  (tests/system/mgw/harness.py)
import pstn_ip_pstn as ca_test  # noqa: E402  (tests/system/ca: answered_call, rejected_call, event)
from harness import TestFailure, check, log, pstn_client  # noqa: E402


def ops_groups(workdir, name, control_group="control"):
    sock = os.path.join(workdir, f"{name}.ctl")
    return sock, f'metrics = {{ address = "127.0.0.1"; port = 0; }};\n  {control_group} = {{ socket = "{sock}"; }};\n'


class OpsGateway(harness.Gateway):
    """harness.Gateway with the metrics and control groups in its configuration."""

    def start(self):
        workdir = os.path.dirname(self.config)
        self.ctl, groups = ops_groups(workdir, self.name.split(".")[0])
        with open(self.config) as f:
            text = f.read()
        if "metrics = {" not in text:
            harness.write(self.config, text.replace("mgw = {\n", "mgw = {\n  " + groups, 1))
        self.log_offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        super().start()
        self.metrics_port = None

    def metrics(self):
        if self.metrics_port is None:
            def port():
                with open(self.log_path, errors="replace") as f:
                    f.seek(self.log_offset)
                    m = re.search(r"^metrics port (\d+)$", f.read(), re.M)
                return int(m.group(1)) if m else None
            self.metrics_port = pstn_client.poll_until(port, timeout=10)
            check(self.metrics_port, f"{self.name} printed no metrics port")
        return scrape(self.metrics_port)


class OpsExchange(harness.Exchange):
    def __init__(self, binary, config, log_path):
        self.ctl, groups = ops_groups(os.path.dirname(config), os.path.basename(config).split(".")[0], "ops_control")
        with open(config) as f:
            text = f.read()
        if "ops_control = {" not in text:
            harness.write(config, text.replace("pstn = {\n", "pstn = {\n  " + groups, 1))
        super().__init__(binary, config, log_path)
        parts = self.proc.stdout.readline().split()
        check(parts[:2] == ["metrics", "port"], f"tandem-pstn printed {parts} instead of its metrics port")
        self.metrics_port = int(parts[2])

    def metrics(self):
        return scrape(self.metrics_port)


class OpsCallAgent(ca_test.CallAgent):
    """tests/system/ca's CallAgent started with --metrics 127.0.0.1:0 and --control."""

    def __init__(self, binary, workdir, *args):
        self.ctl = os.path.join(workdir, "ca.ctl")
        self.binary = binary
        real_popen = subprocess.Popen

        def popen(argv, **kw):
            return real_popen(argv + ["--metrics", "127.0.0.1:0", "--control", self.ctl, "--log-level", "info,ctl=info"],
                              **kw)
        subprocess.Popen = popen
        try:
            super().__init__(binary, workdir, *args)
        finally:
            subprocess.Popen = real_popen
        parts = self.proc.stdout.readline().split()
        check(parts[:2] == ["metrics", "port"], f"tandem-ca printed {parts} instead of its metrics port")
        self.metrics_port = int(parts[2])

    def metrics(self):
        return scrape(self.metrics_port)


def scrape(port):
    """{(family, frozenset(labels)): value} from the Prometheus text format."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        check(r.status == 200, f"/metrics answered {r.status}")
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$', line)
        check(m, f"unparsable exposition line {line!r}")
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def healthz(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def value(metrics, family, **labels):
    """The sample of `family` with exactly these labels (0 when absent)."""
    return metrics.get((family, frozenset(labels.items())), 0.0)


def total(metrics, family, **labels):
    """Sum over the samples of `family` carrying at least these labels."""
    want = set(labels.items())
    return sum(v for (f, l), v in metrics.items() if f == family and want <= set(l))


class Ctl:
    def __init__(self, binary, socket):
        self.binary, self.socket = binary, socket

    def run(self, *args, want=0):
        p = subprocess.run([self.binary, "--socket", self.socket, *map(str, args)], capture_output=True, text=True,
                           timeout=15)
        if want is not None:
            check(p.returncode == want, f"tandem-ctl {' '.join(map(str, args))}: exit {p.returncode}, expected {want}: "
                                        f"{p.stdout}{p.stderr}")
        return p

    def json(self, *args):
        p = self.run("--json", *args)
        r = json.loads(p.stdout)
        check(r.get("ok") is True, f"{args}: {r}")
        return r["result"]

    def text(self, *args):
        return self.run(*args).stdout


class Bed(ca_test.Bed):
    """tests/system/ca's topology, every daemon with its operations endpoints."""

    def __init__(self, ca_binary, mgw_binary, pstn_binary, ctl_binary):
        real = harness.Gateway, harness.Exchange, ca_test.CallAgent
        harness.Gateway, harness.Exchange, ca_test.CallAgent = OpsGateway, OpsExchange, OpsCallAgent
        try:
            super().__init__(ca_binary, mgw_binary, pstn_binary)
        finally:
            harness.Gateway, harness.Exchange, ca_test.CallAgent = real
        self.ctl = {name: Ctl(ctl_binary, d.ctl) for name, d in
                    (("ca", self.ca), ("mgw1", self.gw1), ("mgw2", self.gw2), ("a", self.a), ("b", self.b))}


def gateway_name(bed, gw):
    return gw.name  # the call agent knows a gateway by its configured name (= its domain here)


def ca_calls(bed):
    return bed.ctl["ca"].json("show", "calls")


def refused_with(bed, called, want):
    """A call from A refused with `want`; the cause both A and the record see."""
    ca_test.rejected_call(bed, called, want)


def hang_up_from_a(bed, a_call, b_call):
    a, b = bed.a.client, bed.b.client
    a.ok("hangup", call=a_call, cause=16)
    ev = b.wait_event(lambda e: e.get("event") in ("disconnect", "release") and e.get("call") == b_call, timeout=15)
    check(ev["cause"]["value"] == 16, f"B cleared with {ev['cause']['value']}, expected 16")
    ca_test.event(a, "release", a_call)


def wait_no_calls(bed):
    check(pstn_client.poll_until(lambda: ca_calls(bed) == [], timeout=10), f"calls left: {ca_calls(bed)}")


def show_commands(bed):
    ca, g1, xa = bed.ctl["ca"], bed.ctl["mgw1"], bed.ctl["a"]
    gws = pstn_client.poll_until(
        lambda: (lambda g: g if all(r["state"] == "in_service" for r in g) else None)(ca.json("show", "gateways")), 20)
    check(gws and len(gws) == 2, f"show gateways: {ca.json('show', 'gateways')}")
    log(f"ca show gateways:\n{ca.text('show', 'gateways')}")
    tgs = ca.json("show", "trunk-groups")
    check(sorted(t["trunk_group"] for t in tgs) == ["exchange-a", "exchange-b"], f"trunk groups {tgs}")
    check(all(t["circuits"] == 30 and t["idle"] == 30 for t in tgs), f"trunk groups not all idle: {tgs}")
    spans = ca.json("show", "spans")
    check(len(spans) == 2 and all(s["link"] == "up" for s in spans), f"ca spans {spans}")
    check([r["route"] for r in ca.json("show", "routes")["routes"]] == ["to-b", "to-a"], "ca show routes")
    check(len(ca.json("show", "circuits", bed.gw1.name)) == 30, "ca show circuits mgw1")
    gw = g1.json("show", "gateway")
    check(gw["state"] == "in_service" and gw["endpoints"] == 32, f"mgw1 show gateway {gw}")
    check(len(g1.json("show", "endpoints")) == 32, "mgw1 show endpoints: 30 bearer + 2 rtp")
    check(g1.json("show", "spans")[0]["service"] == "in_service", "mgw1 span in service")
    check(g1.json("show", "endpoint", "ds/e1-1/1")["state"] == "idle", "mgw1 show endpoint ds/e1-1/1")
    check(xa.json("show", "spans")[0]["link"] == "up", "exchange A show spans")
    bed.gw1.metrics()  # reads the port
    for name, port in (("ca", bed.ca.metrics_port), ("mgw1", bed.gw1.metrics_port), ("A", bed.a.metrics_port)):
        status, body = healthz(port)
        check(status == 200 and body.startswith("ok"), f"{name} /healthz: {status} {body!r}")
    check(ca.json("version")["daemon"] == "tandem-ca", "ca version")
    check(g1.json("version")["daemon"] == "tandem-mgw", "mgw version")
    check(xa.json("version")["daemon"] == "tandem-pstn", "pstn version")
    # Unknown objects: exit 3 and a message naming the object.
    for ctl, args, what in ((ca, ("show", "call", 999), "no call 999"), (ca, ("block", "mgw9"), "no gateway mgw9"),
                            (ca, ("release", 999), "no call 999"), (ca, ("drain", "mgw9"), "no gateway mgw9"),
                            (g1, ("show", "endpoint", "ds/e1-1/99"), "no endpoint ds/e1-1/99"),
                            (xa, ("show", "call", 999), "no call 999")):
        p = ctl.run(*args, want=3)
        check(what in p.stderr, f"{args}: stderr {p.stderr!r}, expected {what!r}")
    bad = subprocess.run([bed.ca.binary, "--config", bed.ca.config, "--log-level", "info,q931=loud"], capture_output=True,
                         text=True, timeout=10)
    check(bad.returncode == 2 and "q931=loud" in bad.stderr, f"tandem-ca --log-level q931=loud: {bad.returncode} {bad.stderr!r}")
    helps = [row["command"] for row in ca.json("help")]
    check(any(h.startswith("block") for h in helps) and any(h.startswith("reload routes") for h in helps), f"help {helps}")
    check(ca.json("help", "block")["arguments"][0]["name"] == "gateway", "help block")
    rows = ca.json("counters", "ca.audit")
    check(rows and all(r["counter"].startswith("ca.audit") for r in rows), f"counters ca.audit: {rows}")
    check(any(r["counter"] == "mgcp_agent.rx.auep" for r in g1.json("counters", "mgcp_agent.rx")), "mgw counters")
    ca.run("show", "nothing", want=2)
    ca.run("log", "level", "q931", "loud", want=2)
    check(ca.json("log", "level", "q931", "debug")["level"] == "debug", "log level q931 debug")
    check(g1.json("log", "level", "media", "warn")["level"] == "warn", "mgw log level media warn")
    ca.json("log", "level", "q931", "info")


def check_call_traces(bed, folder, decode):
    """One pcapng per call record, holding that call's MGCP (and no other call's) and its Q.931:
    a SETUP and a RELEASE COMPLETE per side it reached."""
    rows = bed.cdr_rows()
    # Each trace is written 2 s after its record (the clearing's last frames).
    pstn_client.poll_until(lambda: len(os.listdir(folder)) >= len(rows) or None, timeout=10)
    files = sorted(os.listdir(folder))
    check(len(files) == len(rows), f"{len(files)} call traces for {len(rows)} records: {files}")
    for r in rows:
        name = f"call-{r['record']}-{r['call_id']}.pcapng"
        path = os.path.join(folder, name)
        check(os.path.exists(path), f"no trace {name} for record {r['record']}")
        check(r.get("trace_file") == path, f"record {r['record']}: trace_file {r.get('trace_file')!r}, written {path}")
        # One tshark pass per file: MGCP call id and verb, Q.931 message type, malformed flag.
        rows_ = harness.tshark_fields(path, decode, "mgcp || q931 || _ws.malformed || _ws.expert.severity >= error",
                                      ["mgcp.param.callid", "mgcp.req.verb", "q931.message_type", "_ws.malformed"])
        ids = {f[0] for f in rows_ if f[0]}
        setups = sum(1 for f in rows_ if f[2] == "0x05")
        completes = sum(1 for f in rows_ if f[2] == "0x5a")
        crcx = sum(1 for f in rows_ if f[1] == "CRCX")
        bad = sum(1 for f in rows_ if len(f) > 3 and f[3])
        sides = 2 if r["cause"] == "16" else 1  # refused calls never reached B
        check(ids == {r["call_id"]} and setups == sides and completes == sides and crcx >= 1 and bad == 0,
              f"{name}: MGCP call ids {ids}, {setups} SETUP, {completes} RELEASE COMPLETE, {crcx} CRCX, {bad} malformed")
    log(f"{len(files)} call traces, each with its own MGCP and a SETUP and RELEASE COMPLETE per side")


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    bed = Bed(*sys.argv[1:5])
    failed = True
    ca = bed.ctl["ca"]
    calls = []  # (called, cause) of every call placed, in order
    try:
        bed.wait_ready()
        show_commands(bed)
        a, b = bed.a.client, bed.b.client
        trace = os.path.join(bed.workdir, "all.pcapng")
        check(ca.json("trace", "start", trace)["trace"] == trace, "trace start")
        ca.run("trace", "start", trace + "2", want=1)  # one at a time: conflict
        per_call = os.path.join(bed.workdir, "calls")
        os.mkdir(per_call)
        check(ca.json("trace", "calls", per_call)["calls"] == per_call, "trace calls")
        ca.run("trace", "calls", os.path.join(bed.workdir, "missing"), want=1)

        # A call up: what the daemons show.
        a_call, b_call = ca_test.answered_call(bed)
        rows = ca_calls(bed)
        check(len(rows) == 1 and rows[0]["state"] == "answered" and rows[0]["called"] == "02012001", f"show calls {rows}")
        one = ca.json("show", "call", rows[0]["call"])
        check(len(one["legs"]) == 2 and all(l["connection_state"] == "active" for l in one["legs"]), f"show call {one}")
        check(len(ca.json("show", "connections")) == 2, "ca show connections: one per leg")
        for g in ("mgw1", "mgw2"):
            conns = bed.ctl[g].json("show", "connections")
            check(len(conns) == 1 and conns[0]["mode"] == "sendrecv", f"{g} show connections {conns}")
        check(len(bed.ctl["a"].json("show", "calls")) == 1, "exchange A show calls")
        m = bed.ca.metrics()
        check(value(m, "tandem_ca_calls", state="answered") == 1, "tandem_ca_calls{state=answered} != 1")
        check(value(m, "tandem_ca_circuits", gateway=bed.gw2.name, state="busy") == 1, "one busy circuit on mgw2")
        check(value(bed.gw1.metrics(), "tandem_mgw_connections") == 1, "tandem_mgw_connections on mgw1 != 1")
        check(value(bed.gw1.metrics(), "tandem_mgw_endpoints", state="connected") == 1, "mgw1 connected endpoints")

        # Busy-out under load: every circuit toward B blocked with three calls up. They go on
        # (signalling and media both ways) and end normally; a new call is refused with 34.
        up = [(a_call, b_call)] + [ca_test.answered_call(bed) for _ in range(2)]
        out = ca.text("block", bed.gw2.name)
        log(f"block {bed.gw2.name}: {out.strip()}")
        check("30 circuit(s) blocked" in out and "3 busy" in out, f"block answer {out!r}")
        check(value(bed.ca.metrics(), "tandem_ca_circuits_admin_blocked", gateway=bed.gw2.name) == 30, "admin gauge")
        refused_with(bed, "02012001", 34)
        calls.append(("02012001", "34"))
        check([r["state"] for r in ca_calls(bed)] == ["answered"] * 3, f"the calls up were touched: {ca_calls(bed)}")
        check(value(bed.gw2.metrics(), "tandem_mgw_connections") == 3, "mgw2 lost a connection under the busy-out")
        for ac, bc in up:
            hang_up_from_a(bed, ac, bc)
            calls.append(("02012001", "16"))
        wait_no_calls(bed)
        blocked = ca.json("show", "circuits", bed.gw2.name, "blocked")
        check(len(blocked) == 30, f"after the call, all 30 circuits of mgw2 blocked: {len(blocked)}")
        ca.text("unblock", bed.gw2.name)
        check(len(ca.json("show", "circuits", bed.gw2.name, "idle")) == 30, "unblock: 30 idle again")
        # One channel only, then back.
        ca.text("block", bed.gw1.name, 1, 31)
        rows = ca.json("show", "circuits", bed.gw1.name, "blocked")
        check([(r["channel"], r["admin"]) for r in rows] == [(31, "blocked")], f"block mgw1 1 31: {rows}")
        ca.text("unblock", bed.gw1.name, 1, 31)

        # Drain: the call up finishes, new calls are refused; undrain.
        a_call, b_call = ca_test.answered_call(bed)
        check("draining" in ca.text("drain", bed.gw2.name), "drain answer")
        states = {g["gateway"]: g["state"] for g in ca.json("show", "gateways")}
        check(states[bed.gw2.name] == "draining", f"gateway states {states}")
        refused_with(bed, "02012001", 34)
        calls.append(("02012001", "34"))
        hang_up_from_a(bed, a_call, b_call)
        calls.append(("02012001", "16"))
        ca.run("drain", bed.gw2.name)  # already draining: ok
        check("in service" in ca.text("undrain", bed.gw2.name), "undrain answer")
        ca.run("undrain", bed.gw2.name)  # already in service: ok

        # Release one call from the call agent.
        a_call, b_call = ca_test.answered_call(bed)
        cid = ca_calls(bed)[0]["call"]
        ca.run("release", cid, "cause=16")
        for client, call, side in ((a, a_call, "A"), (b, b_call, "B")):
            ev = client.wait_event(lambda e, call=call: e.get("event") in ("disconnect", "release")
                                   and e.get("call") == call, timeout=10)
            check(ev["cause"]["value"] == 16, f"{side} cleared by release with {ev['cause']['value']}")
        calls.append(("02012001", "16"))
        wait_no_calls(bed)
        ca.run("release", cid, want=3)

        # Reload routes with a call up: it survives; the new route works; a bad file changes nothing.
        a_call, b_call = ca_test.answered_call(bed)
        with open(bed.ca.config) as f:
            text = f.read()
        new_cfg = os.path.join(bed.workdir, "ca-new.cfg")
        harness.write(new_cfg, text.replace("routes = (", 'routes = (\n    { name = "to-b-alt"; prefix = "0202"; '
                                            'strip = 4; codecs = [ "G729" ]; targets = ( { trunk_group = "exchange-b"; } ); },', 1))
        bad_cfg = os.path.join(bed.workdir, "ca-bad.cfg")
        harness.write(bad_cfg, text.replace('trunk_group = "exchange-b"', 'trunk_group = "exchange-z"', 1))
        p = ca.run("reload", "routes", bad_cfg, want=2)
        check("exchange-z" in p.stderr, f"bad reload message {p.stderr!r}")
        check("3 route(s)" in ca.text("reload", "routes", new_cfg), "reload answer")
        check([r["route"] for r in ca.json("show", "routes")["routes"]] == ["to-b-alt", "to-b", "to-a"], "routes after reload")
        check([r["state"] for r in ca_calls(bed)] == ["answered"], "the call up survived the reload")
        hang_up_from_a(bed, a_call, b_call)
        calls.append(("02012001", "16"))
        r = a.ok("call", called="02022001", calling="1001")
        ev = b.wait_event(lambda e: e.get("event") == "setup" and e.get("called") == "2001"
                          and e.get("call") not in bed.b_calls_seen, timeout=15)
        bed.b_calls_seen.add(ev["call"])
        b.ok("answer", call=ev["call"])
        ca_test.event(a, "connect", r["call"])
        # This one is cleared from exchange A's operations socket.
        pa = bed.ctl["a"]
        check(pa.json("show", "call", r["call"])["state"] == "active", "exchange A show call")
        check("cleared with cause 16" in pa.text("release", r["call"], "cause=16"), "exchange A release")
        ev2 = b.wait_event(lambda e: e.get("event") in ("disconnect", "release") and e.get("call") == ev["call"], timeout=15)
        check(ev2["cause"]["value"] == 16, f"B cleared with {ev2['cause']['value']} after exchange A's release")
        ca_test.event(a, "release", r["call"])
        pa.run("release", r["call"], want=1)  # already released: conflict
        calls.append(("02022001", "16"))
        wait_no_calls(bed)

        # The trace: every MGCP message and Q.931 message of these calls, decoded by tshark.
        decode = [f"udp.port=={g.port},mgcp" for g in (bed.gw1, bed.gw2)]
        rows = pstn_client.poll_until(lambda: (lambda r: r if len(r) >= len(calls) else None)(bed.cdr_rows()), 10)
        check(rows, f"{len(bed.cdr_rows())} CDR rows for {len(calls)} calls")
        stopped = ca.json("trace", "stop")
        check(stopped["packets"] > 0 and ca.json("show", "trace")["trace"] is None, f"trace stop {stopped}")
        ca.run("trace", "stop", want=1)
        check_call_traces(bed, per_call, decode)
        n_mgcp = harness.tshark_count(trace, decode, "mgcp")
        n_crcx = harness.tshark_count(trace, decode, 'mgcp.req.verb == "CRCX"')
        n_setup = harness.tshark_count(trace, [], "q931.message_type == 0x05")
        n_release_complete = harness.tshark_count(trace, [], "q931.message_type == 0x5a")
        n_bad = harness.tshark_count(trace, decode, "_ws.malformed || _ws.expert.severity >= error")
        log(f"trace: {stopped['packets']} packets, {n_mgcp} MGCP ({n_crcx} CRCX), Q.931 {n_setup} SETUP, "
            f"{n_release_complete} RELEASE COMPLETE, {n_bad} malformed")
        # Each call placed is one SETUP from A; those not refused (cause 16 here) one more toward B,
        # and each SETUP's call reference ends with a RELEASE COMPLETE.
        want_setups = len(calls) + sum(1 for _, c in calls if c == "16")
        check(n_crcx >= 2 and n_setup == want_setups and n_release_complete == want_setups and n_bad == 0,
              f"the trace should hold {want_setups} SETUP and RELEASE COMPLETE, MGCP, and nothing malformed")

        # A trace of one gateway: mgw2's MGCP and D-channel only.
        gw_trace = os.path.join(bed.workdir, "mgw2.pcapng")
        ca.run("trace", "start", gw_trace, "gateway=mgw9", want=3)
        check(ca.json("trace", "start", gw_trace, f"gateway={bed.gw2.name}")["gateway"] == bed.gw2.name, "gateway trace")
        a_call, b_call = ca_test.answered_call(bed)
        hang_up_from_a(bed, a_call, b_call)
        calls.append(("02012001", "16"))
        wait_no_calls(bed)
        ca.json("trace", "stop")
        fields = harness.tshark_fields(gw_trace, decode, "mgcp || q931", ["udp.port", "q931.message_type"])
        ports = {p for f in fields for p in f[0].split(",") if p}
        setups = sum(1 for f in fields if len(f) > 1 and f[1] == "0x05")
        log(f"trace of {bed.gw2.name}: {len(fields)} MGCP/Q.931 packets, UDP ports {sorted(ports)}, {setups} SETUP")
        check(str(bed.gw2.port) in ports and str(bed.gw1.port) not in ports and setups == 1,
              f"the trace of {bed.gw2.name} holds another gateway's packets or lacks its own")

        # Metrics against the CDRs and the calls made.
        rows = pstn_client.poll_until(lambda: (lambda r: r if len(r) >= len(calls) else None)(bed.cdr_rows()), 10)
        check(rows, f"{len(bed.cdr_rows())} CDR rows for {len(calls)} calls")
        got = [(r["called"], r["cause"]) for r in rows]
        # Calls redone by tests/system/ca's known-media-issue path do not happen here (no tones played).
        check(got == calls, f"CDRs {got}, calls made {calls}")
        m = bed.ca.metrics()
        for cause in {c for _, c in calls}:
            want = sum(1 for _, c in calls if c == cause)
            check(value(m, "tandem_ca_calls_cleared_total", cause=cause) == want,
                  f"tandem_ca_calls_cleared_total{{cause={cause}}} {value(m, 'tandem_ca_calls_cleared_total', cause=cause)}, CDRs {want}")
        check(value(m, "tandem_ca_calls_released_by_total", side="call_agent") ==
              sum(1 for r in rows if r["released_by"] == "call_agent"), "released_by call_agent")
        answered = sum(1 for r in rows if r["answer"])
        check(value(m, "tandem_ca_call_duration_seconds_count") == answered, "duration histogram count != answered CDRs")
        with_pdd = sum(1 for r in rows if r["alerting"] or r["answer"])
        check(value(m, "tandem_ca_post_dial_delay_seconds_count") == with_pdd, "post-dial delay count")
        mos_n = value(m, "tandem_ca_call_mos_cqe_count")
        check(mos_n == answered, f"MOS-CQE observed for {mos_n} calls, {answered} answered")
        mos_avg = value(m, "tandem_ca_call_mos_cqe_sum") / mos_n
        # The CDR's mos_cqe column: the same calls, the same figures (printed with 2 decimals).
        cdr_mos = [float(r["mos_cqe"]) for r in rows if r["mos_cqe"]]
        check(len(cdr_mos) == mos_n and abs(sum(cdr_mos) / len(cdr_mos) - mos_avg) <= 0.005,
              f"CDR mos_cqe {cdr_mos} against the histogram's {mos_n} calls, mean {mos_avg:.3f}")
        check(rows[-1]["trace_file"] == "", f"a call after trace stop names a trace: {rows[-1]['trace_file']}")
        check(3.5 <= mos_avg <= 4.5, f"mean MOS-CQE {mos_avg:.2f} on a clean loopback with G.729")
        sent = {k: v for k, v in m.items() if k[0] == "tandem_ca_mgcp_tx_total"}
        tx_crcx = total(m, "tandem_ca_mgcp_tx_total", verb="crcx")
        rx_crcx = sum(total(g.metrics(), "tandem_mgcp_agent_rx_total", verb="crcx") for g in (bed.gw1, bed.gw2))
        timed = total(m, "tandem_mgcp_transaction_seconds_count", verb="crcx")
        log(f"CRCX: sent by the call agent {tx_crcx:.0f}, received by the gateways {rx_crcx:.0f}, timed {timed:.0f}")
        check(tx_crcx > 0 and tx_crcx == rx_crcx == timed, f"CRCX counts differ (ca tx {sent})")
        p50 = sorted(k for k in m if k[0] == "tandem_mgcp_transaction_seconds_bucket")
        check(p50, "no MGCP latency buckets")
        ma = bed.a.metrics()
        for cause in {c for _, c in calls}:
            want = sum(1 for _, c in calls if c == cause)
            check(value(ma, "tandem_pstn_calls_cleared_total", cause=cause) == want,
                  f"exchange A cleared {value(ma, 'tandem_pstn_calls_cleared_total', cause=cause)} calls with {cause}, expected {want}")
        check(value(ma, "tandem_pstn_q931_messages_total", message="setup", direction="outgoing") == len(calls),
              "exchange A SETUPs sent")
        log(f"metrics agree with {len(rows)} CDRs: causes {sorted(set(calls))}, MOS-CQE mean {mos_avg:.2f}, "
            f"{answered} answered")
        failed = False
    except (TestFailure, pstn_client.ControlError, TimeoutError, OSError, ValueError) as e:
        log(f"FAIL: {type(e).__name__}: {e}")
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
