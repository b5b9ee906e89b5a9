"""What every page benchmark shares: timing pages in turn against the bare view, and the ratio
table it prints."""

import os
import statistics
import time


def latencies(client, urls: dict[str, str], rounds: int) -> dict[str, list[float]]:
    """Seconds per request for each page, requested in turn (one round = every page once).

    Interleaving means a change of machine load (other work on a shared machine) falls on
    the bare view and every page alike instead of on whichever page was being timed.
    """
    for url in urls.values():
        for _ in range(5):  # warm caches and connections
            assert client.get(url).status_code == 200, url
    samples: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            started = time.perf_counter()
            response = client.get(url)
            samples[name].append(time.perf_counter() - started)
            assert response.status_code == 200, url
    return samples


def time_against_bare_view(client, pages: dict[str, str], rounds: int):
    """`latencies` of `pages` in turn with the bench's bare view (bench/urls.py): the bare
    view's samples, the pages' samples, and the load average before and after."""
    from django.test.utils import override_settings

    load_before = os.getloadavg()[0]
    with override_settings(ROOT_URLCONF="bench.urls"):
        results = latencies(client, {"bare view": "/bench/bare/", **pages}, rounds)
    bare = results.pop("bare view")
    return bare, results, load_before, os.getloadavg()[0]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def print_ratios(bare: list[float], results: dict[str, list[float]], worst_label: str) -> float:
    """Print each page's median and p95 in ms and as ratios to the bare view; return the worst
    p95 ratio."""
    bare_median, bare_p95 = statistics.median(bare), p95(bare)
    print(f"{'page':<12} {'median ms':>10} {'p95 ms':>8} {'median ratio':>13} {'p95 ratio':>10}")
    print(
        f"{'bare view':<12} {bare_median * 1000:>10.1f} {bare_p95 * 1000:>8.1f} "
        f"{1:>13.2f} {1:>10.2f}"
    )
    worst = 0.0
    for name, samples in results.items():
        median, tail = statistics.median(samples), p95(samples)
        worst = max(worst, tail / bare_p95)
        print(
            f"{name:<12} {median * 1000:>10.1f} {tail * 1000:>8.1f} "
            f"{median / bare_median:>13.2f} {tail / bare_p95:>10.2f}"
        )
    print(f"{worst_label}: {worst:.2f} (goal: within 4)")
    return worst
