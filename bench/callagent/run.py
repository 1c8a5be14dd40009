#!/usr/bin/env python3
"""The call agent benchmark: call setup rates and CPU per call of tandem-ca, with its anchors
measured in the same run, printed as one table (docs/performance.md, section "Call agent").

    bench/callagent/run.py [--build DIR] [--seconds S] [--spans N] [--hold N] [--sip auto|on|off]
                           [--smoke] [--keep] ...        (--help lists every option)

What it measures, in this order, each at rising rates for a bounded time per step (--seconds),
stopping at the first step with a failed call:
  1. anchors: `sipp -sn uac` against `sipp -sn uas` (the load tool's ceiling), and kamailio as
     a transaction-stateful proxy (tm, t_relay) between two sipps, with kamailio's CPU time per
     call (utime + stime of all its processes from /proc over the step, divided by the calls);
  2. in a first lab (pstn_bed.py: two tandem-pstn exchanges, two tandem-mgw, one tandem-ca, PCMU
     on the IP leg): tandem-ca's resident memory per active call, (VmRSS with N calls up - VmRSS
     idle) / N; then SIP->PSTN calls, sipp (sip_to_pstn.xml) into tandem-ca's SIP port, routed
     over PRI to exchange B: the highest rate with no failed call, tandem-ca's CPU per call and
     its ratio to kamailio's at a like rate (goal at most 2x). Until callagent/sip is committed
     this row says "not measured: tandem-ca has no SIP yet";
  3. in a second, fresh lab (--codec, G.729 by default): PSTN-IP-PSTN calls driven by exchange A
     (pstn_load.py), released as soon as they connect: the highest rate with zero failed calls,
     tandem-ca's CPU per call, every lab process's CPU per call, post-dial delay.
The 1-minute load average is printed with every step: other work on the host makes absolute
figures noisy; ratios taken in one run hold better.

Every process listens on 127.0.0.1 on free ports; kamailio runs with a configuration written
here (never the system's one on 5060). Everything started is stopped at the end, also on
failure or Ctrl-C. --smoke runs each part once at a tiny rate (about 20 s) and exits non-zero
unless every part completed its calls with none failed; it is the ctest test
bench_callagent.smoke.
Exit status: 0 when the run completed (whatever the figures), 1 on a failed smoke run, 2 when
the run could not be done (a tool missing, a process not starting: the table of what was
measured until then is still printed) or was interrupted.
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import procstat  # noqa: E402
import report  # noqa: E402
from report import Table, kamailio_at, us  # noqa: E402
import pstn_bed  # noqa: E402
import pstn_load  # noqa: E402
import sip_anchors  # noqa: E402
from sip_anchors import BenchError  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


SMOKE = False      # --smoke: outcomes only, a failed step is run again (Steps)
SMOKE_ATTEMPTS = 3


class Steps:
    """The rising rates of one part, iterated until a step fails. In --smoke a failed step is run
    again, up to SMOKE_ATTEMPTS times in all, and logged: on a host loaded far past its cores a
    sim span can go into alarm for a moment (docs/status.md, known issues), and the smoke test
    asks whether the benchmark still works, not whether the host was quiet. Each pass through
    the loop must end in passed() or failed()."""

    def __init__(self, rates):
        self.rates, self.index, self.tries = list(rates), 0, 0

    def __iter__(self):
        while self.index < len(self.rates):
            yield self.rates[self.index]

    def passed(self):
        self.index, self.tries = self.index + 1, 0

    def failed(self, what):
        """True when the step is to be run again."""
        self.tries += 1
        if SMOKE and self.tries < SMOKE_ATTEMPTS:
            log(f"{what}: step failed, running it again (attempt {self.tries + 1} of {SMOKE_ATTEMPTS})")
            return True
        self.index = len(self.rates)
        return False


class Done(Exception):
    """The parts asked for are measured."""


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def rates(text):
    return [int(x) for x in text.split(",") if x.strip()]


# -- 1. anchors ------------------------------------------------------------------------------------
def fell_behind(r, seconds):
    """sipp needed clearly longer than the step to create its calls (its statistics come once a
    second, so a second of slack). Not judged in --smoke, which asserts outcomes only."""
    if SMOKE:
        return False
    return r["created_in_s"] is None or r["created_in_s"] > seconds + 1.5


def sipp_note(r, slow):
    parts = [f"{n} {why}" for why, n in sorted(r["reasons"].items(), key=lambda x: -x[1])]
    if slow:
        parts.append("sipp fell behind the rate")
    if r["retransmissions"]:
        parts.append(f"{r['retransmissions']} retransmissions")
    return "; ".join(parts)


def sipp_ceiling(workdir, table, step_rates, seconds):
    best = None
    steps = Steps(step_rates)
    for rate in steps:
        uas = sip_anchors.SippUas(workdir, pstn_bed.harness.free_udp_port(), tag=f"uas-{rate}")
        try:
            r = sip_anchors.sipp_uac(workdir, f"127.0.0.1:{uas.port}", pstn_bed.harness.free_udp_port(), rate,
                                     seconds, tag=f"uac-{rate}")
        finally:
            uas.stop()
        slow = fell_behind(r, seconds)
        table.step("sipp uac -> sipp uas", rate, r["calls"], r["successful"], r["failed"], r["achieved_cps"], None,
                   sipp_note(r, slow))
        log(f"sipp->sipp {rate} cps: {r}")
        if r["failed"] or slow:
            if steps.failed("sipp uac -> sipp uas"):
                continue
            break
        best = rate
        steps.passed()
    return best


def kamailio_proxy(workdir, table, step_rates, seconds):
    """Returns (highest rate with no failed call, CPU seconds per call at that rate, {rate: CPU
    seconds per call} of every passed step), or None when the first step failed."""
    kam = sip_anchors.Kamailio(workdir, pstn_bed.harness.free_udp_port())
    best, passed = None, {}
    try:
        idle = idle_cpu({"kamailio": kam.cpu_meter()}, IDLE_S)["kamailio"]
        table.idle("kamailio (tm), no calls", idle, IDLE_S)
        steps = Steps(step_rates)
        for rate in steps:
            uas = sip_anchors.SippUas(workdir, pstn_bed.harness.free_udp_port(), tag=f"kam-uas-{rate}")
            meter = kam.cpu_meter()
            try:
                meter.start()
                r = sip_anchors.sipp_uac(workdir, f"127.0.0.1:{uas.port}", pstn_bed.harness.free_udp_port(), rate,
                                         seconds, tag=f"kam-uac-{rate}", via=f"127.0.0.1:{kam.port}")
                cpu = meter.stop()
            finally:
                uas.stop()
            per_call = cpu / r["successful"] if r["successful"] and cpu > 0 else None
            slow = fell_behind(r, seconds)
            table.step("sipp -> kamailio (tm) -> sipp", rate, r["calls"], r["successful"], r["failed"],
                       r["achieved_cps"], per_call, sipp_note(r, slow))
            log(f"kamailio {rate} cps: {r}, cpu {cpu:.2f} s")
            if r["failed"] or slow:
                if steps.failed("kamailio"):
                    continue
                break
            if per_call:
                passed[rate] = per_call
            best = (rate, per_call, passed)
            steps.passed()
            time.sleep(1.0)  # transactions of the step leave kamailio's wait timer
    finally:
        errors = kam.errors()
        kam.stop()
    if errors:
        log(f"kamailio logged {errors} errors (see {kam.log_path})")
    return best


# -- 2 to 5. the labs: memory, SIP->PSTN, PSTN-IP-PSTN ---------------------------------------------
IDLE_S = 3.0  # seconds of the idle measurements (1 in --smoke)


def idle_cpu(meters, seconds):
    """CPU seconds per second of each meter's processes while nothing is offered."""
    for m in meters.values():
        m.start()
    time.sleep(seconds)
    return {name: m.stop() / seconds for name, m in meters.items()}


