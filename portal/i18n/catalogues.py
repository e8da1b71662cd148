"""The UI catalogues in locale/: compile them, and check that they are complete.

    python -m portal.i18n.catalogues compile   # .po -> .mo (no GNU gettext needed)
    python -m portal.i18n.catalogues check     # untranslated, fuzzy, broken placeholders

Pure Python (polib), so a machine without gettext builds the portal too.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCALE_DIR = BASE_DIR / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*(\w+)\s*\}\}|%[sd]")


@dataclass(frozen=True)
class Problem:
    language: str
    msgid: str
    reason: str

    def __str__(self) -> str:
        return f"[{self.language}] {self.reason}: {self.msgid[:70]!r}"


def catalogue_paths() -> dict[str, Path]:
    return {
        path.parent.parent.name: path for path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
    }


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0).replace(" ", "") for match in PLACEHOLDER.finditer(text))


def check_catalogue(language: str, path: Path) -> list[Problem]:
    problems = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(Problem(language, entry.msgid, "fuzzy"))
        translations = (
            [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
            if entry.msgid_plural
            else [entry.msgstr]
        )
        if not all(text.strip() for text in translations):
            problems.append(Problem(language, entry.msgid, "untranslated"))
            continue
        expected = _placeholders(entry.msgid)
        for text in translations:
            if _placeholders(text) != expected and not entry.msgid_plural:
                problems.append(Problem(language, entry.msgid, "placeholders differ"))
    return problems


def check(languages: list[str]) -> list[Problem]:
    paths = catalogue_paths()
    problems = [
        Problem(language, "", "no catalogue") for language in languages if language not in paths
    ]
    for language in languages:
        if language in paths:
            problems.extend(check_catalogue(language, paths[language]))
    return problems


def compile_all() -> int:
    count = 0
    for _language, path in catalogue_paths().items():
        target = path.with_suffix(".mo")
        if not target.exists() or target.stat().st_mtime < path.stat().st_mtime:
            polib.pofile(str(path)).save_as_mofile(str(target))
        count += 1
    return count


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "compile"
    if action == "compile":
        count = compile_all()
        print(f"==> {count} catalogue(s) compiled", flush=True)
        return 0
    if action == "check":
        import os

        languages = [
            code.strip()
            for code in os.environ.get("PORTAL_LANGUAGES", "fr,en,es,ar,fa,uk,ti,ps").split(",")
        ]
        problems = check(languages)
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    print("usage: python -m portal.i18n.catalogues {compile|check}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
