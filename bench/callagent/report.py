"""The call agent benchmark's output: the step table and the summary lines (run.py measures)."""
import math

import procstat

KIB_GOAL = 64          # issue 6: resident memory per active call
CPU_RATIO_GOAL = 2.0   # issue 6: tandem-ca's CPU per SIP->PSTN call against kamailio's
LAB_RATE_GOAL = 500    # issue 6: call setups per second of the whole lab, zero failures


def us(seconds_per_call):
    """A CPU time per call; "-" when none was measured (also when the step took less than one
    clock tick of CPU: /proc counts in ticks)."""
    return f"{seconds_per_call * 1e6:,.0f} µs" if seconds_per_call else "-"


class Table:
    def __init__(self):
        self.rows = []

    def step(self, what, rate, calls, ok, failed, achieved, cpu_per_call, note=""):
        self.rows.append((what, f"{rate:,}", f"{calls:,}", f"{ok:,}", f"{failed:,}",
                          f"{achieved:,.0f}" if achieved == achieved else "-", us(cpu_per_call),
                          f"{procstat.load_average():.1f}", note))

    def idle(self, what, cpu_per_s, seconds):
        # /proc counts CPU time in clock ticks: nothing seen means less than one tick.
        figure = f"{cpu_per_s * 1000:.1f}" if cpu_per_s > 0 else f"< {procstat.TICK_S / seconds * 1000:.1f}"
        self.rows.append((what, "0", "0", "-", "-", "-", "-", f"{procstat.load_average():.1f}",
                          f"idle CPU {figure} ms per second"))

    def print(self, out):
        head = ("path", "cps tried", "calls", "ok", "failed", "cps achieved", "CPU/call", "load", "notes")
        widths = [max(len(str(r[i])) for r in self.rows + [head]) for i in range(len(head))]
        line = " | ".join(h.ljust(w) for h, w in zip(head, widths))
        print(line, file=out)
        print("-+-".join("-" * w for w in widths), file=out)
        for r in self.rows:
            print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)), file=out)


def kamailio_at(kam, rate):
    """Kamailio's CPU per call from its passing step nearest to `rate` (its CPU per call falls as
    the rate rises, so ratios are taken at like rates): (that rate, seconds per call)."""
    steps = kam[2] if kam else {}
    if not steps:
        return None, None
    at = min(steps, key=lambda r: (abs(math.log(r / rate)), -r))
    return at, steps[at]


def summary(results, args, sip_state):
    """(label, text) lines from the parts' results. sip_state: "on", "off" (--sip off) or
    "none" (tandem-ca has no SIP yet)."""
    summary = []
    if "sipp" in results:
        best = results["sipp"]
        top = args.sipp_rates[-1]
        summary.append(("sipp uac -> uas ceiling", "not reached the first rate" if best is None else
                        f"{best:,} cps with no failed call" + (" (the highest rate tried)" if best == top else "")))
    kam = results.get("kamailio")
    if "kamailio" in results:
        summary.append(("kamailio (tm) proxy", "failed at the first rate" if kam is None else
                        f"{kam[0]:,} cps with no failed call; CPU per call {us(kam[1])} (at {kam[0]:,} cps)"))
    mem = results.get("memory")
    if mem and mem["per_call_kib"] is not None:
        verdict = "meets" if mem["per_call_kib"] <= KIB_GOAL else "misses"
        summary.append(("tandem-ca memory per active call",
                        f"({mem['loaded_kib']:,} - {mem['idle_kib']:,} KiB) / {mem['held']} calls = "
                        f"{mem['per_call_kib']:.1f} KiB ({verdict} the goal of {KIB_GOAL} KiB); "
                        f"{mem['after_kib']:,} KiB after release"
                        + (f"; only {mem['held']} of {mem['asked']} held" if mem["held"] < mem["asked"] else "")))
    for key, idle_key, what in (("rss_after_sip_kib", None, "SIP->PSTN"),
                                ("rss_after_pstn_kib", "rss_idle_pstn_kib", "PSTN-IP-PSTN")):
        idle_rss = results.get(idle_key) if idle_key else (mem or {}).get("idle_kib")
        if key in results and idle_rss:
            summary.append((f"tandem-ca RSS after the {what} steps",
                            f"{results[key]:,} KiB (at start, idle: {idle_rss:,} KiB)"))
    pstn = results.get("pstn")
    if "pstn" in results:
        if pstn is None:
            summary.append(("PSTN-IP-PSTN", "failed at the first rate"))
        else:
            rate, s, per_call = pstn
            ratio = ""
            at, kam_cpu = kamailio_at(kam, rate)
            if kam_cpu and per_call:
                ratio = f"; {per_call / kam_cpu:.2f}x kamailio's at {at:,} cps"
            top = " (the highest rate tried)" if rate == args.pstn_rates[-1] else ""
            goal = "meets" if rate >= LAB_RATE_GOAL else "misses"
            summary.append(("PSTN-IP-PSTN (whole lab)",
                            f"{rate:,} cps with no failed call{top} ({goal} the goal of {LAB_RATE_GOAL} cps); "
                            f"tandem-ca CPU per call {us(per_call)}{ratio}"))
            each = ", ".join(f"{name} {us(cpu / s['successful'])}" for name, cpu in s["cpu_s"].items())
            summary.append((f"  CPU per call at {rate:,} cps", each))
    if "sip" in results:
        sip = results["sip"]
        if sip is None and sip_state == "off":
            summary.append(("SIP->PSTN", "not measured (--sip off)"))
        elif sip is None and sip_state == "none":
            summary.append(("SIP->PSTN", "not measured: tandem-ca has no SIP yet"))
        elif sip is None:
            summary.append(("SIP->PSTN", "failed at the first rate"))
        else:
            rate, per_call, cpu, calls = sip
            verdict = ""
            at, kam_cpu = kamailio_at(kam, rate)
            if kam_cpu and per_call:
                ratio = per_call / kam_cpu
                verdict = f"; {ratio:.2f}x kamailio's at {at:,} cps " \
                          f"({'meets' if ratio <= CPU_RATIO_GOAL else 'misses'} the goal of {CPU_RATIO_GOAL:g}x)"
            summary.append(("SIP->PSTN", f"{rate:,} cps with no failed call; tandem-ca CPU per call {us(per_call)}{verdict}"))
            each = ", ".join(f"{name} {us(c / calls)}" for name, c in cpu.items())
            summary.append((f"  CPU per call at {rate:,} cps", each))
    return summary
