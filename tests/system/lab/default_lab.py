#!/usr/bin/env python3
"""End-to-end test: the README's lab (etc/lab/default.cfg: two exchanges, two gateways, the call
agent, a SIP user agent) runs the default scenario set (etc/lab/scenarios/pstn-ip-pstn.scn)
through tandem-lab: a PSTN-IP-PSTN call over each IP codec with a tone checked both ways and the
codec read back from the call agent's record, the delay marker both ways over PCMA, DTMF end to
end, a PSTN-SIP and a SIP-PSTN call (audio echoed by sipp, SIP 200), a SIP-PSTN call to a busy
number (SIP 486), busy, unallocated at the far exchange and at the call agent. Then a scenario
with a wrong expectation fails with a clear report, and `up` / `down` start and stop all six
processes cleanly. No process is left behind.
Usage: default_lab.py PATH/TO/tandem-lab SOURCE_DIR BIN_DIR..."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

results = []
CODECS = {"PCMA: tone both ways": "PCMA", "PCMU: tone both ways": "PCMU",
          "G.729: tone both ways": "G729", "G.723.1: tone both ways": "G723"}
PROGRAMS = ("tandem-pstn", "tandem-mgw", "tandem-ca")


def check(name, condition, detail=""):
    results.append((name, bool(condition)))
    print(f"{'PASS' if condition else 'FAIL'}: {name}{' - ' + str(detail) if detail and not condition else ''}", flush=True)


def processes_under(root):
    """Live processes whose command line mentions `root` (the lab's run folders)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if root in cmd and "default_lab.py" not in cmd:
            found.append((int(pid), cmd))
    return found


def run(cmd, timeout=120):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def report_of(stdout):
    for word in stdout.split():
        if word.endswith("report.json") and os.path.exists(word):
            with open(word) as f:
                return json.load(f)
    return None


def step_details(call, needle):
    return [s for s in call["steps"] if needle in s["statement"]]


def load_failures(report):
    """The failed steps when every one is what a loaded host does to the sim spans: a media check
    ('expect X hears ...') that missed audio, or a call the exchange could not place because its
    span was in alarm (loss of signal for 5 ticks); else None."""
    if report is None:
        return None
    failed = [st for s in report["scenarios"] for c in s["calls"] for st in c["steps"] if st["result"] == "failed"]
    if not failed or any(" hears " not in st["statement"] and "in alarm" not in st["detail"] for st in failed):
        return None
    return failed


def scenarios_of(path, names):
    """The text of the scenarios called `names` in a scenario file (each runs from its
    `scenario "name"` line to the next one)."""
    with open(path) as f:
        lines = f.read().splitlines(keepends=True)
    out, keep = [], False
    for line in lines:
        if line.startswith('scenario "'):
            keep = line.split('"')[1] in names
        if keep:
            out.append(line)
    return "".join(out)


def default_set(lab_bin, cfg, scn, opts, root):
    set_file = os.path.join(scn, "pstn-ip-pstn.scn")
    code, out, err = run([lab_bin, "run", cfg, set_file] + opts)
    print(out[-4000:])
    check("default set: JSON report written", report_of(out) is not None, out[-500:])
    first = report_of(out)
    if first is None:
        return
    names = {s["name"]: s for s in first["scenarios"]}
    last_code, last = code, first
    # docs/status.md, known issues: on a loaded host (ctest -j, other builds) the sim spans lose
    # blocks, which chops tones and digits, lowers the SNR, and can put a span in alarm when a
    # call is placed. When only such steps failed, the failed scenarios run again, at most
    # twice, each time logged.
    for attempt in (1, 2):
        lost = load_failures(last) if last_code != 0 else None
        if not lost:
            break
        again = [n for n, sc in names.items() if not sc["passed"]]
        print(f"steps failed as on a loaded host (load {os.getloadavg()[0]:.1f}): "
              f"{[(st['statement'], st['detail']) for st in lost]}; running {again} again ({attempt}/2)", flush=True)
        retry_file = os.path.join(root, f"retry-{attempt}.scn")
        with open(retry_file, "w") as f:
            f.write(scenarios_of(set_file, again))
        last_code, out, err = run([lab_bin, "run", cfg, retry_file] + opts)
        print(out[-3000:])
        last = report_of(out)
        if last is None:
            break
        for sc in last["scenarios"]:
            names[sc["name"]] = sc
    check("default set: every scenario passed (the last run exit code 0)", last_code == 0, err[-2000:])
    check("default set: twelve scenarios, all passed", len(names) == 12 and all(s["passed"] for s in names.values()),
          [(n, s["passed"]) for n, s in names.items()])
    for name, codec in CODECS.items():
        call = names.get(name, {"calls": [{"steps": [], "codec": ""}]})["calls"][0]
        heard = step_details(call, "hears tone")
        check(f"{codec}: a tone heard at each end", len(heard) == 2 and all(s["result"] == "passed" for s in heard), heard)
        check(f"{codec}: the call agent's record says {codec}", call.get("codec") == codec, call.get("codec"))
    marker = names.get("PCMA: delay and quality both ways", {"calls": [{}]})["calls"][0]
    delays, snrs = marker.get("one_way_ms", []), marker.get("snr_db", [])
    print(f"PCMA marker: one-way delay {delays} ms, SNR {snrs} dB")
    check("PCMA: the marker measured both ways", len(delays) == 2 and len(snrs) == 2, (delays, snrs))
    for name, want in (("PSTN-SIP: A calls the SIP user agent", None), ("SIP-PSTN: the SIP user agent calls B", 200),
                       ("SIP-PSTN: busy number", 486)):
        call = names.get(name, {"calls": [{"steps": []}]})["calls"][0]
        if want is not None:
            check(f"{name}: SIP {want}", call.get("sip_status") == want, call.get("sip_status"))
        heard = step_details(call, "hears tone")
        if heard or want == 200 or want is None:
            check(f"{name}: the tone came back from sipp's RTP echo",
                  len(heard) == 1 and heard[0]["result"] == "passed", heard)
    dtmf = names.get("DTMF end to end (G.729)", {"calls": [{"steps": []}]})["calls"][0]
    got = [s["detail"] for s in step_details(dtmf, "hears dtmf")]
    check("DTMF both ways over G.729", len(got) == 2 and all("received" in d for d in got), got)
    for name, cause in (("busy number", 17), ("unallocated number at the far exchange", 1),
                        ("unallocated number at the call agent (no route)", 1)):
        c = names.get(name, {"calls": [{}]})["calls"][0].get("cause") or {}
        check(f"{name}: cause {cause}", c.get("value") == cause, c)
    # The first run's folder: every node's files, a record per call (failed media or not).
    run_dir = first["run_dir"]
    for f in ("A.cfg", "B.cfg", "ca.cfg", "gw1.cfg", "gw2.cfg", "alice.xml", "A.log", "ca.log", "gw1.log", "gw2.log",
              "alice.log", "alice.messages", "alice-call1.messages", "cdr.csv", "junit.xml", "summary.txt"):
        check(f"run folder holds {f}", os.path.exists(os.path.join(run_dir, f)))
    placed = sum(1 for sc in first["scenarios"] for c in sc["calls"] if c["steps"][0]["result"] == "passed")
    with open(os.path.join(run_dir, "cdr.csv")) as f:
        rows = f.read().splitlines()
    check(f"call agent wrote a record per call placed (header + {placed})", len(rows) == 1 + placed, len(rows))
    junit = ET.parse(os.path.join(run_dir, "junit.xml")).getroot()
    failed_first = sum(1 for sc in first["scenarios"] if not sc["passed"])
    check("JUnit: 12 tests, failures as in the JSON report",
          junit.get("tests") == "12" and junit.get("failures") == str(failed_first), junit.attrib)
    pcap = os.path.join(run_dir, "capture.pcapng")
    tshark = shutil.which("tshark")
    if os.path.exists(pcap) and tshark:
        # The lab's MGCP ports are not the well-known ones: tell tshark which they are.
        decode = []
        for name in ("ca", "gw1", "gw2"):
            with open(os.path.join(run_dir, f"{name}.cfg")) as f:
                text = f.read()
            key = "mgcp_port = " if name == "ca" else "port = "
            port = text.split(key, 1)[1].split(";", 1)[0].strip()
            decode += ["-d", f"udp.port=={port},mgcp"]
        p = subprocess.run([tshark, "-r", pcap] + decode + ["-Y", "mgcp", "-T", "fields", "-e", "mgcp.req.verb"],
                           capture_output=True, text=True, timeout=60)
        verbs = set(p.stdout.split())
        # The capture starts before the first process, but dumpcap may say "Capturing on" a
        # moment before its filter sees packets on a loaded host: RSIP is reported, not required.
        print(f"pcap: MGCP verbs seen: {sorted(verbs)}")
        check("pcap: MGCP CRCX, MDCX and DLCX captured", {"CRCX", "MDCX", "DLCX"} <= verbs, verbs)
    else:
        print(f"note: pcap not checked ({'no capture' if not os.path.exists(pcap) else 'no tshark'})")


def must_fail(lab_bin, cfg, scn, opts):
    code, out, err = run([lab_bin, "run", cfg, os.path.join(scn, "must-fail-default.scn")] + opts)
    print(out[-2000:])
    check("must-fail: exit code 1", code == 1, (code, err[-1000:]))
    check("must-fail: the summary names the line, the record seen and what was expected",
          "must-fail-default.scn:4" in out and 'line 9: expect record codec PCMA within 3s' in out
          and 'codec "G729"' in out and "expected codec PCMA" in out, out[-1500:])
    r = report_of(out)
    check("must-fail: JSON says failed", r is not None and r["passed"] is False)


def up_down(lab_bin, cfg, opts, root):
    p = subprocess.Popen([lab_bin, "up", cfg] + opts, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    run_dir, up, lines = None, False, []
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("run folder "):
            run_dir = line.split(" ", 2)[2].strip()
        if line.startswith("up;"):
            up = True
            break
    check("up: the lab comes up with both gateways in service", up and run_dir
          and any("2 gateways in service at the call agent" in x for x in lines), "".join(lines))
    running = processes_under(root)
    for prog, count in (("tandem-pstn", 2), ("tandem-mgw", 2), ("tandem-ca", 1), ("sipp", 1)):
        check(f"up: {count} {prog} running", len([x for x in running if prog in x[1]]) == count, running)
    if run_dir:
        code, out, err = run([lab_bin, "down", run_dir], timeout=40)
        check("down: exit code 0", code == 0, (out, err))
    else:
        p.send_signal(signal.SIGINT)
    try:
        rest, _ = p.communicate(timeout=40)
    except subprocess.TimeoutExpired:
        p.kill()
        rest = ""
    check("up: ends with exit code 0", p.returncode == 0, (p.returncode, rest))
    check("up: the five daemons stopped with SIGTERM and exit 0", rest.count("stopped (exit 0)") >= 5, rest)
    check("up: sipp stopped", "alice stopped" in rest, rest)
    check("up: no process left", not processes_under(root), processes_under(root))


def main(lab_bin, source, *bin_dirs):
    root = tempfile.mkdtemp(prefix="tandem-lab-default-")
    cfg = os.path.join(source, "etc/lab/default.cfg")
    scn = os.path.join(source, "etc/lab/scenarios")
    opts = ["--run-root", root]
    for d in bin_dirs:
        opts += ["--bin-dir", d]
    try:
        default_set(lab_bin, cfg, scn, opts, root)
        check("no process left after the default set", not processes_under(root), processes_under(root))
        must_fail(lab_bin, cfg, scn, opts)
        check("no process left after the failing run", not processes_under(root), processes_under(root))
        up_down(lab_bin, cfg, opts, root)
    finally:
        for pid, _ in processes_under(root):  # never leave anything behind, even on failure
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    passed = sum(1 for _, ok in results if ok)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    if failed == 0:
        shutil.rmtree(root, ignore_errors=True)
    else:
        print(f"run folders kept in {root}")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    if len(sys.argv) < 4:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
