"""CPU time and resident memory of running processes, read from /proc (Linux).

CPU time is utime + stime of /proc/<pid>/stat (fields 14 and 15, in clock ticks) of the process
and, for multi-process servers such as kamailio, of every descendant alive when asked: the sum
over a measurement window is what those processes spent in it."""
import os

TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return text[text.rindex(")") + 2:].split()


def cpu_seconds(pid):
    """utime + stime of one process (all its threads), in seconds; 0.0 when it is gone."""
    try:
        rest = _stat_fields(pid)
    except (OSError, ValueError):
        return 0.0
    # rest[0] is field 3 (state): utime is field 14, stime field 15.
    return (int(rest[11]) + int(rest[12])) * TICK_S


def descendants(pid):
    """pid and every process below it (children, grandchildren ...), found through PPid."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            ppid = int(_stat_fields(int(name))[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


class CpuMeter:
    """CPU seconds spent by a process (and optionally its descendants) between start() and
    stop(). Descendants are listed at start(): servers that fork their workers once at start-up
    (kamailio) are covered; processes born during the window are not."""

    def __init__(self, pid, tree=False):
        self.pid, self.tree = pid, tree
        self.pids, self.before = [], {}

    def start(self):
        self.pids = descendants(self.pid) if self.tree else [self.pid]
        self.before = {p: cpu_seconds(p) for p in self.pids}

    def stop(self):
        """Seconds spent since start()."""
        return sum(max(0.0, cpu_seconds(p) - self.before[p]) for p in self.pids)


def rss_kib(pid):
    """VmRSS of a process in KiB (from /proc/<pid>/status)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise ValueError(f"no VmRSS for pid {pid}")


def load_average():
    """The 1-minute load average (other work on the host while measuring)."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])
