"""A small client for the tandem-pstn control protocol (JSON lines over TCP), and a helper that
starts tandem-pstn processes. Used by the system tests; usable from lab scripts."""
import json
import os
import signal
import socket
import subprocess
import time


class ControlError(Exception):
    pass


class Client:
    """One control connection. request() returns the response; events pushed meanwhile are kept
    in self.events in arrival order."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.buffer = b""
        self.events = []
        self.next_id = 1

    def close(self):
        self.sock.close()

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def read_line(self):
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ControlError("connection closed by tandem-pstn")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def read_response(self):
        """The next line that is not an event."""
        while True:
            msg = self.read_line()
            if "event" in msg:
                self.events.append(msg)
                continue
            return msg

    def request(self, cmd, **fields):
        rid = self.next_id
        self.next_id += 1
        self.send_raw((json.dumps(dict(cmd=cmd, id=rid, **fields)) + "\n").encode())
        msg = self.read_response()
        if msg.get("id") != rid:
            raise ControlError(f"response id {msg.get('id')} for request {rid}: {msg}")
        return msg

    def ok(self, cmd, **fields):
        msg = self.request(cmd, **fields)
        if not msg.get("ok"):
            raise ControlError(f"{cmd} {fields}: {msg.get('error')}")
        return msg

    def wait_event(self, predicate, timeout=10.0):
        """Waits (bounded) for a pushed event matching predicate; returns it."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for ev in self.events[seen:]:
                if predicate(ev):
                    return ev
            seen = len(self.events)
            left = deadline - time.monotonic()
            if left <= 0:
                raise ControlError(f"no matching event in {timeout} s; got {self.events}")
            self.sock.settimeout(left)
            try:
                self.events.append(self.read_line())
            except socket.timeout:
                pass
            finally:
                self.sock.settimeout(10.0)


def poll_until(fn, timeout=10.0, step=0.05):
    """Calls fn until it returns a true value (returned) or the bound passes (None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(step)
    return None


class Exchange:
    """A tandem-pstn process; its control port is read from the first line of its stdout."""

    def __init__(self, binary, config, log_path):
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen([binary, "-c", config], stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        line = self.proc.stdout.readline()  # "control 127.0.0.1 PORT"
        parts = line.split()
        if len(parts) != 3 or parts[0] != "control":
            self.kill()
            raise ControlError(f"tandem-pstn did not start: {line!r} (see {log_path})")
        self.port = int(parts[2])

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log.close()

    def wait(self, timeout=10.0):
        return self.proc.wait(timeout=timeout)
