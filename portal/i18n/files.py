"""Round-trip files for translators' own tools: PO (gettext) and XLIFF 2.0.

Each paragraph carries its id and the hash of the source text it was exported with
(PO: msgctxt "<id>:<hash>"; XLIFF: the unit's id and a "source-hash" note), so an
import can refuse a paragraph whose source changed since. Reading never trusts the
file: anything malformed raises `FileRefused` with a message naming what is wrong.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

import polib
from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from portal.i18n import registry
from portal.i18n.models import TranslationSegment

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF = f"{{{XLIFF_NS}}}"
CONTEXT = re.compile(r"^(\d+):([0-9a-f]{64})$")
UNIT_ID = re.compile(r"^p(\d+)$")
# XLIFF segment states a translator's tool sets once a human has written the target.
TRANSLATED_STATES = {"translated", "reviewed", "final"}


class FileRefused(Exception):  # noqa: N818 - reads as what happened to the file
    """The file cannot be imported; the message says why, in the reader's language."""


Proposal = tuple[int, str, str]  # segment id, source hash, translated text


def _suggestion(segment: TranslationSegment) -> tuple[str, bool]:
    """The text to prefill and whether it is only a suggestion (machine)."""
    current = segment.source.source_hash
    if segment.draft_text and segment.draft_hash == current:
        return segment.draft_text, False
    if segment.machine_text and segment.machine_hash == current:
        return segment.machine_text, True
    return "", False


def _where(segment: TranslationSegment) -> str:
    source, kind = segment.source, segment.source.content_type
    where = f"{source.object_id} {source.field} ¶{source.position + 1}"
    return f"{kind.app_label}.{kind.model} {where}"


def po_export(*, language: str, segments: list[TranslationSegment]) -> bytes:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": "Right to the City portal",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for segment in segments:
        text, is_suggestion = _suggestion(segment)
        po.append(
            polib.POEntry(
                msgctxt=f"{segment.pk}:{segment.source.source_hash}",
                msgid=segment.source.text,
                msgstr=text,
                flags=["fuzzy"] if is_suggestion else [],
                comment=f"{_where(segment)} ({segment.source.language})",
            )
        )
    return str(po).encode("utf-8")


def po_read(*, language: str, data: bytes) -> list[Proposal]:
    """The translated, non-fuzzy entries of a PO file for `language`."""
    try:
        po = polib.pofile(data.decode("utf-8"))
    except (UnicodeDecodeError, OSError, ValueError) as error:
        raise FileRefused(_("This is not a PO file this portal can read.")) from error
    if po.metadata.get("Language", "").replace("_", "-") != language:
        raise FileRefused(_("This file is not for the language you chose."))
    proposals = []
    for number, entry in enumerate(po, start=1):
        match = CONTEXT.match(entry.msgctxt or "")
        if match is None:
            raise FileRefused(
                _("Entry %(number)s has no paragraph reference; it was not exported here.")
                % {"number": number}
            )
        if entry.msgstr.strip() and "fuzzy" not in entry.flags and not entry.obsolete:
            proposals.append((int(match[1]), match[2], entry.msgstr))
    return proposals


def xliff_export(*, language: str, segments: list[TranslationSegment]) -> bytes:
    ElementTree.register_namespace("", XLIFF_NS)
    root = ElementTree.Element(
        f"{XLIFF}xliff",
        {"version": "2.0", "srcLang": registry.source_language(), "trgLang": language},
    )
    file = ElementTree.SubElement(root, f"{XLIFF}file", {"id": "portal"})
    for segment in segments:
        unit = ElementTree.SubElement(
            file, f"{XLIFF}unit", {"id": f"p{segment.pk}", "name": _where(segment)}
        )
        notes = ElementTree.SubElement(unit, f"{XLIFF}notes")
        note = ElementTree.SubElement(notes, f"{XLIFF}note", {"category": "source-hash"})
        note.text = segment.source.source_hash
        if segment.source.language != registry.source_language():  # a proposal, say
            language_note = {"category": "source-language"}
            ElementTree.SubElement(
                notes, f"{XLIFF}note", language_note
            ).text = segment.source.language
        text, is_suggestion = _suggestion(segment)
        state = "initial" if is_suggestion or not text else "translated"
        part = ElementTree.SubElement(unit, f"{XLIFF}segment", {"state": state})
        ElementTree.SubElement(part, f"{XLIFF}source").text = segment.source.text
        if text:
            ElementTree.SubElement(part, f"{XLIFF}target").text = text
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def xliff_read(*, language: str, data: bytes) -> list[Proposal]:
    """The targets of an XLIFF 2.x file marked translated, reviewed or final."""
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise FileRefused(_("This is not an XLIFF file this portal can read.")) from error
    if root.tag != f"{XLIFF}xliff" or not str(root.get("version", "")).startswith("2."):
        raise FileRefused(_("Only XLIFF version 2 files can be imported."))
    if root.get("trgLang", "").replace("_", "-") != language:
        raise FileRefused(_("This file is not for the language you chose."))
    proposals = []
    for unit in root.iter(f"{XLIFF}unit"):
        match = UNIT_ID.match(unit.get("id", ""))
        source_hash = next(
            (
                (note.text or "").strip()
                for note in unit.iter(f"{XLIFF}note")
                if note.get("category") == "source-hash"
            ),
            "",
        )
        if match is None or not re.fullmatch(r"[0-9a-f]{64}", source_hash):
            raise FileRefused(
                _("Unit “%(id)s” has no paragraph reference; it was not exported here.")
                % {"id": unit.get("id", "?")}
            )
        for part in unit.iter(f"{XLIFF}segment"):
            target = part.find(f"{XLIFF}target")
            text = "".join(target.itertext()) if target is not None else ""
            if text.strip() and part.get("state", "initial") in TRANSLATED_STATES:
                proposals.append((int(match[1]), source_hash, text))
    return proposals