def memory_per_call(lab, driver, hold, table_notes):
    """(RSS with `hold` calls up - RSS idle) / hold, in KiB; RSS read after a warm-up round."""
    # A busy host can put a sim span in alarm for a moment (docs/status.md, known issues):
    # the warm-up round is tried a few times before the figure is given up.
    for attempt in range(1, 4):
        warm = driver.run(20, 0, max_calls=min(hold, 40))
        reasons = pstn_load.summarise(warm, 0)["reasons"]
        if not reasons:
            break
        log(f"memory: warm-up round {attempt} had failed calls: {reasons}")
        if attempt == 3:
            raise BenchError(f"warm-up calls failed three times: {reasons}")
        time.sleep(3.0)
    time.sleep(1.0)
    idle = procstat.rss_kib(lab.ca.pid)
    held = driver.hold(hold, rate=min(100, hold))
    time.sleep(1.0)
    loaded = procstat.rss_kib(lab.ca.pid)
    left = driver.release(held)
    time.sleep(1.0)
    after = procstat.rss_kib(lab.ca.pid)
    if left:
        table_notes.append(f"{left} held calls were not released within the bound")
    return {"held": len(held), "asked": hold, "idle_kib": idle, "loaded_kib": loaded, "after_kib": after,
            "per_call_kib": (loaded - idle) / len(held) if held else None}


