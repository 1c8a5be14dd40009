"""The PSTN-IP-PSTN system test bed: real processes on 127.0.0.1, driven by this script, which
plays the call agent (MGCP over UDP and the D-channel backhaul over TCP, docs/backhaul.md).

    exchange A (tandem-pstn, network) ══sim E1══ gateway 1 ─┐ RTP ┌─ gateway 2 ══sim E1══ exchange B (tandem-pstn, CPE)
                                                 backhaul \\      / backhaul
                                                   this driver: bridges span 1 <-> span 1, speaks MGCP

Everything it starts is stopped by Topology.close() (use it as a context manager), also when a
check fails. Every wait is bounded.
"""
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pstn"))
import pstn_client  # noqa: E402  (tests/system/pstn/pstn_client.py)


class TestFailure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise TestFailure(what)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def free_port_range(width):
    """A range of `width` UDP ports that are free now (checked one by one), from a random base."""
    for _ in range(50):
        base = random.randrange(30000, 60000 - width, 2)
        socks = []
        try:
            for p in range(base, base + width):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("127.0.0.1", p))
                socks.append(s)
            return base, base + width - 1
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise TestFailure("no free UDP port range")


# ---------------------------------------------------------------------------------------------
# D-channel backhaul (docs/backhaul.md): length(2) version(1) type(1) span(2) payload
# ---------------------------------------------------------------------------------------------
BH_HELLO, BH_DCHANNEL, BH_SPAN_STATUS, BH_KEEPALIVE = 1, 2, 3, 4


def bh_encode(mtype, span, payload=b""):
    body = struct.pack("!BBH", 1, mtype, span) + payload
    return struct.pack("!H", len(body)) + body


def bh_hello(name, spans=()):
    p = bytes([len(name)]) + name.encode() + bytes([len(spans)])
    for number, kind in spans:
        p += struct.pack("!HB", number, kind)
    return bh_encode(BH_HELLO, 0, p)


class BackhaulBridge:
    """The call agent's backhaul listener. Each gateway connects and says hello with its name;
    D-channel frames of span S from one gateway go to span S of the other (so Q.921/Q.931 runs
    end to end between the two exchanges). Keep-alive requests are answered."""

    def __init__(self, port=0):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.links = {}          # gateway name -> socket
        self.hellos = []         # (name, spans) in arrival order
        self.forwarded = {}      # (from name, span) -> frames relayed
        self.dropped = 0         # frames whose peer gateway was not connected
        self.status = []         # (name, span, alarm bits)
        self.keepalives = 0
        self.running = True
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def close(self):
        self.running = False
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept thread at once (Linux)
        except OSError:
            pass
        try:
            self.listener.close()
        except OSError:
            pass
        for t in self.threads:
            t.join(timeout=2)
        with self.lock:
            for s in self.links.values():
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            t.start()

    def _serve(self, conn):
        name = None
        buf = b""
        try:
            while self.running:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                buf += chunk
                while len(buf) >= 2:
                    (length,) = struct.unpack("!H", buf[:2])
                    if len(buf) < 2 + length:
                        break
                    frame, buf = buf[2:2 + length], buf[2 + length:]
                    version, mtype, span = struct.unpack("!BBH", frame[:4])
                    payload = frame[4:]
                    if version != 1:
                        raise TestFailure(f"backhaul version {version}")
                    if mtype == BH_HELLO:
                        n = payload[0]
                        name = payload[1:1 + n].decode()
                        count = payload[1 + n]
                        spans = [struct.unpack("!HB", payload[2 + n + 3 * i:5 + n + 3 * i]) for i in range(count)]
                        with self.lock:
                            self.links[name] = conn
                            self.hellos.append((name, spans))
                    elif mtype == BH_DCHANNEL:
                        self._relay(name, span, payload)
                    elif mtype == BH_SPAN_STATUS:
                        with self.lock:
                            self.status.append((name, span, payload[0]))
                    elif mtype == BH_KEEPALIVE:
                        self.keepalives += 1
                        if payload[0] == 0:
                            conn.sendall(bh_encode(BH_KEEPALIVE, 0, b"\x01"))
        except (OSError, TestFailure):
            pass
        finally:
            with self.lock:
                if name is not None and self.links.get(name) is conn:
                    del self.links[name]
            conn.close()

    def _relay(self, name, span, payload):
        with self.lock:
            others = [s for n, s in self.links.items() if n != name]
            key = (name, span)
            if not others:
                self.dropped += 1
                return
            self.forwarded[key] = self.forwarded.get(key, 0) + 1
        for s in others:
            try:
                s.sendall(bh_encode(BH_DCHANNEL, span, payload))
            except OSError:
                pass

    def connected(self):
        with self.lock:
            return sorted(self.links)


