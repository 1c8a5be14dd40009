#!/usr/bin/env python3
"""tandem-ca system test: what closes a backhaul connection (docs/backhaul.md, docs/callagent.md).

A stream that does not decode, a hello from a gateway the call agent has no PRI span for, and a
peer that never says hello (closed after the 10 s hello timeout) are each refused with the
connection closed, counted, and the call agent keeps serving: a well-formed hello afterwards is
answered with the call agent's hello and a SABME on the span. Usage: backhaul_refusals.py TANDEM_CA
"""
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile

CONFIG = """
callagent = {
  mgcp_address = "127.0.0.1"; mgcp_port = 0;
  backhaul = { address = "127.0.0.1"; port = 0; };
  gateways = ( { name = "mgw1"; address = "127.0.0.1"; port = 9; keepalive_ms = 0; } );
  trunk_groups = ( { name = "a"; gateway = "mgw1"; spans = ( { span = 1; channels = "1-15,17-31"; } ); } );
  routes = ( { name = "r"; prefix = "0"; targets = ( { trunk_group = "a"; } ); } );
};
"""


def frame(mtype, span, payload=b""):
    """docs/backhaul.md header: length(2) version(1) type(1) span(2), length counting from version."""
    return struct.pack("!HBBH", 4 + len(payload), 1, mtype, span) + payload


def hello(name, spans):
    body = bytes([len(name)]) + name.encode() + bytes([len(spans)])
    for s in spans:
        body += struct.pack("!HB", s, 1)
    return frame(1, 0, body)


def closed_by_peer(sock, timeout):
    """True when the call agent closes the connection within `timeout` seconds."""
    sock.settimeout(timeout)
    try:
        while True:
            if not sock.recv(4096):
                return True
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    workdir = tempfile.mkdtemp(prefix="tandem-ca-bh-")
    cfg = os.path.join(workdir, "ca.cfg")
    with open(cfg, "w") as f:
        f.write(CONFIG)
    log_path = os.path.join(workdir, "ca.log")
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.argv[1], "--config", cfg], stdout=subprocess.PIPE, stderr=log, text=True)
    failures = []
    try:
        ports = {}
        for _ in range(2):
            parts = proc.stdout.readline().split()
            if len(parts) == 3:
                ports[parts[0]] = int(parts[2])
        port = ports["backhaul"]

        def connect():
            return socket.create_connection(("127.0.0.1", port), timeout=5)

        with connect() as s:  # length field below 4: undecodable
            s.sendall(b"\x00\x01\x09\x09\x00\x00")
            if not closed_by_peer(s, 5):
                failures.append("garbage stream not closed")
        with connect() as s:
            s.sendall(hello("mgw9", [1]))
            if not closed_by_peer(s, 5):
                failures.append("hello from an unknown gateway not closed")
        with connect() as s:  # silent: the hello timeout (10 s) closes it
            if not closed_by_peer(s, 20):
                failures.append("silent peer not closed by the hello timeout")
        with connect() as s:  # still serving: hello answered, SABME on span 1
            s.sendall(hello("mgw1", [1]))
            s.settimeout(5)
            data = b""
            while len(data) < 30:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            types = []
            i = 0
            while i + 6 <= len(data):
                length, _, mtype, span = struct.unpack("!HBBH", data[i:i + 6])
                types.append((mtype, span, data[i + 6:i + 2 + length]))
                i += 2 + length
            if not types or types[0][0] != 1:
                failures.append(f"no hello back: {data!r}")
            sabme = [p for t, sp, p in types if t == 2 and sp == 1 and len(p) == 3 and (p[2] & 0xEF) == 0x6F]
            if not sabme:
                failures.append(f"no SABME on span 1: {types}")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log.close()
    with open(log_path) as f:
        text = f.read()
    for counter in ("backhaul.rx.bad_frame 1", "backhaul.rx.unknown_gateway 1", "backhaul.rx.hello_timeout 1"):
        if f"counter ca.{counter}" not in text:
            failures.append(f"counter ca.{counter} not logged at exit")
    if proc.returncode != 0:
        failures.append(f"exit status {proc.returncode} after SIGTERM")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures) + f"\n----- {log_path}\n" + text[-3000:])
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    print("PASS: garbage, unknown gateway and silent peer refused; hello answered with SABME")
    return 0


if __name__ == "__main__":
    sys.exit(main())
