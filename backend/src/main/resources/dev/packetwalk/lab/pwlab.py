# PacketWalk kernel lab helper: a tiny listener and a one-shot client. Runs inside a lab namespace only
# (ip netns exec <pwlab-...> python3 pwlab.py ...). Prints one line of result.
import errno
import os
import select
import socket
import struct
import sys
import time

REQ = b"PWLAB-REQ"
REP = b"PWLAB-REP"


def out(s):
    print(s, flush=True)


def listen(proto, port):
    if proto == "sctp":
        listen_sctp({int(p) for p in port.split(",") if p not in ("", "-")})
        return
    port = int(port)
    if proto == "tcp":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        s.listen(128)
        out("ready")
        keep = []
        while True:
            c, _ = s.accept()
            keep.append(c)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", port))
        out("ready")
        while True:
            data, addr = s.recvfrom(65535)
            if data.startswith(REQ):
                s.sendto(REP + data[len(REQ):], addr)


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def oserror(e):
    if e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "unreachable"
    if e.errno == errno.ECONNREFUSED:
        return "refused"
    return "error " + str(e)


IP_MTU_DISCOVER = getattr(socket, "IP_MTU_DISCOVER", 10)
IP_PMTUDISC_DO = getattr(socket, "IP_PMTUDISC_DO", 2)
IP_PMTUDISC_DONT = getattr(socket, "IP_PMTUDISC_DONT", 0)


def pmtu(s, df):
    # ping -M do / -M dont: the Don't Fragment bit as the flow asks for it
    s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO if df else IP_PMTUDISC_DONT)


SO_TXREHASH = getattr(socket, "SO_TXREHASH", 74)


def tcp_connect(bind_ip, sport, timeout, dst, dport):
    # connects and prints how it went; the socket, or None when it did not connect
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        # A retransmitted SYN would otherwise get a new random flow hash, and that hash travels with the skb
        # through the veths to the load balancer's ECMP route (which uses an L4 hash when one is present):
        # each retry would take another path. A real client's retries reach the load balancer with one 5-tuple,
        # hence one path; keeping the hash makes the lab's retries do the same.
        s.setsockopt(socket.SOL_SOCKET, SO_TXREHASH, 0)
    except OSError:
        pass
    s.bind((bind_ip, sport))
    s.settimeout(timeout)
    try:
        s.connect((dst, dport))
        out("connected")
        return s
    except socket.timeout:
        out("timeout")
    except OSError as e:
        out(oserror(e))
    s.close()
    return None


def send(proto, dst, dport, sport, src, timeout, size, df):
    bind_ip = "" if src == "-" else src
    if proto == "tcp":
        s = tcp_connect(bind_ip, sport, timeout, dst, dport)
        if s:
            s.close()
    elif proto == "sctp":
        # the association as the model walks it: INIT to COOKIE ACK, one DATA chunk and its SACK, then close
        a = Association(bind_ip, sport, dst, dport, timeout)
        if a.connect():
            a.data(size)
            a.shutdown()
    elif proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        pmtu(s, df)
        s.bind((bind_ip, sport))
        s.settimeout(timeout)
        udp_connect(s, dst, dport) and udp_once(s, size)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        pmtu(s, df)
        if bind_ip:
            s.bind((bind_ip, 0))
        ident = sport & 0xFFFF
        data = REQ + b"." * max(0, size - len(REQ))
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, 1)
        pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + data), ident, 1) + data
        try:
            s.sendto(pkt, (dst, 0))
        except OSError as e:
            out(oserror(e))
            return
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                out("no_echo")
                return
            r, _, _ = select.select([s], [], [], left)
            if not r:
                out("no_echo")
                return
            data, _ = s.recvfrom(65535)
            ihl = (data[0] & 0x0F) * 4
            t = data[ihl]
            if t == 0 and struct.unpack("!H", data[ihl + 4:ihl + 6])[0] == ident:
                out("echoed")
                return
            if t in (3, 11):
                out("unreachable")
                return


TIOCOUTQ = 0x5411


def unacked(s):
    # bytes sent but not yet acknowledged (or not yet sent): SIOCOUTQ
    import fcntl
    return struct.unpack("i", fcntl.ioctl(s.fileno(), TIOCOUTQ, b"\0\0\0\0"))[0]