# ---------------------------------------------------------------------------------------------
# MGCP (RFC 3435) call agent side
# ---------------------------------------------------------------------------------------------
class MgcpMessage:
    def __init__(self, text):
        self.text = text
        head, _, self.sdp = text.replace("\r\n", "\n").partition("\n\n")
        lines = head.split("\n")
        self.first = lines[0].split()
        self.params = {}
        for line in lines[1:]:
            if ":" in line:
                k, _, v = line.partition(":")
                self.params.setdefault(k.strip().upper(), v.strip())
        self.is_response = bool(self.first) and self.first[0].isdigit() and len(self.first[0]) == 3

    @property
    def code(self):
        return int(self.first[0])

    @property
    def txid(self):
        return int(self.first[1] if self.is_response else self.first[1])

    @property
    def verb(self):
        return None if self.is_response else self.first[0]

    @property
    def endpoint(self):
        return None if self.is_response else self.first[2]

    def sdp_port(self):
        for line in self.sdp.split("\n"):
            if line.startswith("m=audio "):
                return int(line.split()[1])
        return None


class CallAgent:
    """A small MGCP call agent: sends commands (retransmitting, RFC 3435 §3.5.2) and waits for
    their final responses; answers the gateways' commands (RSIP, NTFY, DLCX) with 200 while
    `answering` is true, and records them. Every datagram in or out is kept for the pcap."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.1)
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.responses = {}
        self.commands = []     # (time, from, MgcpMessage)
        self.datagrams = []    # (time, src, dst, bytes)
        self.answering = True
        self.next_id = random.randrange(1000, 100000)
        self.running = True
        self.thread = threading.Thread(target=self._receive, daemon=True)
        self.thread.start()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()

    def _record(self, src, dst, data):
        with self.lock:
            self.datagrams.append((time.time(), src, dst, data))

    def _send(self, data, to):
        self.sock.sendto(data, to)
        self._record(("127.0.0.1", self.port), to, data)

    def _receive(self):
        while self.running:
            try:
                data, src = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            self._record(src, ("127.0.0.1", self.port), data)
            msg = MgcpMessage(data.decode("latin-1"))
            if msg.is_response:
                with self.cond:
                    if msg.code >= 200 or msg.code < 100:
                        self.responses[msg.txid] = msg
                        self.cond.notify_all()
                continue
            with self.cond:
                self.commands.append((time.monotonic(), src, msg))
                answer = self.answering
                self.cond.notify_all()
            if answer and len(msg.first) >= 2:
                self._send(f"200 {msg.first[1]} OK\r\n".encode(), src)

    def command(self, gw_port, verb, endpoint, params=(), sdp=None, timeout=5.0):
        """Sends a command to 127.0.0.1:gw_port; returns the final response (MgcpMessage)."""
        with self.lock:
            txid = self.next_id
            self.next_id += 1
        text = f"{verb} {txid} {endpoint} MGCP 1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in params)
        if sdp:
            text += "\r\n" + sdp.replace("\r\n", "\n").replace("\n", "\r\n")
        data = text.encode()
        deadline = time.monotonic() + timeout
        rto = 0.25
        while True:
            self._send(data, ("127.0.0.1", gw_port))
            wait_until = min(deadline, time.monotonic() + rto)
            with self.cond:
                while txid not in self.responses and time.monotonic() < wait_until:
                    self.cond.wait(wait_until - time.monotonic())
                if txid in self.responses:
                    return self.responses.pop(txid)
            if time.monotonic() >= deadline:
                raise TestFailure(f"{verb} {endpoint}: no response from port {gw_port} in {timeout} s")
            rto *= 2

    def wait_command(self, predicate, timeout=10.0, since=0.0):
        """The first recorded gateway command after `since` (monotonic) matching predicate."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, src, msg in self.commands:
                    if t >= since and predicate(src, msg):
                        return msg
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [m.text.splitlines()[0] for _, _, m in self.commands if _ >= since]
                    raise TestFailure(f"no matching command from a gateway in {timeout} s; saw {seen}")
                self.cond.wait(left)

    def write_pcap(self, path):
        """The MGCP datagrams as IPv4/UDP packets (LINKTYPE_RAW), for tshark."""
        with self.lock:
            grams = list(self.datagrams)
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
            for ident, (t, src, dst, data) in enumerate(grams):
                udp = struct.pack("!HHHH", src[1], dst[1], 8 + len(data), 0) + data
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident & 0xFFFF, 0, 64, 17, 0,
                                 socket.inet_aton(src[0]), socket.inet_aton(dst[0]))
                csum = ip_checksum(ip)
                ip = ip[:10] + struct.pack("!H", csum) + ip[12:]
                pkt = ip + udp
                f.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(pkt), len(pkt)))
                f.write(pkt)
        return len(grams)


