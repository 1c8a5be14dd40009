#!/usr/bin/env python3
"""System test of tandem-lab on the exchanges-only lab (etc/lab/exchanges.cfg): the basic
scenario set passes with exit code 0 and complete reports; a scenario with a wrong expectation
fails with a clear report and a non-zero exit code; `up` stops cleanly on Ctrl-C and on
`tandem-lab down`; and no tandem-pstn process is left behind after any of it.
Usage: lab_run.py PATH/TO/tandem-lab DIR/OF/tandem-pstn SOURCE_DIR"""
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


def check(name, condition, detail=""):
    results.append((name, bool(condition)))
    print(f"{'PASS' if condition else 'FAIL'}: {name}{' - ' + str(detail) if detail and not condition else ''}", flush=True)


def processes_under(root):
    """Pids of live processes whose command line mentions `root` (the lab's run folders)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if root in cmd and "lab_run.py" not in cmd:
            found.append((int(pid), cmd))
    return found


def run(cmd, timeout=150):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def report_path(stdout, name):
    for line in stdout.splitlines():
        line = line.strip()
        for word in line.split():
            if word.endswith(name):
                return word
    return None


def main(lab_bin, pstn_dir, source):
    root = tempfile.mkdtemp(prefix="tandem-lab-sys-")
    cfg = os.path.join(source, "etc/lab/exchanges.cfg")
    scn = os.path.join(source, "etc/lab/scenarios")
    base = [lab_bin, "run", cfg]
    opts = ["--run-root", root, "--bin-dir", pstn_dir]

    # 1. The basic set passes.
    code, out, err = run(base + [os.path.join(scn, "basic.scn")] + opts)
    print(out[-3000:])
    check("basic set: exit code 0", code == 0, err[-2000:])
    rj = report_path(out, "report.json")
    check("basic set: JSON report path printed", rj and os.path.exists(rj), out[-500:])
    if rj and os.path.exists(rj):
        r = json.load(open(rj))
        names = {s["name"]: s for s in r["scenarios"]}
        check("basic set: four scenarios, all passed",
              len(names) == 4 and all(s["passed"] for s in names.values()), r)
        tone = names.get("answered call, tone both ways", {"calls": [{"steps": []}]})["calls"][0]
        heard = [s for s in tone["steps"] if "hears tone" in s["statement"]]
        check("tone checked both ways", len(heard) == 2 and all(s["result"] == "passed" for s in heard), heard)
        dtmf = names.get("DTMF end to end", {"calls": [{"steps": []}]})["calls"][0]
        check("DTMF 0123456789*# received end to end",
              any('"0123456789*#" received' in s["detail"] for s in dtmf["steps"]), dtmf)
        check("busy number: cause 17", names.get("busy number", {"calls": [{}]})["calls"][0].get("cause", {}).get("value") == 17)
        check("unallocated number: cause 1",
              names.get("unallocated number", {"calls": [{}]})["calls"][0].get("cause", {}).get("value") == 1)
        run_dir = r["run_dir"]
        for f in ("A.log", "B.log", "A.cfg", "B.cfg", "junit.xml", "summary.txt"):
            check(f"run folder holds {f}", os.path.exists(os.path.join(run_dir, f)))
        junit = ET.parse(os.path.join(run_dir, "junit.xml")).getroot()
        check("JUnit: 4 tests, 0 failures", junit.get("tests") == "4" and junit.get("failures") == "0", junit.attrib)
    check("no process left after the passing run", not processes_under(root), processes_under(root))

    # 2. A wrong expectation fails, clearly.
    code, out, err = run(base + [os.path.join(scn, "must-fail.scn")] + opts)
    print(out[-2000:])
    check("must-fail: exit code 1", code == 1, (code, err[-1000:]))
    check("must-fail: the summary names the line and what was seen",
          "must-fail.scn:3" in out and "line 5: expect A answered within 2s: released with cause 17 (user busy) instead of answered" in out,
          out[-1500:])
    rj = report_path(out, "report.json")
    if rj and os.path.exists(rj):
        r = json.load(open(rj))
        check("must-fail: JSON says failed", r["passed"] is False and r["scenarios"][0]["passed"] is False)
        junit = ET.parse(os.path.join(r["run_dir"], "junit.xml")).getroot()
        failures = junit.findall(".//failure")
        check("must-fail: JUnit holds one failure with the line", len(failures) == 1 and "line 5" in failures[0].get("message", ""),
              [f.attrib for f in failures])
    else:
        check("must-fail: JSON report written", False, out[-500:])
    check("no process left after the failing run", not processes_under(root), processes_under(root))

    # 3. A bad scenario is refused before anything starts, with file:line:column.
    bad = os.path.join(root, "bad.scn")
    with open(bad, "w") as f:
        f.write('scenario "bad"\ncall A:1001 -> B:2001\nexpect A answered within soon\n')
    code, out, err = run(base + [bad] + opts)
    check("bad scenario: exit code 2 with file:line:column", code == 2 and f"{bad}:3:26:" in err, (code, err))

    # 4. `up` stops everything on Ctrl-C ...
    for how in ("sigint", "down"):
        p = subprocess.Popen([lab_bin, "up", cfg] + opts, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        run_dir, up = None, False
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            if line.startswith("run folder "):
                run_dir = line.split(" ", 2)[2].strip()
            if line.startswith("up;"):
                up = True
                break
        check(f"up ({how}): the lab comes up", up and run_dir)
        check(f"up ({how}): two exchanges run", len([x for x in processes_under(root) if "tandem-pstn" in x[1]]) == 2,
              processes_under(root))
        if how == "sigint":
            p.send_signal(signal.SIGINT)
        else:
            code, out, err = run([lab_bin, "down", run_dir], timeout=30)
            check("down: exit code 0", code == 0, (out, err))
        try:
            rest, _ = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            rest = ""
        check(f"up ({how}): ends with exit code 0", p.returncode == 0, (p.returncode, rest))
        check(f"up ({how}): both exchanges stopped with SIGTERM", rest.count("stopped (exit 0)") == 2, rest)
        check(f"up ({how}): no process left", not processes_under(root), processes_under(root))

    left = processes_under(root)
    for pid, _ in left:  # never leave anything behind, even when the test failed
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    passed = sum(1 for _, ok in results if ok)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    if failed == 0:
        shutil.rmtree(root, ignore_errors=True)  # kept for reading when something failed
    else:
        print(f"run folders kept in {root}")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
