#!/usr/bin/env python3
"""A loopback Partner Center for the fan-out benchmark: every customer's report after a fixed delay.

    serve_customers.py DELAY_MS PORT_FILE

GET /v1/customers/<id>/analytics/licenses/usage answers, DELAY_MS milliseconds after the request
arrived, a two-item collection for that customer. Connections are kept alive (HTTP/1.1), as the
service keeps them, so a client that reuses them is measured doing so. One asyncio loop: the delay
costs no thread, and thousands of requests cost little next to the delay being measured. Listens
on 127.0.0.1 only, on a port the kernel picks, written to PORT_FILE once the socket listens.
Exits when its parent does.
"""
import asyncio
import json
import os
import re
import sys

PATH = re.compile(rb"^/v1/customers/([0-9a-fA-F-]{36})/analytics/licenses/usage$")


def body_for(cid):
    items = [{"customerName": "Customer " + cid[:8], "productName": "OFFICE 365 E3", "licensesActive": 10,
              "licensesQualified": 20, "usagePercent": 0.5, "workloadName": w,
              "processedDateTime": "2026-11-01T00:00:00+00:00", "serviceName": "o365", "channel": "reseller",
              "attributes": {"objectType": "CustomerLicensesUsageInsights"}} for w in ("Exchange", "SharePoint")]
    return json.dumps({"totalCount": 2, "items": items, "attributes": {"objectType": "Collection"}}).encode()


async def handle(reader, writer, delay):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b"\r\n", 1)[0].split(b" ")[1]
            m = PATH.match(target)
            await asyncio.sleep(delay)
            if m:
                body, status = body_for(m.group(1).decode()), b"200 OK"
            else:
                body, status = b'{"code":404,"description":"not found"}', b"404 Not Found"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json; charset=utf-8\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, IndexError):
        pass
    finally:
        writer.close()


async def watch_parent(parent):
    while os.getppid() == parent:
        await asyncio.sleep(0.5)
    os._exit(0)


async def main():
    if len(sys.argv) != 3:
        sys.exit("usage: serve_customers.py DELAY_MS PORT_FILE")
    delay, port_file = int(sys.argv[1]) / 1000.0, sys.argv[2]
    server = await asyncio.start_server(lambda r, w: handle(r, w, delay), "127.0.0.1", 0, backlog=512)
    with open(port_file + ".tmp", "w") as out:
        out.write(str(server.sockets[0].getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    asyncio.ensure_future(watch_parent(os.getppid()))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