def ip_checksum(header):
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------
def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


class Gateway:
    """A tandem-mgw process with one sim E1 span (slave, connecting) and the backhaul."""

    def __init__(self, binary, workdir, name, socket_path, ca_port, bh_port, extra_aliases=(), virtual=2,
                 mgcp_extra=""):
        self.name = name
        self.port = free_udp_port()
        self.rtp_min, self.rtp_max = free_port_range(200)
        aliases = ", ".join(f'"{a}"' for a in ("[127.0.0.1]",) + tuple(extra_aliases))
        self.config = write(os.path.join(workdir, f"{name}.cfg"), f"""
mgw = {{
  mgcp = {{
    bind = "127.0.0.1"; port = {self.port}; domain = "{name}"; domain_aliases = [ {aliases} ];
    call_agent = {{ address = "127.0.0.1"; port = {ca_port}; name = "ca"; }};
    restart = {{ method = "restart"; delay_s = 0; max_wait_ms = 0; }};
    {mgcp_extra}
  }};
  rtp = {{ bind = "127.0.0.1"; port_min = {self.rtp_min}; port_max = {self.rtp_max}; }};
  codecs = {{ enabled = [ "PCMU", "PCMA", "G729", "G723" ]; dtmf_relay = true; echo_cancellation = false; }};
  spans = ( {{ number = 1; type = "e1"; backend = "sim"; socket = "{socket_path}"; mode = "connect";
              clock = "slave"; tick_ms = 10; alarm_hold_ms = 1000; }} );
  virtual_endpoints = {virtual};
  backhaul = {{ address = "127.0.0.1"; port = {bh_port}; keepalive_ms = 1000; backoff_max_ms = 1000; }};
  log = {{ level = "info"; }};
}};
""")
        self.binary = binary
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.proc = None
        self.start()

    def start(self):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.binary, "--config", self.config], stdout=self.log, stderr=subprocess.STDOUT)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()
        rc = self.proc.returncode
        self.proc = None
        return rc

    def counters(self):
        """Counters the daemon logged at exit ('counter NAME VALUE')."""
        out = {}
        with open(self.log_path) as f:
            for line in f:
                i = line.find("counter ")
                if i >= 0:
                    parts = line[i:].split()
                    if len(parts) == 3:
                        out[parts[1]] = int(parts[2])
        return out


def exchange_config(workdir, name, mode, socket_path, subscribers, media=()):
    subs = ",\n".join(f"        {s}" for s in subscribers)
    media_text = ", ".join(f'{{ name = "{n}"; file = "{f}"; }}' for n, f in media)
    return write(os.path.join(workdir, f"{name}.cfg"), f"""
pstn = {{
  mode = "{mode}";
  record_seconds = 20;
  {"media = ( " + media_text + " );" if media else ""}
  control = {{ address = "127.0.0.1"; port = 0; }};
  spans = (
    {{
      number = 1; type = "e1"; switch = "euroisdn";
      socket = "{socket_path}"; role = "listen"; clock = "master"; tick_ms = 10; los_hold_ms = 2500;
      subscribers = (
{subs}
      );
    }}
  );
}};
""")


class Exchange(pstn_client.Exchange):
    def __init__(self, binary, config, log_path):
        self.binary, self.config, self.log_path = binary, config, log_path
        super().__init__(binary, config, log_path)
        self.client = pstn_client.Client(self.port)

    def restart(self):
        self.kill()
        self.__init__(self.binary, self.config, self.log_path + ".2")

    def kill(self):
        try:
            self.client.close()
        except Exception:
            pass
        super().kill()


