"""The kernel's cost of one TCP sock_diag dump (the compat TCPDIAG_GETSOCK request oncall
sends: both families in one walk, every state), timed from Python: send, read until DONE.
Usage: bench/tcpdiag_floor.py N (bench/mcp.sh prints it beside the sockets round trip)"""
import socket, struct, sys, time, statistics
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
def dump():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)  # NETLINK_SOCK_DIAG
    req = struct.pack("=BBBB", socket.AF_INET, 0, 0, 0) + b"\0" * 48 + struct.pack("=II", 0xFFF, 0)
    msg = struct.pack("=IHHII", 16 + len(req), 18, 0x301, 1, 0) + req
    t0 = time.perf_counter()
    s.send(msg)
    n = 0
    while True:
        data = s.recv(65536)
        off, done = 0, False
        while off < len(data):
            ln, typ = struct.unpack_from("=IH", data, off)
            if typ == 3:  # NLMSG_DONE
                done = True
                break
            n += 1
            off += (ln + 3) & ~3
        if done:
            break
    t = time.perf_counter() - t0
    s.close()
    return t, n
times = [dump() for _ in range(N)]
print(f"TCP dump: median {statistics.median(t for t, _ in times)*1000:.3f} ms over {N}, {times[-1][1]} sockets")
