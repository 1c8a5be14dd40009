"""A small scripted H.248 MGC (controller) for the system tests: H.248.1 text encoding over UDP
on 127.0.0.1 (Annex D.1). It answers the gateway's ServiceChange and Notify requests, sends
requests with retransmission and waits for their replies, and keeps every datagram for a pcap.

It reads replies with regular expressions, which is enough for the replies of one gateway: the
tokens are matched in both the long and the compact form (H.248.1 Annex B.2)."""
import re
import socket
import struct
import threading
import time


class MgcError(Exception):
    pass


# transaction headers, long and compact tokens
RE_REPLY = re.compile(r"\b(?:Reply|P)\s*=\s*(\d+)")
RE_REQUEST = re.compile(r"\b(?:Transaction|T)\s*=\s*(\d+)\s*\{")
RE_PENDING = re.compile(r"\b(?:Pending|PN)\s*=\s*(\d+)")
RE_CONTEXT = re.compile(r"\b(?:Context|C)\s*=\s*(\d+|\$|-|\*)")
RE_ERROR = re.compile(r"\b(?:Error|ER)\s*=\s*(\d+)")


def split_transactions(text):
    """(kind, id, body) of each transaction of a message, kind in request/reply/pending/ack."""
    out = []
    i = 0
    pattern = re.compile(r"\b(TransactionResponseAck|Transaction|Pending|Reply|PN|T|P|K)(?![A-Za-z])\s*(=\s*(\d+))?\s*\{?")
    # Skip the header line: "MEGACO/1 [a.b.c.d]:port" or "!/1 ...".
    head_end = re.search(r"^(?:MEGACO|!)/\d+\s+\S+", text)
    i = head_end.end() if head_end else 0
    while i < len(text):
        m = pattern.search(text, i)
        if not m:
            break
        token = m.group(1)
        kind = {"Transaction": "request", "T": "request", "Reply": "reply", "P": "reply", "Pending": "pending",
                "PN": "pending", "TransactionResponseAck": "ack", "K": "ack"}[token]
        tid = int(m.group(3)) if m.group(3) else None
        j = m.end()
        if text[m.end() - 1] != "{":
            out.append((kind, tid, ""))
            i = j
            continue
        depth = 1
        while j < len(text) and depth:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
            j += 1
        out.append((kind, tid, text[m.end():j - 1]))
        i = j
    return out


def local_sdp(body):
    """The text of the first Local{...} (or L{...}) of a reply body."""
    m = re.search(r"\b(?:Local|L)\s*\{", body)
    if not m:
        return None
    j, depth = m.end(), 1
    while j < len(body) and depth:
        depth += {"{": 1, "}": -1}.get(body[j], 0)
        j += 1
    return body[m.end():j - 1].strip()


def sdp_port(sdp):
    for line in sdp.replace("\r\n", "\n").split("\n"):
        if line.startswith("m=audio "):
            return int(line.split()[1])
    return None


class Mgc:
    def __init__(self, mid="[127.0.0.1]"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.mid = f"{mid}:{self.port}"
        self.sock.settimeout(0.1)
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.replies = {}
        self.requests = []    # (monotonic time, from, id, body) of requests from gateways
        self.datagrams = []   # (time, src, dst, bytes)
        self.answering = True
        self.next_id = 5000
        self.running = True
        self.thread = threading.Thread(target=self._receive, daemon=True)
        self.thread.start()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()

    def _send(self, text, to):
        data = text.encode()
        self.sock.sendto(data, to)
        with self.lock:
            self.datagrams.append((time.time(), ("127.0.0.1", self.port), to, data))

    def _receive(self):
        while self.running:
            try:
                data, src = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            text = data.decode("latin-1")
            with self.lock:
                self.datagrams.append((time.time(), src, ("127.0.0.1", self.port), data))
            answers = []
            for kind, tid, body in split_transactions(text):
                if kind == "reply":
                    with self.cond:
                        self.replies[tid] = body
                        self.cond.notify_all()
                elif kind == "request":
                    with self.cond:
                        self.requests.append((time.monotonic(), src, tid, body))
                        answer = self.answering
                        self.cond.notify_all()
                    if answer:
                        answers.append(self._reply_to(tid, body))
            if answers:
                self._send(f"MEGACO/1 {self.mid}\n" + "\n".join(answers) + "\n", src)

    @staticmethod
    def _reply_to(tid, body):
        """An empty success reply naming the context and each command's termination."""
        ctx = RE_CONTEXT.search(body)
        cmd = re.search(r"\b(ServiceChange|SC|Notify|N)\s*=\s*([A-Za-z0-9/*$_]+)", body)
        context = ctx.group(1) if ctx else "-"
        command = f"{cmd.group(1)} = {cmd.group(2)}" if cmd else "Notify = ROOT"
        return f"Reply = {tid} {{ Context = {context} {{ {command} }} }}"

    def request(self, gw_port, actions, timeout=5.0):
        """Sends Transaction { actions } and returns the reply body; retransmits (Annex D.1.3)."""
        with self.lock:
            tid = self.next_id
            self.next_id += 1
        text = f"MEGACO/1 {self.mid}\nTransaction = {tid} {{\n{actions}\n}}\n"
        deadline = time.monotonic() + timeout
        rto = 0.25
        while True:
            self._send(text, ("127.0.0.1", gw_port))
            wait_until = min(deadline, time.monotonic() + rto)
            with self.cond:
                while tid not in self.replies and time.monotonic() < wait_until:
                    self.cond.wait(max(0.0, wait_until - time.monotonic()))
                if tid in self.replies:
                    return self.replies.pop(tid)
            if time.monotonic() >= deadline:
                raise MgcError(f"no reply to transaction {tid} from port {gw_port} in {timeout} s")
            rto *= 2

    def ok(self, gw_port, actions, timeout=5.0):
        body = self.request(gw_port, actions, timeout)
        err = RE_ERROR.search(body)
        if err:
            raise MgcError(f"error {err.group(1)} in reply: {body}")
        return body

    def wait_request(self, predicate, timeout=10.0, since=0.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, src, tid, body in self.requests:
                    if t >= since and predicate(src, body):
                        return body
                left = deadline - time.monotonic()
                if left <= 0:
                    raise MgcError(f"no matching request from a gateway in {timeout} s; saw "
                                   f"{[b[:80] for _, _, _, b in self.requests]}")
                self.cond.wait(left)

    def write_pcap(self, path):
        """The H.248 datagrams as IPv4/UDP packets (LINKTYPE_RAW), for tshark."""
        with self.lock:
            grams = list(self.datagrams)
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
            for ident, (t, src, dst, data) in enumerate(grams):
                udp = struct.pack("!HHHH", src[1], dst[1], 8 + len(data), 0) + data
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident & 0xFFFF, 0, 64, 17, 0,
                                 socket.inet_aton(src[0]), socket.inet_aton(dst[0]))
                total = sum(struct.unpack("!10H", ip))
                while total >> 16:
                    total = (total & 0xFFFF) + (total >> 16)
                ip = ip[:10] + struct.pack("!H", ~total & 0xFFFF) + ip[12:]
                pkt = ip + udp
                f.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(pkt), len(pkt)))
                f.write(pkt)
        return len(grams)
