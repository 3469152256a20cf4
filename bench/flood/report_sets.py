"""Realistic sets of readers' reports on one article, each report tagged with the error it is about.

A viral error is reported by hundreds of readers, and they do not select the same characters: some
select the wrong word or number, some a phrase around it, some the whole sentence, a few drag across
the end of the sentence into the next one, and some cut a word in half. Errors sit in neighbouring
sentences, at a sentence boundary, or two in one sentence. Each generated report carries the id of
the error its reader meant, so a grouping rule can be scored against the truth.

Deterministic for a given seed. Pure Python: imports nothing from readerdesk.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

TEXTS = Path(__file__).resolve().parents[1] / "anchoring" / "texts"
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”»]?\s+(?=[\"“«A-ZА-ЯІЇЄҐ0-9$])")
_WORD = re.compile(r"\w[\w'’.,$%-]*\w|\w")


@dataclass(frozen=True)
class Report:
    issue: int  # the error the reader meant
    start: int  # code points in the article's text
    end: int


@dataclass(frozen=True)
class Issue:
    id: int
    start: int  # the wrong word, number or phrase
    end: int
    sentence: tuple[int, int]


@dataclass(frozen=True)
class ReportSet:
    name: str
    text: str
    issues: list[Issue]
    reports: list[Report]  # in arrival order


def load_text(name: str = "en_council") -> str:
    """An article's text as readerdesk stores it: paragraphs joined by a blank line."""
    raw = (TEXTS / f"{name}.txt").read_text(encoding="utf-8")
    return "\n\n".join(" ".join(p.split()) for p in raw.split("\n\n") if p.strip())


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of more than 20 characters, paragraph by paragraph. A sentence
    ends after its punctuation (and a closing quote), before the spaces."""
    spans, offset = [], 0
    for paragraph in text.split("\n\n"):
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            spans.append((offset + start, offset + match.start() + len(match.group().rstrip())))
            start = match.end()
        spans.append((offset + start, offset + len(paragraph)))
        offset += len(paragraph) + 2
    return [(s, e) for s, e in spans if e - s > 20]


def words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]


def _issue_in(text: str, sentence: tuple[int, int], rng: random.Random, *, where: str = "any") -> tuple[int, int]:
    """A wrong word or two-word phrase in the sentence: a number when there is one."""
    ws = words(text, *sentence)
    if where == "last":
        ws = ws[-3:]
    elif where == "first":
        ws = ws[:3]
    numbers = [w for w in ws if any(ch.isdigit() for ch in text[w[0]:w[1]])]
    pick = rng.choice(numbers or ws)
    i = ws.index(pick)
    if rng.random() < .4 and i + 1 < len(ws) and where == "any":
        return pick[0], ws[i + 1][1]
    return pick


def _selection(text: str, issue: Issue, rng: random.Random, all_sentences: list[tuple[int, int]],
               bridge_rate: float) -> tuple[int, int]:
    """What one reader selects for ``issue``."""
    s_start, s_end = issue.sentence
    ws = words(text, s_start, s_end)
    first = next(i for i, w in enumerate(ws) if w[1] > issue.start)
    last = max(i for i, w in enumerate(ws) if w[0] < issue.end)
    roll = rng.random()
    if roll < bridge_rate:
        # Across the sentence boundary nearest the error, into the neighbouring sentence.
        k = all_sentences.index(issue.sentence)
        before = first < len(ws) - 1 - last
        if before and k > 0 and all_sentences[k - 1][1] + 1 >= s_start - 2:
            nb = words(text, *all_sentences[k - 1])
            return nb[max(0, len(nb) - rng.randint(1, 6))][0], ws[min(len(ws) - 1, last + rng.randint(0, 3))][1]
        if k + 1 < len(all_sentences) and all_sentences[k + 1][0] <= s_end + 2:
            nb = words(text, *all_sentences[k + 1])
            return ws[max(0, first - rng.randint(0, 3))][0], nb[min(len(nb) - 1, rng.randint(0, 5))][1]
        roll = 1.0  # no neighbour in the paragraph: a whole-sentence selection instead
    roll = (roll - bridge_rate) / (1 - bridge_rate) if roll < 1 else .99
    if roll < .30:  # the wrong word itself, sometimes with a trailing comma or a letter short
        start, end = ws[first][0], ws[last][1]
        if rng.random() < .2:
            end = max(start + 1, end - 1)
        return start, end
    if roll < .58:  # a phrase around it
        lo = max(0, first - rng.randint(0, 4))
        hi = min(len(ws) - 1, last + rng.randint(0, 4))
        return ws[lo][0], ws[hi][1]
    if roll < .83:  # the whole sentence, with or without its full stop
        return s_start, s_end - (1 if rng.random() < .3 else 0)
    if roll < .86:  # the whole paragraph
        para_start = text.rfind("\n\n", 0, s_start)
        para_end = text.find("\n\n", s_end)
        return para_start + 2 if para_start >= 0 else 0, para_end if para_end >= 0 else len(text)
    if roll < .94:  # the half of the sentence that holds the error
        mid = len(ws) // 2
        return (ws[0][0], ws[max(mid, last)][1]) if first < mid else (ws[min(mid, first)][0], ws[-1][1])
    # Careless: starts or ends mid-word around the error.
    start = max(s_start, ws[max(0, first - 1)][0] + rng.randint(1, 3))
    end = min(s_end, ws[min(len(ws) - 1, last + 1)][1] - rng.randint(1, 2))
    return min(start, issue.start), max(end, issue.end)


def _report_set(name: str, text: str, issues: list[Issue], weights: list[float], count: int,
                rng: random.Random, bridge_rate: float = .08) -> ReportSet:
    all_sentences = sentences(text)
    reports = []
    for issue in rng.choices(issues, weights, k=count):
        start, end = _selection(text, issue, rng, all_sentences, bridge_rate)
        reports.append(Report(issue.id, start, end))
    return ReportSet(name, text, issues, reports)


def report_sets(seed: int = 10, scale: int = 1) -> list[ReportSet]:
    """The scenarios the grouping rule is chosen on (``scale`` multiplies the report counts)."""
    rng = random.Random(seed)
    out = []
    for text_name in ("en_council", "uk_budget"):
        text = load_text(text_name)
        ss = sentences(text)
        # 1. One viral error: many readers, many extents of one sentence.
        s = ss[1]
        issue = Issue(0, *_issue_in(text, s, rng), s)
        out.append(_report_set(f"{text_name}: one error, many extents", text, [issue], [1], 300 * scale, rng))
        # 2. Errors in four neighbouring sentences of one paragraph, one of them viral.
        para = [x for x in ss if ss.index(x) >= 2][:4]
        issues = [Issue(i, *_issue_in(text, x, rng), x) for i, x in enumerate(para)]
        out.append(_report_set(f"{text_name}: neighbouring sentences", text, issues, [6, 2, 1, 1], 300 * scale, rng))
        # 3. Two errors either side of a sentence boundary; many selections bridge it.
        k = next(i for i in range(len(ss) - 1) if ss[i + 1][0] - ss[i][1] <= 2 and i > 0)
        issues = [Issue(0, *_issue_in(text, ss[k], rng, where="last"), ss[k]),
                  Issue(1, *_issue_in(text, ss[k + 1], rng, where="first"), ss[k + 1])]
        out.append(_report_set(f"{text_name}: errors either side of a sentence boundary", text, issues, [2, 1],
                               300 * scale, rng, bridge_rate=.3))
        # 4. Two errors in one long sentence (a name and a number): whole-sentence selections
        #    cannot tell them apart.
        long_sentence = max(ss, key=lambda x: x[1] - x[0])
        ws = words(text, *long_sentence)
        a = Issue(0, *ws[len(ws) // 5], long_sentence)
        b = Issue(1, *ws[4 * len(ws) // 5], long_sentence)
        out.append(_report_set(f"{text_name}: two errors in one sentence", text, [a, b], [1, 1], 200 * scale, rng))
        # 5. The whole article: an error in every third sentence, popularity falling off sharply.
        picked = ss[::3]
        issues = [Issue(i, *_issue_in(text, x, rng), x) for i, x in enumerate(picked)]
        out.append(_report_set(f"{text_name}: the whole article", text, issues,
                               [1 / (i + 1) ** 1.3 for i in range(len(issues))], 1000 * scale, rng))
    return out


def scores(reports: list[Report], groups: list[int]) -> dict:
    by_group = Counter(groups)
    by_issue = Counter(r.issue for r in reports)
    pair = Counter((g, r.issue) for g, r in zip(groups, reports, strict=True))
    precision = statistics.fmean(pair[g, r.issue] / by_group[g] for g, r in zip(groups, reports, strict=True))
    recall = statistics.fmean(pair[g, r.issue] / by_issue[r.issue] for g, r in zip(groups, reports, strict=True))
    # Groups the desk would see as one row but that hold two errors' reports in earnest (≥ 10 % each).
    fused = sum(1 for g, n in by_group.items()
                if sum(1 for (gg, _), k in pair.items() if gg == g and k >= max(2, .1 * n)) > 1)
    return {"groups": len(by_group), "big": sum(1 for n in by_group.values() if n >= 5),
            "largest": max(by_group.values()) / len(reports), "fused": fused, "precision": precision,
            "recall": recall, "f1": 2 * precision * recall / (precision + recall)}