def pstn_rates(lab, driver, table, step_rates, seconds):
    """Returns (highest passing rate, its step summary)."""
    best = None
    steps = Steps(step_rates)
    for rate in steps:
        s = pstn_load.measure_step(driver, lab.pids(), rate, seconds)
        ca_cpu = s["cpu_s"]["tandem-ca"]
        per_call = ca_cpu / s["successful"] if s["successful"] and ca_cpu > 0 else None
        lab_cpu = sum(s["cpu_s"].values())
        note = f"pdd p50 {s['pdd_ms_p50']:.0f} ms p99 {s['pdd_ms_p99']:.0f} ms; lab CPU/call " \
               f"{us(lab_cpu / s['successful']) if s['successful'] else '-'}"
        if s["failed"]:
            note += "; " + ", ".join(f"{n} {why}" for why, n in sorted(s["reasons"].items(), key=lambda x: -x[1])[:3])
        table.step(f"PSTN-IP-PSTN ({lab.spans} E1/side, {lab.codec})", rate, s["calls"], s["successful"], s["failed"],
                   s["offered_cps"], per_call, note)
        log(f"PSTN-IP-PSTN {rate} cps: {s}")
        if s["failed"]:
            if steps.failed("PSTN-IP-PSTN"):
                time.sleep(2.0)
                continue
            break
        best = (rate, s, per_call)
        steps.passed()
        time.sleep(1.0)
    return best


SIP_SCENARIO = os.path.join(HERE, "sip_to_pstn.xml")


def sip_to_pstn(lab, workdir, table, step_rates, seconds, kam):
    """sipp calls 02012001 at tandem-ca's SIP port (scenario sip_to_pstn.xml): tandem-ca routes
    it to exchange B over PRI, B answers, sipp ACKs and sends BYE at once. Returns (highest
    rate with no failed call, tandem-ca's CPU seconds per call there, {process: CPU seconds} of
    that step, its calls), or None when the first step failed."""
    sip_port, sipp_port = lab.sip
    best = None
    steps = Steps(step_rates)
    for rate in steps:
        meters = {name: procstat.CpuMeter(pid) for name, pid in lab.pids().items()}
        for m in meters.values():
            m.start()
        r = sip_anchors.sipp_uac(workdir, f"127.0.0.1:{sip_port}", sipp_port, rate, seconds, tag=f"sip-{rate}",
                                 scenario=SIP_SCENARIO,
                                 extra=["-s", pstn_bed.CALLED, "-mp", str(pstn_bed.harness.free_udp_port())])
        cpu = {name: m.stop() for name, m in meters.items()}
        per_call = cpu["tandem-ca"] / r["successful"] if r["successful"] and cpu["tandem-ca"] > 0 else None
        slow = fell_behind(r, seconds)
        note = sipp_note(r, slow)
        at, kam_cpu = kamailio_at(kam, rate)
        if kam_cpu and per_call:
            note = f"{per_call / kam_cpu:.2f}x kamailio's CPU/call at {at:,} cps" + (f"; {note}" if note else "")
        table.step(f"SIP->PSTN (sipp -> tandem-ca -> B, {lab.codec})", rate, r["calls"], r["successful"], r["failed"],
                   r["achieved_cps"], per_call, note)
        log(f"SIP->PSTN {rate} cps: {r}, cpu {cpu}")
        if r["failed"] or slow:
            if steps.failed("SIP->PSTN"):
                time.sleep(2.0)
                continue
            break
        best = (rate, per_call, cpu, r["successful"])
        steps.passed()
        time.sleep(1.0)
    return best


def start_lab(args, bins, workdir, name, sip, codec):
    folder = os.path.join(workdir, name)
    os.makedirs(folder)
    lab = pstn_bed.Lab(*bins, args.spans, codec, folder, sip)
    try:
        lab.wait_links()
        driver = pstn_load.Driver(lab.a.client, lab.spans)
        settle(driver)
        return lab, driver
    except Exception:
        lab.close()
        raise


def settle(driver, timeout_s=30.0):
    """Waits until single calls pass three times in a row. The exchanges report their
    D-channels up a little before the lab is ready: at start-up the sim spans raise and clear
    alarms, and Q.921 re-establishing after one clears the calls set up meanwhile (cause 101 at
    A); the call agent also needs the gateways' RSIP and its audit. Not counted anywhere."""
    deadline = time.monotonic() + timeout_s
    in_a_row = 0
    while in_a_row < 3:
        if time.monotonic() > deadline:
            raise BenchError(f"the lab did not pass three single calls in a row within {timeout_s:.0f} s")
        calls = driver.run(10, 0, max_calls=1)
        if all(c.failed is None for c in calls):
            in_a_row += 1
        else:
            in_a_row = 0
            log(f"lab not ready yet: {pstn_load.summarise(calls, 0)['reasons']}")
            time.sleep(0.5)


