"""A small threaded HTTP load driver for the POST scenarios wrk cannot express simply: each request
has its own learner's cookie and CSRF token, and a submit must go to each attempt exactly once."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Outcome:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    bytes: int

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2) if ordered else 0.0


def run(port: int, plans: Sequence[Sequence[Request]], seconds: float,
        ok: Callable[[int], bool] = lambda status: status < 400) -> Outcome:
    """One thread per plan, each sending its requests in order on one keep-alive connection, until
    its plan is done or `seconds` pass."""
    latencies: list[float] = []
    errors = [0]
    sizes = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(plan: Sequence[Request]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, bad, size = [], 0, 0
        for request in plan:
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            connection.request("POST", request.path, body=request.body, headers=request.headers)
            response = connection.getresponse()
            size += len(response.read())
            mine.append((time.perf_counter() - started) * 1000)
            bad += not ok(response.status)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad
            sizes[0] += size

    threads = [threading.Thread(target=worker, args=(plan,)) for plan in plans]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Outcome(len(latencies), time.monotonic() - began, latencies, errors[0], sizes[0])


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0