def session(proto, dst, dport, sport, src, timeout, size, df):
    # One socket kept open across a timeline's changes: the first packet as send() does, then one more per
    # "send <size>" line on stdin (the same connection's next segment, the same socket's next datagram);
    # "close" ends it (a TCP RST, SO_LINGER 0: nothing of it lingers into later captures).
    bind_ip = "" if src == "-" else src
    if proto == "tcp":
        s = tcp_connect(bind_ip, sport, timeout, dst, dport)
        if not s:
            return
    elif proto == "sctp":
        s = Association(bind_ip, sport, dst, dport, timeout)
        if not s.connect():
            return
        s.data(size)
    elif proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        pmtu(s, df)
        s.bind((bind_ip, sport))
        s.settimeout(timeout)
        if not udp_connect(s, dst, dport):
            return
        udp_once(s, size)
    else:
        out("error a session is TCP, UDP or SCTP")
        return
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "close":
            break
        n = int(words[1])
        if proto == "sctp":
            s.data(n)
            continue
        if proto == "udp":
            udp_once(s, n)
            continue
        try:
            s.send(REQ + b"." * max(0, n - len(REQ)))
        except OSError as e:
            out(oserror(e))
            continue
        deadline = time.time() + timeout
        while unacked(s) > 0 and time.time() < deadline:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                out(oserror(OSError(err, "")))
                break
            time.sleep(0.01)
        else:
            out("connected" if unacked(s) == 0 else "timeout")
    if proto == "sctp":
        s.abort()
        return
    if proto == "tcp":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def udp_connect(s, dst, dport):
    try:
        s.connect((dst, dport))
        return True
    except OSError as e:
        out(oserror(e))
        return False


def udp_once(s, size):
    try:
        s.send(REQ + b"." * max(0, size - len(REQ)))
        data = s.recv(65535)
        out("echoed" if data.startswith(REP) else "error unexpected payload")
    except socket.timeout:
        out("no_echo")
    except OSError as e:
        out(oserror(e))


# ---------------------------------------------------------------- SCTP over raw sockets
# This kernel has no SCTP socket stack (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) fails) but it routes, NATs and
# conntracks SCTP. The lab plays both ends with raw sockets (protocol 132): the client sends INIT, answers the INIT ACK
# with COOKIE ECHO and waits for the COOKIE ACK; the server ("listen sctp PORTS") answers as an SCTP stack would:
# INIT ACK with a state cookie to an INIT for a port it listens on, ABORT to one for any other port (a stack with no
# endpoint there), COOKIE ACK to a COOKIE ECHO, SACK to DATA, SHUTDOWN ACK to SHUTDOWN. Tags are random per
# association, the checksum is CRC32c (conntrack drops a packet whose checksum is wrong). A raw socket for 132 open in
# a namespace also keeps its kernel from answering SCTP with ICMP protocol unreachable. One chunk per packet.
SCTP = 132
DATA, INIT, INIT_ACK, SACK, ABORT, SHUTDOWN, SHUTDOWN_ACK, COOKIE_ECHO, COOKIE_ACK, SHUTDOWN_COMPLETE = \
    0, 1, 2, 3, 6, 7, 8, 10, 11, 14
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
# every packet the player sends carries this mark (KernelLab.SCTP_PLAYER_MARK): the lab's guard in each namespace drops
# locally generated SCTP without it, i.e. a kernel SCTP stack's own answers, should the kernel have one
PLAYER_MARK = 0x10000000


def sctp_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, SCTP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, PLAYER_MARK)
    return s


def _crc32c_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


CRC32C = _crc32c_table()


