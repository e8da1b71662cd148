"""Every UI string is translated in every enabled language, and the check can fail."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings

from portal.i18n import catalogues


def test_every_enabled_language_has_a_complete_catalogue() -> None:
    problems = catalogues.check([code for code, _name in settings.LANGUAGES])
    assert problems == [], "\n".join(str(problem) for problem in problems)


def test_catalogues_are_real_translations_not_copies_of_the_english_msgids() -> None:
    assert len(catalogues.catalogue_paths()) >= 8
    for language, path in catalogues.catalogue_paths().items():
        if language == "en":
            continue
        entries = [entry for entry in polib.pofile(str(path)) if not entry.obsolete]
        copies = [entry.msgid for entry in entries if entry.msgstr == entry.msgid]
        # A few words are the same in both languages ("Notifications", "SMS").
        assert len(copies) <= len(entries) // 10, (language, copies)


def _write_catalogue(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "django.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + body)
    return path


def test_check_reports_untranslated_fuzzy_and_broken_placeholders(tmp_path: Path) -> None:
    path = _write_catalogue(
        tmp_path,
        'msgid "Welcome"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Take part"\nmsgstr "Participer"\n\n'
        'msgid "Hello %(username)s,"\nmsgstr "Bonjour %(name)s,"\n\n'
        'msgid "Fine"\nmsgstr "Bien"\n',
    )
    reasons = {
        (problem.msgid, problem.reason) for problem in catalogues.check_catalogue("xx", path)
    }
    assert reasons == {
        ("Welcome", "untranslated"),
        ("Take part", "fuzzy"),
        ("Hello %(username)s,", "placeholders differ"),
    }


def test_a_language_without_catalogue_is_reported() -> None:
    problems = catalogues.check(["so"])
    assert [problem.reason for problem in problems] == ["no catalogue"]
