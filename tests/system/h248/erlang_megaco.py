#!/usr/bin/env python3
"""Interop: Erlang/OTP's megaco stack (Debian erlang-megaco) as an independent MGC drives
tandem-mgw's H.248 front-end (megaco_mgc.escript): the gateway registers with it, it audits
ROOT, adds tdm/1/1 and rtp/$ to a new context, modifies the RTP termination, subtracts both,
and finds the context gone; every reply is decoded by megaco's own text decoder (a syntax or
message error it reports fails the test). Run once with megaco sending pretty text and once
compact; the gateway answers compact in the first run and pretty in the second.

The gateway has one sim E1 span that listens (no exchange attached: H.248 needs no audio here,
and the alarm hold is long enough that the span stays in service for the run).

usage: erlang_megaco.py TANDEM_MGW   (exit 77 when escript or erlang-megaco is missing)"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_TIMEOUT_S = 20


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def free_port_range(width=100):
    """`width` UDP ports free now (checked one by one) from a random even base."""
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
    raise RuntimeError("no free UDP port range")


def megaco_available():
    if shutil.which("escript") is None:
        return False
    probe = subprocess.run(["erl", "-noshell", "-eval",
                            'io:format("~s", [code:lib_dir(megaco)]), halt().'],
                           capture_output=True, text=True, timeout=30)
    lib = probe.stdout.strip()
    return probe.returncode == 0 and os.path.isdir(os.path.join(lib, "include"))


def gateway_config(workdir, mgc_port, compact):
    path = os.path.join(workdir, "mgw.cfg")
    rtp_min, rtp_max = free_port_range()
    with open(path, "w") as f:
        f.write(f"""
mgw = {{
  mgcp = {{ bind = "127.0.0.1"; port = 0; domain = "mgw.interop.test";
           call_agent = {{ address = "127.0.0.1"; port = {free_udp_port()}; }}; }};
  h248 = {{ bind = "127.0.0.1"; port = 0; controllers = ( {{ address = "127.0.0.1"; port = {mgc_port}; }} );
           compact = {"true" if compact else "false"}; }};
  rtp = {{ bind = "127.0.0.1"; port_min = {rtp_min}; port_max = {rtp_max}; }};
  codecs = {{ enabled = [ "PCMU", "PCMA" ]; }};
  spans = ( {{ number = 1; type = "e1"; backend = "sim"; socket = "{os.path.join(workdir, 'e1.sock')}";
              mode = "listen"; clock = "master"; tick_ms = 10; alarm_hold_ms = 60000; }} );
  log = {{ level = "info"; }};
}};
""")
    return path


def run_once(mgw, encoder, compact):
    workdir = tempfile.mkdtemp(prefix="tandem-h248-megaco-")
    mgc_port = free_udp_port()
    mgc = subprocess.Popen(["escript", os.path.join(HERE, "megaco_mgc.escript"), str(mgc_port), str(RUN_TIMEOUT_S),
                            encoder], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    ready = threading.Event()

    def read():
        for line in mgc.stdout:
            lines.append(line.rstrip())
            print(f"  megaco: {line.rstrip()}", flush=True)
            if line.startswith("READY"):
                ready.set()
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    gw = None
    log_path = os.path.join(workdir, "mgw.log")
    ok = False
    try:
        if not ready.wait(timeout=RUN_TIMEOUT_S):
            print(f"FAIL: the megaco MGC did not start: {lines}")
            return False
        with open(log_path, "w") as log:
            gw = subprocess.Popen([mgw, "--config", gateway_config(workdir, mgc_port, compact)],
                                  stdout=log, stderr=subprocess.STDOUT)
            try:
                rc = mgc.wait(timeout=RUN_TIMEOUT_S + 5)
            except subprocess.TimeoutExpired:
                mgc.kill()
                rc = mgc.wait(timeout=5)
        reader.join(timeout=5)
        ok = rc == 0 and "PASS" in lines and not any(line.startswith("FAIL") for line in lines)
        if not ok:
            print(f"FAIL: megaco MGC exited {rc} ({encoder}, gateway compact={compact})")
    finally:
        if mgc.poll() is None:
            mgc.kill()
            mgc.wait(timeout=5)
        if gw is not None and gw.poll() is None:
            gw.send_signal(signal.SIGTERM)
            try:
                gw.wait(timeout=10)
            except subprocess.TimeoutExpired:
                gw.kill()
                gw.wait(timeout=5)
        if not ok and os.path.exists(log_path):
            with open(log_path, errors="replace") as f:
                print("----- gateway log (last lines)\n" + "".join(
                    [line for line in f if " counter " not in line][-30:]))
        shutil.rmtree(workdir, ignore_errors=True)
    return ok


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    if not megaco_available():
        print("SKIP: escript or erlang-megaco (with its include files, erlang-dev) is not installed")
        return 77
    started = time.monotonic()
    results = []
    for encoder, compact in (("pretty", True), ("compact", False)):
        print(f"megaco sends {encoder} text, the gateway answers {'compact' if compact else 'pretty'}", flush=True)
        results.append(run_once(sys.argv[1], encoder, compact))
    print(f"{'PASS' if all(results) else 'FAIL'} in {time.monotonic() - started:.1f} s", flush=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
