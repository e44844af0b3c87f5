#!/usr/bin/env python3
"""A minimal loopback HTTP server for the benchmark: GET /NAME/... answers with DIR/NAME.json.

Every response is a status line, Content-Type, Content-Length and the file's bytes sent with
sendfile(2), so serving a large body costs the kernel's copy and little else: http.server would
add more time than the transfer being measured. Listens on 127.0.0.1 only, on a port the kernel
picks, written to PORT_FILE once the socket listens. Exits when its parent does.
"""
import os
import socket
import sys
import threading
import time


def handle(conn, root):
    with conn:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(65536)
            if not chunk or len(request) > 65536:
                return
            request += chunk
        parts = request.split(b"\r\n", 1)[0].split(b" ")
        name = parts[1].split(b"/")[1].decode("ascii", "replace") if len(parts) == 3 else ""
        path = os.path.join(root, name + ".json")
        if parts[0] != b"GET" or "." in name or not name or not os.path.isfile(path):
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        fd = os.open(path, os.O_RDONLY)
        try:
            size = os.fstat(fd).st_size
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n" % size)
            # Corked, the headers leave in the same segment as the body's first bytes.
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
            conn.sendall(head)
            offset = 0
            while offset < size:
                sent = os.sendfile(conn.fileno(), fd, offset, size - offset)
                if sent == 0:
                    break
                offset += sent
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
        except OSError:
            pass  # the client went away; nothing to report
        finally:
            os.close(fd)


def watch_parent(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: serve.py DIR PORT_FILE")
    root, port_file = sys.argv[1], sys.argv[2]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    with open(port_file + ".tmp", "w") as out:
        out.write(str(listener.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn, root), daemon=True).start()


if __name__ == "__main__":
    main()
