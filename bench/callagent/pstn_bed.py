"""The PSTN-IP-PSTN lab for the benchmark: two tandem-pstn exchanges (network side), two
tandem-mgw and one tandem-ca, every one on 127.0.0.1, with `spans` E1 spans per side (30
B-channels each) so that the number of circuits does not cap the call rate.

    exchange A ══ S x sim E1 ══ mgw1 ─ RTP ─ mgw2 ══ S x sim E1 ══ exchange B
                       backhaul + MGCP \\   / backhaul + MGCP
                                      tandem-ca

The processes are started through tests/system/mgw/harness.py (Gateway, Exchange) and driven
through tests/system/pstn/pstn_client.py; the configurations are written here because the
test bed's have one span. Subscriber 2001 on every span of B answers at once; calls go from
A to 02012001 (route "to-b": strip 4)."""
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.dont_write_bytecode = True  # nothing written into the test folders
sys.path.insert(0, os.path.join(ROOT, "tests", "system", "mgw"))
sys.path.insert(0, os.path.join(ROOT, "tests", "system", "pstn"))
import harness  # noqa: E402  (tests/system/mgw/harness.py)
import pstn_client  # noqa: E402  (tests/system/pstn/pstn_client.py)

from sip_anchors import BenchError, stop_process  # noqa: E402

CHANNELS_PER_SPAN = 30  # E1: timeslots 1-15 and 17-31
CALLED, CALLING = "02012001", "1001"


def free_rtp_range(width):
    """`width` consecutive UDP ports free now, below the kernel's ephemeral range (so that no
    client socket of another process takes one of them while the gateway runs)."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
    top = min(ephemeral_low, 65536) - width
    for _ in range(50):
        base = random.randrange(10000, max(10001, top), 2)
        socks = []
        try:
            for p in range(base, base + width):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base, base + width - 1
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise BenchError(f"no {width} free UDP ports below {ephemeral_low}")


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def exchange_config(workdir, name, sockets, subscriber):
    spans = ",\n".join(f"""    {{ number = {n}; type = "e1"; switch = "euroisdn"; socket = "{path}"; role = "listen";
      clock = "master"; tick_ms = 10; los_hold_ms = 2500; subscribers = ( {subscriber} ); }}"""
                       for n, path in enumerate(sockets, start=1))
    return harness.write(os.path.join(workdir, f"{name}.cfg"), f"""
pstn = {{
  mode = "network";
  record_seconds = 1;
  control = {{ address = "127.0.0.1"; port = 0; }};
  spans = (
{spans}
  );
}};
""")


class Gateway(harness.Gateway):
    """harness.Gateway (start, stop, counters) with one sim E1 span per exchange socket."""

    def __init__(self, binary, workdir, name, sockets, ca_port, bh_port, codec):
        self.name = name
        self.port = harness.free_udp_port()
        self.rtp_min, self.rtp_max = free_rtp_range(2 * CHANNELS_PER_SPAN * len(sockets) + 20)
        spans = ",\n    ".join(f'{{ number = {n}; type = "e1"; backend = "sim"; socket = "{path}"; mode = "connect"; '
                               f'clock = "slave"; tick_ms = 10; alarm_hold_ms = 1000; }}'
                               for n, path in enumerate(sockets, start=1))
        self.config = harness.write(os.path.join(workdir, f"{name}.cfg"), f"""
mgw = {{
  mgcp = {{
    bind = "127.0.0.1"; port = {self.port}; domain = "{name}"; domain_aliases = [ "[127.0.0.1]" ];
    call_agent = {{ address = "127.0.0.1"; port = {ca_port}; name = "ca"; }};
    restart = {{ method = "restart"; delay_s = 0; max_wait_ms = 0; }};
  }};
  rtp = {{ bind = "127.0.0.1"; port_min = {self.rtp_min}; port_max = {self.rtp_max}; }};
  codecs = {{ enabled = [ "{codec}" ]; dtmf_relay = true; echo_cancellation = false; }};
  spans = (
    {spans}
  );
  virtual_endpoints = 0;
  backhaul = {{ address = "127.0.0.1"; port = {bh_port}; keepalive_ms = 1000; backoff_max_ms = 1000; }};
  log = {{ level = "warn"; }};
}};
""")
        self.binary = binary
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.proc = None
        self.start()


class CallAgent:
    """tandem-ca with both trunk groups over every span; prints 'mgcp port N' and
    'backhaul port N' once listening."""

    def __init__(self, binary, workdir, mgcp_port, backhaul_port, gw1, gw2, spans, codec, sip=None):
        """sip: None, or (port tandem-ca listens on, port of the sipp that calls it: a peer)."""
        sip_text = ""
        if sip:
            sip_text = f"""
  sip = {{ address = "127.0.0.1"; port = {sip[0]};
          peers = ( {{ name = "sipp"; host = "127.0.0.1"; port = {sip[1]}; keepalive = false; }} ); }};"""
        span_list = ", ".join(f'{{ span = {n}; channels = "1-15,17-31"; }}' for n in range(1, spans + 1))
        self.config = harness.write(os.path.join(workdir, "ca.cfg"), f"""
