"""bench/run.sh's chart: req/s and p99 per connection count, one line per stack, the median of
the runs with their min-max as error bars.

Usage: /usr/bin/python3 bench/chart.py <rows.tsv> <out.png> [subtitle]
rows.tsv is run.sh's: stack, run, connections, req/s, p50 ms, p99 ms, ... (tab-separated).
"""

import statistics
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # no display: a file only
import matplotlib.pyplot as plt  # noqa: E402

NAMES = {"fanout": "Fanout (Quarkus, JVM)", "native": "Fanout (Quarkus, native)",
         "asyncio": "asyncio peer (FastAPI, uvicorn, uvloop)"}
STYLES = {"fanout": dict(color="#1f77b4", marker="o"), "native": dict(color="#2ca02c", marker="^"),
          "asyncio": dict(color="#d62728", marker="s")}


def main(rows_path, out_path, subtitle=""):
    values = defaultdict(lambda: defaultdict(lambda: {"rps": [], "p99": []}))
    for line in open(rows_path):
        cells = line.rstrip("\n").split("\t")
        if len(cells) < 6:
            continue
        stack, connections = cells[0], int(cells[2])
        values[stack][connections]["rps"].append(float(cells[3]))
        values[stack][connections]["p99"].append(float(cells[5]))
    if not values:
        sys.exit("no rows in " + rows_path)

    figure, (rps_axis, p99_axis) = plt.subplots(1, 2, figsize=(11, 4.5))
    for stack, by_connections in values.items():
        counts = sorted(by_connections)
        for axis, key in ((rps_axis, "rps"), (p99_axis, "p99")):
            medians = [statistics.median(by_connections[c][key]) for c in counts]
            below = [m - min(by_connections[c][key]) for m, c in zip(medians, counts)]
            above = [max(by_connections[c][key]) - m for m, c in zip(medians, counts)]
            axis.errorbar(counts, medians, yerr=[below, above], capsize=4, label=NAMES.get(stack, stack),
                          **STYLES.get(stack, {}))
    for axis, title, unit in ((rps_axis, "throughput", "requests/s"), (p99_axis, "p99 latency", "ms")):
        axis.set_xscale("log", base=2)
        counts = sorted({c for by_connections in values.values() for c in by_connections})
        axis.set_xticks(counts)
        axis.set_xticklabels([str(c) for c in counts])
        axis.set_xlabel("connections (wrk)")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.set_ylim(bottom=0)
        axis.grid(True, alpha=0.3)
        axis.legend()
    figure.suptitle("GET /users/{id}/profile: median of the runs, bars min-max\n" + subtitle, fontsize=9)
    figure.tight_layout()
    figure.savefig(out_path, dpi=110)


if __name__ == "__main__":
    main(*sys.argv[1:4])