def crc32c(b):
    # CRC32c (Castagnoli), as SCTP's checksum (RFC 9260 appendix A); crc32c(b"123456789") == 0xE3069283
    c = 0xFFFFFFFF
    for x in b:
        c = CRC32C[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def sctp_packet(sport, dport, vtag, ctype, cflags=0, value=b""):
    # common header + one chunk, padded to 4 bytes; the checksum goes in little-endian (as Linux writes it)
    n = 4 + len(value)
    p = struct.pack("!HHIIBBH", sport, dport, vtag, 0, ctype, cflags, n) + value + b"\0" * (-n % 4)
    return p[:8] + struct.pack("<I", crc32c(p)) + p[12:]


def sctp_parse(ip):
    # an IPv4 packet as a raw socket returns it: (src, dst, sport, dport, vtag, chunk type, chunk flags, value);
    # None when it is cut short or its checksum is wrong (a stack discards it silently: a NAT that forgot to
    # recompute the CRC32c after rewriting a port would show as silence)
    ihl = (ip[0] & 0x0F) * 4
    s = ip[ihl:struct.unpack("!H", ip[2:4])[0]]
    if len(s) < 16 or struct.unpack("<I", s[8:12])[0] != crc32c(s[:8] + b"\0\0\0\0" + s[12:]):
        return None
    sport, dport, vtag, _ = struct.unpack("!HHII", s[:12])
    ctype, cflags, n = struct.unpack("!BBH", s[12:16])
    return (socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]), sport, dport, vtag, ctype, cflags,
            s[16:12 + n])


def init_value(tag, tsn, cookie=None):
    # INIT / INIT ACK: initiate tag, a_rwnd, outbound streams, inbound streams, initial TSN; INIT ACK adds the
    # State Cookie parameter (type 7)
    v = struct.pack("!IIHHI", tag, 106496, 10, 65535, tsn)
    if cookie is not None:
        v += struct.pack("!HH", 7, 4 + len(cookie)) + cookie + b"\0" * (-len(cookie) % 4)
    return v


def new_tag():
    while True:
        t = struct.unpack("!I", os.urandom(4))[0]
        if t:
            return t


def sctp_send(s, pkt, dst, src=None):
    # from the address the peer used (IP_PKTINFO's ipi_spec_dst), as a stack answers from the address it was asked
    if src:
        info = struct.pack("=I4s4s", 0, socket.inet_aton(src), b"\0" * 4)
        s.sendmsg([pkt], [(socket.IPPROTO_IP, IP_PKTINFO, info)], 0, (dst, 0))
    else:
        s.sendto(pkt, (dst, 0))


def listen_sctp(ports):
    s = sctp_socket()
    out("ready")
    assocs = {}  # (peer ip, peer port, local port) -> [my tag, peer tag, next cumulative TSN ack]
    while True:
        data = s.recv(65535)
        p = sctp_parse(data)
        if p is None:
            continue
        src, dst, sport, dport, vtag, ctype, cflags, value = p
        key = (src, sport, dport)
        if ctype == INIT and vtag == 0 and len(value) >= 16:
            peer, _, _, _, tsn = struct.unpack("!IIHHI", value[:16])
            if dport not in ports:
                # no endpoint on that port: the stack's ABORT, tagged with the INIT's initiate tag, T bit clear
                sctp_send(s, sctp_packet(dport, sport, peer, ABORT), src, dst)
                continue
            mine = new_tag()
            cookie = b"PWLAB-COOKIE" + struct.pack("!III", peer, mine, tsn)
            sctp_send(s, sctp_packet(dport, sport, peer, INIT_ACK, 0, init_value(mine, new_tag(), cookie)), src, dst)
        elif dport not in ports:
            continue  # another socket's association (the client's, in its own namespace)
        elif ctype == COOKIE_ECHO and value.startswith(b"PWLAB-COOKIE") and len(value) >= 24:
            peer, mine, tsn = struct.unpack("!III", value[12:24])
            if vtag != mine:
                continue
            assocs[key] = [mine, peer, tsn]
            sctp_send(s, sctp_packet(dport, sport, peer, COOKIE_ACK), src, dst)
        elif key in assocs and vtag == assocs[key][0]:
            a = assocs[key]
            if ctype == DATA and len(value) >= 4:
                a[2] = struct.unpack("!I", value[:4])[0]
                sctp_send(s, sctp_packet(dport, sport, a[1], SACK, 0, struct.pack("!IIHH", a[2], 106496, 0, 0)),
                          src, dst)
            elif ctype == SHUTDOWN:
                sctp_send(s, sctp_packet(dport, sport, a[1], SHUTDOWN_ACK), src, dst)
            elif ctype in (ABORT, SHUTDOWN_COMPLETE):
                del assocs[key]