callagent = {{
  notified_entity = "ca@127.0.0.1:{mgcp_port}";
  mgcp_address = "127.0.0.1"; mgcp_port = {mgcp_port};
  backhaul = {{ address = "127.0.0.1"; port = {backhaul_port}; }};
  cdr = {{ path = "{os.path.join(workdir, 'cdr.csv')}"; fsync = false; }};
  timers = {{ no_answer_ms = 30000; }};
  gateways = (
    {{ name = "{gw1.name}"; address = "127.0.0.1"; port = {gw1.port}; keepalive_ms = 5000; }},
    {{ name = "{gw2.name}"; address = "127.0.0.1"; port = {gw2.port}; keepalive_ms = 5000; }}
  );
  trunk_groups = (
    {{ name = "exchange-a"; gateway = "{gw1.name}"; hunting = "round_robin"; signalling = "pri";
      switch_type = "euroisdn_e1"; spans = ( {span_list} ); }},
    {{ name = "exchange-b"; gateway = "{gw2.name}"; hunting = "round_robin"; signalling = "pri";
      switch_type = "euroisdn_e1"; spans = ( {span_list} ); }}
  );
  routes = (
    {{ name = "to-b"; prefix = "0201"; strip = 4; codecs = [ "{codec}" ]; targets = ( {{ trunk_group = "exchange-b"; }} ); }},
    {{ name = "to-a"; prefix = "0100"; strip = 4; codecs = [ "{codec}" ]; targets = ( {{ trunk_group = "exchange-a"; }} ); }}
  );{sip_text}
}};
""")
        self.log_path = os.path.join(workdir, "ca.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, "--config", self.config], stdout=subprocess.PIPE, stderr=self.log,
                                     text=True)
        ports = {}
        want = {"mgcp", "backhaul"} | ({"sip"} if sip else set())
        for _ in range(len(want)):
            parts = self.proc.stdout.readline().split()
            if len(parts) == 3 and parts[1] == "port":
                ports[parts[0]] = int(parts[2])
        if set(ports) != want:
            self.stop()
            raise BenchError(f"tandem-ca did not start (see {self.log_path})")

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        rc = stop_process(self.proc)
        self.log.close()
        return rc


class Lab:
    def __init__(self, ca_binary, mgw_binary, pstn_binary, spans, codec, workdir, sip=None):
        self.workdir = workdir
        self.spans = spans
        self.codec = codec
        self.sip = sip
        self.a = self.b = self.gw1 = self.gw2 = self.ca = None
        mgcp_port = harness.free_udp_port()
        bh_port = free_tcp_port()
        a_socks = [os.path.join(workdir, f"a{n}.sock") for n in range(1, spans + 1)]
        b_socks = [os.path.join(workdir, f"b{n}.sock") for n in range(1, spans + 1)]
        try:
            self.a = harness.Exchange(pstn_binary, exchange_config(workdir, "exchange-a", a_socks,
                                                                   '{ number = "1001"; behaviour = "manual"; }'),
                                      os.path.join(workdir, "exchange-a.log"))
            self.b = harness.Exchange(pstn_binary, exchange_config(workdir, "exchange-b", b_socks,
                                                                   '{ number = "2001"; behaviour = "answer"; }'),
                                      os.path.join(workdir, "exchange-b.log"))
            self.gw1 = Gateway(mgw_binary, workdir, "mgw1.tandem.test", a_socks, mgcp_port, bh_port, codec)
            self.gw2 = Gateway(mgw_binary, workdir, "mgw2.tandem.test", b_socks, mgcp_port, bh_port, codec)
            self.ca = CallAgent(ca_binary, workdir, mgcp_port, bh_port, self.gw1, self.gw2, spans, codec, sip)
        except Exception:
            self.close()
            raise

    @property
    def circuits(self):
        return self.spans * CHANNELS_PER_SPAN

    def wait_links(self, timeout=30.0):
        """Every D-channel of both exchanges up (Q.921 multiple-frame operation)."""
        for x, name in ((self.a, "A"), (self.b, "B")):
            ok = pstn_client.poll_until(
                lambda x=x: all(s.get("link_up") for s in x.client.ok("status")["spans"]), timeout, step=0.2)
            if not ok:
                raise BenchError(f"D-channels of exchange {name} not all up: {x.client.ok('status')['spans']}")
        # Exchange B's events are not read by the benchmark: its client is closed so that they
        # do not pile up unread.
        self.b.client.close()

    def pids(self):
        return {"tandem-ca": self.ca.pid, "mgw1": self.gw1.proc.pid, "mgw2": self.gw2.proc.pid,
                "exchange-a": self.a.proc.pid, "exchange-b": self.b.proc.pid}

    def close(self):
        """Stops everything; returns tandem-ca's exit status (None if it never started)."""
        rc = None
        if self.ca:
            try:
                rc = self.ca.stop()
            except Exception:
                pass
        for g in (self.gw1, self.gw2):
            if g:
                try:
                    g.stop()
                except Exception:
                    pass
        for x in (self.a, self.b):
            if x:
                try:
                    x.kill()
                except Exception:
                    pass
        return rc


def new_workdir(keep):
    d = tempfile.mkdtemp(prefix="tandem-cabench-")
    return d, (lambda: None) if keep else (lambda: shutil.rmtree(d, ignore_errors=True))

