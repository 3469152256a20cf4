"""axe-core in Chromium: the npm package's own build (node_modules/axe-core, pinned in
package-lock.json), injected into the page under test; nothing is downloaded while the tests run.

    assert_no_serious_violations(page, "the queue")

fails with one line per violation: its rule id, impact, help text, and the selectors of what it
found (through shadow roots: axe names a node inside one as a list of selectors)."""

from __future__ import annotations

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
# WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices (landmarks, one <h1>, skip links...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

RUN = """async (tags) => {
  const results = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.map((t) => Array.isArray(t) ? t.join(" >>> ") : t).join(" >>> ")),
  }));
}"""


def violations(page) -> list[dict]:
    """Every violation axe finds on the page as it is now: {id, impact, help, targets}."""
    assert AXE_SCRIPT.is_file(), f"{AXE_SCRIPT} is missing: run `npm ci` (axe-core is pinned in package.json)"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))  # needs a context with bypass_csp=True: the pages' CSP has nonces
    return page.evaluate(RUN, TAGS)


def describe(found: list[dict]) -> str:
    return "\n".join(f"  {v['id']} ({v['impact']}): {v['help']}: {', '.join(v['targets'])}" for v in found)


def assert_no_serious_violations(page, where: str) -> None:
    serious = [v for v in violations(page) if v["impact"] in SERIOUS]
    assert not serious, f"axe found serious or critical violations on {where} ({page.url}):\n{describe(serious)}"
