"""Which reports are "the same passage"? Candidate grouping rules scored on realistic report sets.

    /work/main/.venv/bin/python bench/flood/grouping.py [--seeds 12] [--scale 1]

Every rule sees the reports in arrival order, as the app does, and puts each new report in at most
one group (or a new one), except the "before" rule (readerdesk until issue 10), which fuses every
group a report overlaps. A group's passage is its lead's span (its first report), or, for the
"narrowing" rules, the part of it that every report that joined shares. For each rule it prints
B-cubed precision / recall / F1 over the report sets of many generated collections (per report: how
much of its group is about its error, and how much of its error's reports are in its group), and the
groups that hold two errors' reports in earnest. The last rule is readerdesk's own
(``readerdesk.services.corrections.duplicates.passage_overlap``), so the table checks the code.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_sets import Report, report_sets, scores  # noqa: E402

from readerdesk.services.corrections.duplicates import passage_overlap  # noqa: E402

Span = tuple[int, int]
# A rule: how well a new span matches a group's passage, or None when it does not.
Rule = Callable[[Span, Span], float | None]


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def fraction_rule(of_shorter: float, of_longer: float) -> Rule:
    """Overlap at least ``of_shorter`` of the shorter span and ``of_longer`` of the longer one
    (0 means "any overlap"). Score: overlap / longer, so the tightest passage wins."""
    def rule(passage: Span, new: Span) -> float | None:
        o = overlap(passage, new)
        shorter, longer = sorted((passage[1] - passage[0], new[1] - new[0]))
        if o == 0 or o < of_shorter * shorter or o < of_longer * longer:
            return None
        return o / longer
    return rule


def group_by_passage(reports: list[Report], rule: Rule, *, narrow: bool) -> list[int]:
    """Each report's group (an index): it joins the group whose passage it matches best, never two.
    A group's passage is its first report's span; with ``narrow``, it shrinks to what it shares with
    each report that joins (readerdesk's ``find_group`` / ``record_arrival``)."""
    passages: list[Span] = []
    assignment = []
    for r in reports:
        span = (r.start, r.end)
        scored = [(score, -g) for g, passage in enumerate(passages) if (score := rule(passage, span)) is not None]
        if not scored:
            passages.append(span)
            assignment.append(len(passages) - 1)
            continue
        g = -max(scored)[1]
        if narrow:
            passages[g] = (max(passages[g][0], span[0]), min(passages[g][1], span[1]))
        assignment.append(g)
    return assignment


def group_transitively(reports: list[Report]) -> list[int]:
    """readerdesk before issue 10: any overlap with any member; a report touching two groups fuses them."""
    parent: list[int] = []

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, r in enumerate(reports):
        parent.append(i)
        for j in range(i):
            if overlap((r.start, r.end), (reports[j].start, reports[j].end)):
                parent[find(j)] = find(i)
    return [find(i) for i in range(len(reports))]


def group_by_nearest_member(reports: list[Report], rule: Rule) -> list[int]:
    """Join the group of the best-matching *member* (not the lead): no fusing, but groups can drift."""
    assignment: list[int] = []
    for i, r in enumerate(reports):
        span = (r.start, r.end)
        scored = [(score, -j) for j in range(i)
                  if (score := rule((reports[j].start, reports[j].end), span)) is not None]
        assignment.append(assignment[-max(scored)[1]] if scored else i)
    return assignment


def rules() -> list[tuple[str, Callable[[list[Report]], list[int]]]]:
    def lead(rule: Rule) -> Callable[[list[Report]], list[int]]:
        return lambda reports: group_by_passage(reports, rule, narrow=False)

    def narrowing(rule: Rule) -> Callable[[list[Report]], list[int]]:
        return lambda reports: group_by_passage(reports, rule, narrow=True)

    return [
        ("before: any overlap with any member, transitive", group_transitively),
        ("any overlap with the nearest member", lambda rs: group_by_nearest_member(rs, fraction_rule(0, 0))),
        ("≥ ½ of the shorter, nearest member", lambda rs: group_by_nearest_member(rs, fraction_rule(.5, 0))),
        ("lead's span: any overlap", lead(fraction_rule(0, 0))),
        ("lead's span: ≥ ⅓ of the shorter", lead(fraction_rule(1 / 3, 0))),
        ("lead's span: ≥ ½ of the shorter", lead(fraction_rule(.5, 0))),
        ("lead's span: ≥ ½ of the shorter and ≥ 10 % of the longer", lead(fraction_rule(.5, .1))),
        ("lead's span: ≥ ½ of the longer", lead(fraction_rule(0, .5))),
        ("narrowing passage: any overlap", narrowing(fraction_rule(0, 0))),
        ("narrowing passage: ≥ ½ of the shorter and ≥ 10 % of the longer", narrowing(fraction_rule(.5, .1))),
        ("narrowing passage: ≥ ½ of the shorter — readerdesk (duplicates.passage_overlap)",
         narrowing(passage_overlap)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=12, help="Evaluate on this many generated collections.")
    parser.add_argument("--scale", type=int, default=1, help="Multiply the reports per set.")
    parser.add_argument("--tiny", action="store_true", help="One collection of 30 reports per set.")
    args = parser.parse_args()
    collections = [report_sets(seed, args.scale) for seed in range(1 if args.tiny else args.seeds)]
    if args.tiny:
        for report_set in collections[0]:
            report_set.reports[30:] = []
    print(f"{args.seeds} collections of {len(collections[0])} report sets "
          f"({sum(len(s.reports) for s in collections[0]):,} reports each)\n")
    print("| rule | B³ F1 mean | B³ F1 10th pct | B³ F1 worst | precision | recall | fused groups per set |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    per_rule = {}
    for name, group in rules():
        results = [scores(s.reports, group(s.reports)) for sets in collections for s in sets]
        per_rule[name] = results
        f1 = sorted(x["f1"] for x in results)
        print(f"| {name} | {statistics.fmean(f1):.3f} | {f1[len(f1) // 10]:.3f} | {f1[0]:.3f} "
              f"| {statistics.fmean(x['precision'] for x in results):.3f} "
              f"| {statistics.fmean(x['recall'] for x in results):.3f} "
              f"| {statistics.fmean(x['fused'] for x in results):.2f} |")
    before, chosen = list(per_rule.values())[0], list(per_rule.values())[-1]
    print("\nPer report set (first collection): groups formed against the errors readers meant.\n")
    print("| report set | reports | errors | before: groups (largest) | readerdesk: groups, ≥ 5 reports (largest) "
          "| B³ F1 before → readerdesk |")
    print("|---|---:|---:|---:|---:|---:|")
    for s, b, c in zip(collections[0], before, chosen, strict=False):
        print(f"| {s.name} | {len(s.reports)} | {len(s.issues)} | {b['groups']} ({b['largest']:.0%}) "
              f"| {c['groups']}, {c['big']} ({c['largest']:.0%}) | {b['f1']:.2f} → {c['f1']:.2f} |")


if __name__ == "__main__":
    main()
