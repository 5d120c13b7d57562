"""axe-core in the browser tests: every page and editor state a test visits is checked,
and a serious or critical violation fails the test with a list a person can act on.

axe-core comes from the axe-playwright-python package (PyPI, dev extra), which ships
axe.min.js; only that file is used, injected into the page by this helper.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from playwright.sync_api import Page

FAILING = ("serious", "critical")
# WCAG 2.0–2.2 A and AA, axe's best practices (landmarks, headings, names) and its
# experimental rules, among them label-content-name-mismatch (a name that starts with
# what the control shows, WCAG 2.5.3).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice", "experimental"]


@cache
def axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def violations(page: Page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """async (tags) => {
            // Check what a person sees once things settle: a toast fading in is
            // half-transparent for 0.18 s, and its contrast is measured at the end.
            const settling = document.getAnimations().filter(
                (a) => a.effect?.getComputedTiming().iterations !== Infinity);
            await Promise.all(settling.map((a) => a.finished.catch(() => null)));
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                               resultTypes: ["violations"]});
            // The canvas is drawn at the zoom the person chose: its targets are 24 px
            // and more at 100 %, smaller only when zoomed out, which is theirs to choose.
            const inCanvas = (n) => !!document.querySelector(n.target[0])?.closest("#world");
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.filter(n => !(v.id === "target-size" && inCanvas(n)))
                              .map(n => ({target: n.target.join(" "),
                                          summary: n.failureSummary}))}));
        }""",
        TAGS,
    )
    return [v for v in result if v["impact"] in FAILING and v["nodes"]]


def report(found: list[dict]) -> str:
    lines = []
    for v in found:
        lines.append(f"- {v['impact']} {v['id']}: {v['help']}")
        for node in v["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}  —  {summary[:240]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page: Page, context: str) -> None:
    """Fail if axe finds a serious or critical violation; `context` names the state
    (e.g. "editor, gaps tab open") so the failure says where it was."""
    found = violations(page)
    assert not found, f"axe: accessibility violations on {context} ({page.url}):\n" + report(found)