class Association:
    # the client's end of one association over a raw socket

    def __init__(self, bind_ip, sport, dst, dport, timeout):
        self.s = sctp_socket()
        self.icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        if bind_ip:
            self.s.bind((bind_ip, 0))
        self.sport, self.dst, self.dport, self.timeout = sport, dst, dport, timeout
        self.tag, self.peer, self.tsn = new_tag(), None, None

    def send(self, vtag, ctype, value=b"", cflags=0):
        self.s.sendto(sctp_packet(self.sport, self.dport, vtag, ctype, cflags, value), (self.dst, 0))

    def await_chunk(self, want):
        # the next chunk of this association whose type is in want, as (type, value); or a word saying why not:
        # "refused" (ABORT, ICMP port unreachable), "unreachable" (other ICMP errors), "timeout"
        deadline = time.time() + self.timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                return "timeout"
            r, _, _ = select.select([self.s, self.icmp], [], [], left)
            if not r:
                return "timeout"
            if self.icmp in r:
                why = self.icmp_error(self.icmp.recv(65535))
                if why:
                    return why
            if self.s in r:
                p = sctp_parse(self.s.recv(65535))
                if p is None or p[2] != self.dport or p[3] != self.sport or p[4] != self.tag:
                    continue
                if p[5] == ABORT:
                    return "refused"
                if p[5] in want:
                    return p[5], p[7]

    def icmp_error(self, data):
        # an ICMP error quoting this association's packet (conntrack has restored the original destination in it)
        ihl = (data[0] & 0x0F) * 4
        t, code = data[ihl], data[ihl + 1]
        if t not in (3, 11):
            return None
        q = data[ihl + 8:]
        if len(q) < 20 or q[9] != SCTP:
            return None
        qihl = (q[0] & 0x0F) * 4
        if len(q) < qihl + 4 or struct.unpack("!HH", q[qihl:qihl + 4]) != (self.sport, self.dport):
            return None
        if t == 3 and code == 2:
            return "error ICMP protocol unreachable: no SCTP stack (no lab listener) where the INIT arrived"
        return "refused" if t == 3 and code == 3 else "unreachable"

    def connect(self):
        # INIT, INIT ACK, COOKIE ECHO, COOKIE ACK; True when the association is up, else prints why (the first
        # DATA chunk's SACK, which the model always walks, prints "connected")
        try:
            self.send(0, INIT, init_value(self.tag, 1))
        except OSError as e:
            out(oserror(e))
            return False
        got = self.await_chunk((INIT_ACK,))
        if isinstance(got, str):
            out(got)
            return False
        value = got[1]
        self.peer = struct.unpack("!I", value[:4])[0]
        self.tsn = 1
        cookie, i = None, 16
        while i + 4 <= len(value):
            ptype, plen = struct.unpack("!HH", value[i:i + 4])
            if ptype == 7:
                cookie = value[i + 4:i + plen]
            i += max(4, plen + (-plen % 4))
        if cookie is None:
            out("error an INIT ACK without a state cookie")
            return False
        self.send(self.peer, COOKIE_ECHO, cookie)
        got = self.await_chunk((COOKIE_ACK,))
        if isinstance(got, str):
            out(got)
            return False
        return True

    def data(self, size):
        # one DATA chunk (unfragmented, stream 0), answered by a SACK: "connected" as a TCP segment's ACK
        payload = REQ + b"." * max(0, size - len(REQ))
        self.send(self.peer, DATA, struct.pack("!IHHI", self.tsn, 0, 0, 0) + payload, 0x03)  # B and E: unfragmented
        self.tsn += 1
        got = self.await_chunk((SACK,))
        out(got if isinstance(got, str) else "connected")

    def shutdown(self):
        # a graceful close, as close() on an SCTP socket: SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE
        self.send(self.peer, SHUTDOWN, struct.pack("!I", 0))
        self.timeout = min(self.timeout, 1.0)
        if not isinstance(self.await_chunk((SHUTDOWN_ACK,)), str):
            self.send(self.peer, SHUTDOWN_COMPLETE)

    def abort(self):
        # SO_LINGER 0's counterpart: an ABORT, nothing lingers
        self.send(self.peer, ABORT)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "listen":
        listen(a[1], a[2])
    elif a[0] == "session":
        session(a[1], a[2], int(a[3]), int(a[4]), a[5], float(a[6]), int(a[7]), len(a) > 8 and a[8] == "df")
    else:
        send(a[1], a[2], int(a[3]), int(a[4]), a[5], float(a[6]), int(a[7]), len(a) > 8 and a[8] == "df")