class Capture:
    """dumpcap on the loopback interface, filtered to the run's UDP ports."""

    def __init__(self, path, bpf):
        self.path = path
        self.err = open(path + ".log", "w")
        self.proc = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", bpf, "-w", path],
                                     stdout=subprocess.DEVNULL, stderr=self.err)
        # dumpcap writes the file header once it captures.
        if not pstn_client.poll_until(lambda: os.path.exists(path) and os.path.getsize(path) > 0, timeout=10):
            self.stop()
            raise TestFailure("dumpcap did not start capturing on lo")
        time.sleep(0.3)

    def stop(self):
        if self.proc.poll() is None:
            time.sleep(0.5)  # let the last packets through
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.err.close()


def tshark_fields(pcap, decode_as, display_filter, fields):
    cmd = ["tshark", "-n", "-r", pcap]
    for d in decode_as:
        cmd += ["-d", d]
    cmd += ["-Y", display_filter, "-T", "fields"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise TestFailure(f"tshark failed: {out.stderr}")
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def tshark_count(pcap, decode_as, display_filter):
    return len(tshark_fields(pcap, decode_as, display_filter, ["frame.number"]))


class Topology:
    """Exchange A (network) ─ gateway 1 ═ backhaul/MGCP driver ═ gateway 2 ─ exchange B (CPE)."""

    def __init__(self, mgw_binary, pstn_binary, b_subscribers=None, mgcp_extra="", b_media=(), workdir=None):
        self.workdir = workdir or tempfile.mkdtemp(prefix="tandem-mgw-sys-")
        self.keep = False
        self.ca = CallAgent()
        self.bridge = BackhaulBridge()
        self.gw = []
        self.exchanges = []
        self.captures = []
        self.rtp_ports = []  # every local RTP port a gateway answered with (for tshark's decode-as)
        a_sock = os.path.join(self.workdir, "a.sock")
        b_sock = os.path.join(self.workdir, "b.sock")
        subs_b = b_subscribers or ['{ number = "2001"; behaviour = "manual"; }']
        self.a = Exchange(pstn_binary, exchange_config(self.workdir, "exchange-a", "network", a_sock,
                                                       ['{ number = "1001"; behaviour = "manual"; }']),
                          os.path.join(self.workdir, "exchange-a.log"))
        self.exchanges.append(self.a)
        self.b = Exchange(pstn_binary, exchange_config(self.workdir, "exchange-b", "cpe", b_sock, subs_b, b_media),
                          os.path.join(self.workdir, "exchange-b.log"))
        self.exchanges.append(self.b)
        self.gw1 = Gateway(mgw_binary, self.workdir, "mgw1.tandem.test", a_sock, self.ca.port, self.bridge.port,
                           mgcp_extra=mgcp_extra)
        self.gw.append(self.gw1)
        self.gw2 = Gateway(mgw_binary, self.workdir, "mgw2.tandem.test", b_sock, self.ca.port, self.bridge.port,
                           extra_aliases=("gw.example.net",), mgcp_extra=mgcp_extra)
        self.gw.append(self.gw2)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(failed=exc_type is not None)
        return False

    def close(self, failed=False):
        for c in self.captures:
            try:
                c.stop()
            except Exception:
                pass
        for g in self.gw:
            try:
                g.stop()
            except Exception:
                pass
        for x in self.exchanges:
            try:
                x.kill()
            except Exception:
                pass
        self.bridge.close()
        self.ca.close()
        if failed or self.keep:
            log(f"logs kept in {self.workdir}")
            for name in sorted(os.listdir(self.workdir)):
                if name.endswith(".log"):
                    with open(os.path.join(self.workdir, name), errors="replace") as f:
                        tail = [line for line in f if " counter " not in line][-25:]
                    print(f"----- {name} (last lines)\n" + "".join(tail), flush=True)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def wait_ready(self, timeout=15.0):
        """Both gateways restarted (RSIP answered), both backhaul links up, D-channel up at A."""
        for g in self.gw:
            self.ca.wait_command(lambda src, m, g=g: m.verb == "RSIP" and m.endpoint.endswith(g.name), timeout)
        check(pstn_client.poll_until(lambda: len(self.bridge.connected()) == 2, timeout),
              f"backhaul links: {self.bridge.connected()}")
        for x in (self.a, self.b):
            ok = pstn_client.poll_until(lambda x=x: x.client.ok("status")["spans"][0].get("link_up"), timeout)
            check(ok, f"D-channel of {x.log_path} not up: {x.client.ok('status')}")
