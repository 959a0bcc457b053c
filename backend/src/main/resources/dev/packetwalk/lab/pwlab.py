# PacketWalk kernel lab helper: a tiny listener and a one-shot client. Runs inside a lab namespace only
# (ip netns exec <pwlab-...> python3 pwlab.py ...). Prints one line of result.
import errno
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
    elif proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        pmtu(s, df)
        s.bind((bind_ip, sport))
        s.settimeout(timeout)
        if not udp_connect(s, dst, dport):
            return
        udp_once(s, size)
    else:
        out("error a session is TCP or UDP")
        return
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "close":
            break
        n = int(words[1])
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


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "listen":
        listen(a[1], int(a[2]))
    elif a[0] == "session":
        session(a[1], a[2], int(a[3]), int(a[4]), a[5], float(a[6]), int(a[7]), len(a) > 8 and a[8] == "df")
    else:
        send(a[1], a[2], int(a[3]), int(a[4]), a[5], float(a[6]), int(a[7]), len(a) > 8 and a[8] == "df")
