"""convoy_ops.py - the convoy's always-ready I/O operations in real CPython,
for cpython_gil.py, and a loop of them for scripts/footprint.sh.  Standard
library only; Python 3 and 2.7.  Kept apart from cpython_gil.py so that a
run under valgrind (footprint.sh) starts only what it needs: valgrind's
lackey traces every instruction, and cpython_gil.py's imports cost minutes.

usage: convoy_ops.py --trace N     each op's loop alone for N operations,
                                   each op's loop after a line on stderr,
                                   "racetrack-footprint op=OP mark=ADDR":
                                   ADDR, the libc function the operation
                                   calls first, cuts a trace into operations
       convoy_ops.py --echo-server an echo process (for --trace's echo):
                                   prints its port, serves one connection
"""
import os
import socket
import sys
import threading
import time

OPS = ("read1", "socketpair", "echo")
# The libc function each operation calls first (sendall calls send).
MARK_CALL = {"read1": "read", "socketpair": "send", "echo": "send"}
clock = getattr(time, "perf_counter", time.time)


def echo_server(listener):
    conn, _ = listener.accept()
    while True:
        data = conn.recv(8)
        if not data:
            return
        conn.sendall(data)


def io_call(op, exec_echo=False):
    """The convoy's always-ready operation (read1: os.read of 1 byte from
    /dev/zero; socketpair: send + recv of 1 byte; echo: a round trip to an
    echo process): a function of no arguments that does one, and one that
    closes what it opened.  The echo process is forked (multiprocessing),
    or with exec_echo a fresh interpreter (--echo-server), as a process run
    under valgrind needs: valgrind traces a forked child into the parent's
    log, an exec'd one not at all."""
    if op == "read1":
        fd = os.open("/dev/zero", os.O_RDONLY)
        return lambda: os.read(fd, 1), lambda: os.close(fd)
    if op == "socketpair":
        a, b = socket.socketpair()

        def one():
            a.send(b"x")
            b.recv(1)
        return one, lambda: (a.close(), b.close())
    if exec_echo:
        import subprocess
        server = subprocess.Popen([sys.executable, "-S", os.path.abspath(__file__),
                                   "--echo-server"], stdout=subprocess.PIPE)
        address = ("127.0.0.1", int(server.stdout.readline()))
    else:
        import multiprocessing
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        server = multiprocessing.Process(target=echo_server, args=(listener,))
        server.start()
        address = listener.getsockname()
    c = socket.create_connection(address)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def one():
        c.sendall(b"01234567")
        got = 0
        while got < 8:
            got += len(c.recv(8 - got))

    def close():
        c.close()
        if exec_echo:
            server.wait()
            return
        server.join(5)
        if server.is_alive():
            server.terminate()
            server.join()
    return one, close


def trace(ops):
    """Each op's loop alone for `ops` operations, with the statements of
    cpython_gil.py's timed convoy loop, each op's after its marker line.  A
    thread is started first: 2.x takes and releases its GIL around a call
    only once one exists, as it does in the convoy's rounds."""
    import ctypes
    libc = ctypes.CDLL(None)
    started = threading.Thread(target=lambda: None)
    started.start()
    started.join()
    for op in OPS:
        one, close = io_call(op, exec_echo=True)
        mark = ctypes.cast(getattr(libc, MARK_CALL[op]), ctypes.c_void_p).value
        sys.stderr.write("racetrack-footprint op=%s mark=%08x\n" % (op, mark))
        sys.stderr.flush()
        hist = [0] * 64
        done = 0
        t0 = clock()
        while done < ops:
            one()
            t1 = clock()
            hist[max(int((t1 - t0) * 1e9), 1).bit_length() - 1] += 1
            t0 = t1
            done += 1
        close()


def main():
    args = sys.argv[1:]
    if args == ["--echo-server"]:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        sys.stdout.write("%d\n" % listener.getsockname()[1])
        sys.stdout.flush()
        echo_server(listener)
        return
    if len(args) == 2 and args[0] == "--trace" and args[1].isdigit() and int(args[1]) > 0:
        trace(int(args[1]))
        return
    sys.stderr.write("convoy_ops.py: %s: invalid; valid: --trace N (N 1 or more) or "
                     "--echo-server\n" % (" ".join(args) or "no arguments"))
    sys.exit(2)


if __name__ == "__main__":
    main()
