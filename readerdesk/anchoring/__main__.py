"""CLI: python -m readerdesk.anchoring evaluate CASES.jsonl RESULTS.jsonl"""

from __future__ import annotations

import argparse
import sys

from .evaluate import CaseError, evaluate_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m readerdesk.anchoring")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="re-anchor each case's span from old_text to new_text")
    ev.add_argument("cases", help="input JSONL: {id, old_text, new_text, start, end} per line")
    ev.add_argument("results", help="output JSONL: {id, start, end, state, confidence} per line")
    ev.add_argument("--timings", action="store_true", help="add elapsed_us per result (benchmark)")
    args = parser.parse_args(argv)
    try:
        evaluate_file(args.cases, args.results, timings=args.timings)
    except CaseError as exc:
        print(f"error: {args.cases}: {exc}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
