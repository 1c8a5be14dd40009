"""The SIP anchors of the call agent benchmark: `sipp -sn uac` against `sipp -sn uas` (the load
tool's own ceiling) and kamailio as a transaction-stateful proxy between two sipps (what a SIP
server spends per call). Every process listens on 127.0.0.1 on a free port; kamailio runs in
the foreground with a configuration written here, never the system's one on 5060."""
import csv
import os
import shutil
import signal
import subprocess
import time

import procstat


class BenchError(Exception):
    pass


def find_tool(name):
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.access(f"/usr/sbin/{name}", os.X_OK) else None)
    return path


def stop_process(proc, timeout=10.0):
    """SIGTERM, then SIGKILL after `timeout`; returns the exit status."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
    return proc.returncode


# sipp's UDP socket buffers (its default is 64 KiB; the kernel caps this at net.core.rmem_max):
# a bigger buffer keeps a sipp that the host's scheduler delays from dropping datagrams.
SOCKET_BUFFER = 4 * 1024 * 1024


class SippUas:
    """`sipp -sn uas`: answers every INVITE (180, 200), takes the ACK and the BYE."""

    def __init__(self, workdir, port, tag="uas"):
        self.port = port
        self.log = open(os.path.join(workdir, f"sipp-{tag}.log"), "w")
        self.proc = subprocess.Popen(["sipp", "-sn", "uas", "-i", "127.0.0.1", "-p", str(port), "-nostdin",
                                      "-trace_err", "-error_file", os.path.join(workdir, f"sipp-{tag}-errors.log"),
                                      "-buff_size", str(SOCKET_BUFFER)],
                                     cwd=workdir, stdout=subprocess.DEVNULL, stderr=self.log)
        time.sleep(0.3)
        if self.proc.poll() is not None:
            raise BenchError(f"sipp uas did not start (exit {self.proc.returncode}, see {self.log.name})")

    def stop(self):
        stop_process(self.proc)
        self.log.close()


def sipp_uac(workdir, target, local_port, rate, seconds, tag, via=None, scenario=None, extra=()):
    """Runs `sipp -sn uac` (or a scenario file) for rate x seconds calls toward `target`
    (host:port; `via`: send every request to this host:port instead, the proxy). Returns the
    final statistics: calls, successful, failed, the call rate sipp achieved, elapsed seconds."""
    calls = max(1, int(round(rate * seconds)))
    stat = os.path.join(workdir, f"sipp-{tag}-stat.csv")
    if os.path.exists(stat):
        os.unlink(stat)
    cmd = ["sipp", target, "-i", "127.0.0.1", "-p", str(local_port), "-r", str(rate), "-rp", "1000",
           "-m", str(calls), "-nostdin", "-trace_stat", "-stf", stat, "-fd", "1",
           "-timeout", f"{int(seconds) + 20}s", "-trace_err", "-buff_size", str(SOCKET_BUFFER),
           "-error_file", os.path.join(workdir, f"sipp-{tag}-errors.log")]
    cmd[1:1] = ["-sf", scenario] if scenario else ["-sn", "uac"]
    if via:
        cmd += ["-rsa", via]
    cmd += list(extra)
    started = time.monotonic()
    # sipp's -timeout does not end a run whose calls hang (seen at overload): the step is bounded
    # here, and calls not finished by then count as failed.
    with open(os.path.join(workdir, f"sipp-{tag}.log"), "w") as log:
        proc = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=log)
        try:
            proc.wait(timeout=seconds + 25)
        except subprocess.TimeoutExpired:
            stop_process(proc, timeout=5)
    elapsed = time.monotonic() - started
    if not os.path.exists(stat):
        raise BenchError(f"sipp uac wrote no statistics (exit {proc.returncode}, see {log.name})")
    with open(stat) as f:
        rows = list(csv.reader(f, delimiter=";"))
    if len(rows) < 2 or not any(len(r) == len(rows[0]) for r in rows[1:]):
        raise BenchError(f"sipp uac statistics empty (exit {proc.returncode})")
    lines = [dict(zip(rows[0], r)) for r in rows[1:] if len(r) == len(rows[0])]
    last = lines[-1]
    ok, failed = int(last["SuccessfulCall(C)"]), int(last["FailedCall(C)"])
    created = int(last["TotalCallCreated"])
    # How fast sipp created the calls: the first statistics line (one a second) with all of them.
    t0 = _epoch(last["StartTime"])
    created_at = next((_epoch(r["CurrentTime"]) - t0 for r in lines if int(r["TotalCallCreated"]) >= calls), None)
    reasons = {k[len("Failed"):-len("(C)")]: int(v) for k, v in last.items()
               if k.startswith("Failed") and k.endswith("(C)") and k != "FailedCall(C)" and v.isdigit() and int(v)}
    return {
        "calls": calls, "created": created, "successful": ok,
        # A call never created or never finished counts as failed too.
        "failed": failed + (calls - ok - failed), "reasons": reasons,
        "achieved_cps": calls / created_at if created_at else float("nan"),
        "created_in_s": created_at, "elapsed_s": elapsed, "exit": proc.returncode,
        "retransmissions": int(last.get("Retransmissions(C)", "0") or 0),
    }


def _epoch(field):
    """sipp writes times as 'date<TAB>time<TAB>epoch'."""
    return float(field.split("\t")[-1])


KAMAILIO_CFG = """#!KAMAILIO
# Written by bench/callagent: a transaction-stateful proxy (tm) between two sipps, nothing else.
debug=0
log_stderror=yes
fork=yes
children={children}
auto_aliases=no
listen=udp:127.0.0.1:{port}
mpath="{mpath}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "maxfwd.so"
request_route {{
  if (!mf_process_maxfwd_header("10")) {{ sl_send_reply("483", "Too Many Hops"); exit; }}
  # An ACK for a 2xx is its own end-to-end request: forwarded statelessly (RFC 3261 §17.1.1.3).
  if (method == "ACK" && !t_check_trans()) {{ forward(); exit; }}
  # Everything else through a server and a client transaction toward the Request-URI.
  if (!t_relay()) {{ sl_reply_error(); }}
  exit;
}}
"""


def kamailio_module_dir():
    for d in ("/usr/lib/x86_64-linux-gnu/kamailio/modules", "/usr/lib/aarch64-linux-gnu/kamailio/modules",
              "/usr/lib/kamailio/modules", "/usr/local/lib64/kamailio/modules"):
        if os.path.exists(os.path.join(d, "tm.so")):
            return d
    return None


class Kamailio:
    """kamailio in the foreground (-DD: no daemon, but its worker processes) on 127.0.0.1:port
    with KAMAILIO_CFG. Shared memory is sized for a few seconds of transactions at
    thousands of calls per second (each INVITE transaction lingers in its wait timer).

    One UDP worker by default: with two, the 180 and the 200 of a call are sometimes relayed by
    different workers and reach the caller reordered (about 1 call in 5,000 at 2,000 cps
    here), which sipp's uac scenario counts as a failed call."""

    def __init__(self, workdir, port, children=1, shm_mb=512):
        binary = find_tool("kamailio")
        mpath = kamailio_module_dir()
        if not binary or not mpath:
            raise BenchError("kamailio not installed (scripts/install-deps.sh installs it)")
        self.port = port
        self.config = os.path.join(workdir, "kamailio.cfg")
        with open(self.config, "w") as f:
            f.write(KAMAILIO_CFG.format(children=children, port=port, mpath=mpath))
        self.log_path = os.path.join(workdir, "kamailio.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, "-f", self.config, "-DD", "-E", "-m", str(shm_mb), "-M", "16",
                                      "-P", os.path.join(workdir, "kamailio.pid")],
                                     cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"kamailio exited with {self.proc.returncode} (see {self.log_path})")
            if len(procstat.descendants(self.proc.pid)) >= children + 2:
                break
            time.sleep(0.1)
        time.sleep(0.3)

    def cpu_meter(self):
        return procstat.CpuMeter(self.proc.pid, tree=True)

    def errors(self):
        with open(self.log_path, errors="replace") as f:
            return sum(1 for line in f if " ERROR: " in line)

    def stop(self):
        rc = stop_process(self.proc)
        self.log.close()
        return rc
