#!/usr/bin/python3
"""Draws the curves of a soak run (./qstcs bench soak) from its CSV and prints them condensed to
one row a minute as a Markdown table.

Usage: /usr/bin/python3 bench/soak-chart.py SOAK.csv OUT.png   (needs python3-matplotlib)
"""
import csv
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def number(v):
    return float(v) if v not in ("", None) else math.nan


def main(path, out):
    rows = list(csv.DictReader(open(path)))
    t = [int(r["elapsed_s"]) / 60 for r in rows]
    col = lambda name: [number(r[name]) for r in rows]
    attacks = [t[i] for i in range(1, len(rows)) if rows[i]["attacks"] != rows[i - 1]["attacks"]]

    fig, ax = plt.subplots(4, 1, figsize=(9, 10), sharex=True)
    panels = [
        ("RSS (MiB)", [("KMS", "kms_rss_mib"), ("relay", "relay_rss_mib")], False),
        ("open descriptors", [("KMS", "kms_fds"), ("relay", "relay_fds")], False),
        ("threads", [("KMS", "kms_threads"), ("relay", "relay_threads")], False),
        ("latency (ms, log)", [("key request p50", "key_p50_ms"), ("key request p99", "key_p99_ms"),
                               ("chat round trip p50", "chat_p50_ms"), ("chat round trip p99", "chat_p99_ms")], True),
    ]
    for a, (title, series, log) in zip(ax, panels):
        for label, name in series:
            a.plot(t, col(name), label=label, linewidth=1)
        for x in attacks:
            a.axvline(x, color="red", alpha=0.25, linewidth=3)
        a.set_ylabel(title)
        if log:
            a.set_yscale("log")
        else:
            a.set_ylim(bottom=0)
        a.grid(alpha=0.3)
        a.legend(loc="upper left", fontsize=8, ncol=2)
    ax[-1].set_xlabel("minutes (red bands: force_attack, then reset 5 s later)")
    fig.suptitle("Soak: KMS and relay under chat, attacks, enroll/revoke churn and a hostile client", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=80)

    print("| minute | KMS RSS MiB | KMS fds | KMS threads | relay RSS MiB | relay fds | relay threads"
          " | key p50 / p99 ms | chat p50 / p99 ms | attacks | churn cycles |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|")
    per_minute = {}
    for r in rows:
        per_minute.setdefault((int(r["elapsed_s"]) - 1) // 60 + 1, []).append(r)
    for minute, rs in sorted(per_minute.items()):
        last = rs[-1]
        mean = lambda name: sum(number(r[name]) for r in rs) / len(rs)
        worst = lambda name: max((number(r[name]) for r in rs if r[name] != ""), default=math.nan)
        med = lambda name: sorted(number(r[name]) for r in rs if r[name] != "")
        p50 = lambda name: (lambda v: v[len(v) // 2] if v else math.nan)(med(name))
        print(f"| {minute} | {mean('kms_rss_mib'):.0f} | {mean('kms_fds'):.0f} | {mean('kms_threads'):.0f}"
              f" | {mean('relay_rss_mib'):.0f} | {mean('relay_fds'):.0f} | {mean('relay_threads'):.0f}"
              f" | {p50('key_p50_ms'):.2f} / {worst('key_p99_ms'):.1f} | {p50('chat_p50_ms'):.2f} / {worst('chat_p99_ms'):.1f}"
              f" | {last['attacks']} | {last['churn_ok']} |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
