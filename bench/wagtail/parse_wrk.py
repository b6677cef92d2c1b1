"""Read wrk --latency output on stdin; print 'req/s p50_ms p99_ms errors requests non2xx socket'."""

import re
import sys

out = sys.stdin.read()


def ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


pct = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", out, re.M))
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
socket_errors = sum(int(n) for n in sock.groups()) if sock else 0
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
non2xx = int(non2xx.group(1)) if non2xx else 0
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
requests = int(re.search(r"(\d+) requests in", out).group(1))
p50, p99 = ms(pct["50"]), ms(pct["99"])
print(f"{rps:.1f} {p50:.2f} {p99:.2f} {non2xx + socket_errors} {requests} {non2xx} {socket_errors}")
