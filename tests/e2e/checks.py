"""The external checkers, called the same way on real pages and on the deliberately broken fixture:
axe-core injected into the page, and the Nu HTML Checker (vnu.jar) over a folder of saved pages."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: WCAG 2.0 and 2.1, levels A and AA
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass(frozen=True)
class Problem:
    where: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: [{self.rule}] {self.message}"


def axe(page, node_modules: Path, where: str) -> list[Problem]:
    """axe-core's violations on the page as it is now. Injected by evaluate, which the page's CSP allows."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate((node_modules / "axe-core" / "axe.min.js").read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS)
    return [Problem(where, violation["id"],
                    f"{violation['help']} ({violation['impact']}): "
                    + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5]))
            for violation in result["violations"]]


def vnu(paths: list[Path], node_modules: Path) -> list[Problem]:
    """Every error the Nu HTML Checker finds in these files or folders, in one run of the JVM."""
    jar = node_modules / "vnu-jar" / "build" / "dist" / "vnu.jar"
    done = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html",
                           *map(str, paths)], capture_output=True, text=True, timeout=600)
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    problems = [Problem(f"{message.get('url', '?').removeprefix('file:')}:{message.get('lastLine', '?')}",
                        message.get("subType") or message["type"], message.get("message", ""))
                for message in report["messages"] if message["type"] in ("error", "non-document-error")]
    if done.returncode and not problems:
        raise RuntimeError(f"vnu.jar failed without a report: {done.stderr[:2000]}")
    return problems