def stop_lab(lab, notes):
    rc = lab.close()
    if rc != 0:
        notes.append(f"tandem-ca exited with {rc} after SIGTERM")


def sip_available():
    """tandem-ca has SIP once callagent/sip is committed (another part of issue 6 is adding
    it; work in progress in the tree does not count)."""
    try:
        out = subprocess.run(["git", "-C", ROOT, "log", "--oneline", "-1", "--", "callagent/sip"],
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return os.path.isdir(os.path.join(ROOT, "callagent", "sip"))
    return bool(out.strip())


def binaries(build):
    paths = {"ca": os.path.join(build, "callagent", "app", "tandem-ca"),
             "mgw": os.path.join(build, "gateway", "app", "tandem-mgw"),
             "pstn": os.path.join(build, "lab", "pstn", "tandem-pstn")}
    for name, path in paths.items():
        if not os.access(path, os.X_OK):
            raise BenchError(f"{path} not built (ninja -C {build} tandem-ca tandem-mgw tandem-pstn)")
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "dev"),
                    help="build folder holding tandem-ca, tandem-mgw, tandem-pstn (default build/dev)")
    ap.add_argument("--ca", help="tandem-ca binary (default: from --build)")
    ap.add_argument("--mgw", help="tandem-mgw binary (default: from --build)")
    ap.add_argument("--pstn", help="tandem-pstn binary (default: from --build)")
    ap.add_argument("--seconds", type=float, default=5.0, help="length of each rate step (default 5)")
    ap.add_argument("--sipp-rates", type=rates, default=rates("2000,5000,10000,15000,20000,30000"))
    ap.add_argument("--kamailio-rates", type=rates, default=rates("500,1000,2000,3000,5000,7000,10000"))
    ap.add_argument("--pstn-rates", type=rates, default=rates("50,100,200,300,500,700,1000,1400"))
    ap.add_argument("--sip-rates", type=rates, default=rates("50,100,200,300,500,700,1000,1400,2000"))
    ap.add_argument("--sip", choices=("auto", "on", "off"), default="auto",
                    help="drive SIP->PSTN calls: auto (once callagent/sip is committed), on, off")
    ap.add_argument("--spans", type=int, default=16, help="E1 spans per side of the lab (default 16)")
    ap.add_argument("--codec", default="G729", help="codec on the IP leg (default G729)")
    ap.add_argument("--hold", type=int, default=200, help="calls held up for the memory figure (default 200)")
    ap.add_argument("--skip-anchors", action="store_true", help="no sipp/kamailio steps (no ratio printed)")
    ap.add_argument("--anchors-only", action="store_true", help="only the sipp and kamailio steps")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (logs, configs)")
    ap.add_argument("--smoke", action="store_true", help="one tiny step of each part (a test that the bench runs)")
    args = ap.parse_args()
    if args.smoke:
        global IDLE_S, SMOKE
        IDLE_S, SMOKE = 1.0, True
        args.seconds, args.spans, args.hold = 2.0, 1, 5
        args.sipp_rates, args.kamailio_rates, args.pstn_rates, args.sip_rates = [50], [50], [5], [5]
    if args.hold > args.spans * pstn_bed.CHANNELS_PER_SPAN:
        ap.error(f"--hold {args.hold} exceeds the {args.spans * pstn_bed.CHANNELS_PER_SPAN} circuits of --spans")

    workdir, cleanup = pstn_bed.new_workdir(args.keep)
    stopped = None
    table, notes = Table(), []
    lab = None
    results = {}
    started = time.monotonic()
    load_start = procstat.load_average()
    try:
        if not args.skip_anchors:
            if not sip_anchors.find_tool("sipp"):
                raise BenchError("sipp not installed (package sip-tester; scripts/install-deps.sh)")
            results["sipp"] = sipp_ceiling(workdir, table, args.sipp_rates, args.seconds)
            results["kamailio"] = kamailio_proxy(workdir, table, args.kamailio_rates, args.seconds)
        if args.anchors_only:
            raise Done()
        built = {} if (args.ca and args.mgw and args.pstn) else binaries(args.build)
        ca_bin, mgw_bin, pstn_bin = args.ca or built["ca"], args.mgw or built["mgw"], args.pstn or built["pstn"]
        with_sip = args.sip == "on" or (args.sip == "auto" and sip_available())
        # Two labs, each started fresh: the memory figure and the SIP->PSTN steps in the first,
        # the PSTN-IP-PSTN steps in the second. Every part ends at a rate where calls fail, and
        # a lab pushed past that point can take a while to recover (gateways declared lost and
        # back, spans in alarm): the next part must not start in that state.
        sip = (pstn_bed.harness.free_udp_port(), pstn_bed.harness.free_udp_port()) if with_sip else None
        # The first lab carries PCMU on the IP leg: sipp offers it, and the held calls of the
        # memory figure then cost the gateways little media CPU (200 G.729 calls held on a busy
        # 2-core host starve the sim spans into alarm). tandem-ca's work is the same for any codec.
        lab, driver = start_lab(args, (ca_bin, mgw_bin, pstn_bin), workdir, "lab1", sip, "PCMU")
        idle = idle_cpu({name: procstat.CpuMeter(pid) for name, pid in lab.pids().items()}, IDLE_S)
        table.idle(f"tandem-ca ({lab.spans} PRI spans/side), no calls", idle["tandem-ca"], IDLE_S)
        log(f"lab idle CPU per second: {idle}")
        try:
            for attempt in range(1, (SMOKE_ATTEMPTS if SMOKE else 1) + 1):
                results["memory"] = memory_per_call(lab, driver, args.hold, notes)
                log(f"memory: {results['memory']}")
                if results["memory"]["held"] == args.hold:
                    break
                log(f"memory: not every call held (attempt {attempt})")
        except BenchError as e:
            notes.append(f"memory per active call not measured: {e}")
        if lab.sip:
            results["sip"] = sip_to_pstn(lab, workdir, table, args.sip_rates, args.seconds, results.get("kamailio"))
            results["rss_after_sip_kib"] = procstat.rss_kib(lab.ca.pid)
        else:
            results["sip"] = None
        stop_lab(lab, notes)
        lab = None
        lab, driver = start_lab(args, (ca_bin, mgw_bin, pstn_bin), workdir, "lab2", None, args.codec)
        results["rss_idle_pstn_kib"] = procstat.rss_kib(lab.ca.pid)
        results["pstn"] = pstn_rates(lab, driver, table, args.pstn_rates, args.seconds)
        results["rss_after_pstn_kib"] = procstat.rss_kib(lab.ca.pid)
        stop_lab(lab, notes)
        lab = None
    except Done:
        pass
    except BenchError as e:
        log(f"cannot run: {e} (work folder {workdir})")
        stopped = f"stopped early: {e} (work folder {workdir})"
    except KeyboardInterrupt:
        log("interrupted")
        return 2
    finally:
        if lab is not None:
            lab.close()
    elapsed = time.monotonic() - started

    out = sys.stdout
    print(f"\nCall agent benchmark ({os.cpu_count()} CPUs; load average {load_start:.1f} at start, "
          f"{procstat.load_average():.1f} at end; {args.seconds:g} s per step; {elapsed:.0f} s in all)\n", file=out)
    table.print(out)
    print("", file=out)
    sip_state = "off" if args.sip == "off" else ("none" if args.sip == "auto" and not sip_available() else "on")
    summary = report.summary(results, args, sip_state)
    width = max(len(k) for k, _ in summary) if summary else 0
    for k, v in summary:
        print(f"{k.ljust(width)} : {v}", file=out)
    for n in notes:
        print(f"note: {n}", file=out)
    if stopped:
        print(f"note: {stopped}", file=out)
        return 2
    cleanup()
    if args.smoke:
        return smoke_verdict(results, args)
    return 0


def smoke_verdict(results, args):
    """The smoke run passes when every part completed its one step with no failed call."""
    problems = []
    if not args.skip_anchors:
        if results.get("sipp") is None:
            problems.append("sipp uac -> uas step failed")
        if results.get("kamailio") is None:
            problems.append("kamailio step failed")
    mem = results.get("memory")
    if not mem or mem["held"] != mem["asked"]:
        problems.append(f"memory: calls not all held ({mem})")
    if results.get("pstn") is None:
        problems.append("PSTN-IP-PSTN step failed")
    if (args.sip == "on" or (args.sip == "auto" and sip_available())) and results.get("sip") is None:
        problems.append("SIP->PSTN step failed")
    for p in problems:
        log(f"smoke: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.TimeoutExpired as e:
        log(f"a tool did not finish in time: {e}")
        sys.exit(2)
