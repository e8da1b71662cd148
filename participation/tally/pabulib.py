"""Read and write participatory-budget elections in the pabulib ``.pb`` format.

A ``.pb`` file has three sections, each a ``;``-separated table introduced by a line holding
only its name::

    META          key;value rows (the "key;value" header line is optional: some files omit it)
    PROJECTS      a header row, then one row per project (project_id and cost are required)
    VOTES         a header row, then one row per voter (voter_id and vote are required)

Fields follow CSV quoting (``"..."`` with ``""`` for a quote), which real files use for project
names containing ``;``. A vote lists project ids separated by commas; cumulative and scoring
elections add a ``points`` column aligned with it. Money (costs, the budget) is parsed exactly
with ``Fraction(Decimal(text))`` because official costs have cents (``102533.36``) and the
rules decide with exact arithmetic: a binary float would already be wrong on input.

Errors are :class:`PbFormatError` naming the 1-based line of the file, so that a city clerk
uploading a broken export is told where to look rather than shown a traceback.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

__all__ = [
    "SUPPORTED_VOTE_TYPES",
    "PbFormatError",
    "PbInstance",
    "Project",
    "Vote",
    "format_money",
    "parse_money",
    "parse_pb",
    "write_pb",
]

SECTIONS = ("meta", "projects", "votes")
#: Ballot kinds the rules understand: approval ballots count 1 per project, cumulative and
#: scoring ballots carry points. Ordinal (ranked) ballots are refused rather than misread.
SUPPORTED_VOTE_TYPES = ("approval", "cumulative", "scoring")
POINTS_VOTE_TYPES = ("cumulative", "scoring")


class PbFormatError(ValueError):
    """A ``.pb`` text that cannot be read; ``line`` is the 1-based line of the problem."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        self.detail = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass
class Project:
    """One project row. ``extra`` keeps every other column as text (votes, selected, ...)."""

    project_id: str
    cost: Fraction
    name: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Vote:
    """One ballot: project id -> points, in ballot order (approval ballots give 1 each)."""

    voter_id: str
    points: dict[str, int]
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class PbInstance:
    """A parsed election; equality ignores only the column order kept for writing back."""

    meta: dict[str, str]
    projects: dict[str, Project]
    votes: list[Vote]
    budget: Fraction
    vote_type: str
    rule: str
    project_columns: list[str] = field(default_factory=list, compare=False, repr=False)
    vote_columns: list[str] = field(default_factory=list, compare=False, repr=False)


def parse_money(text: str) -> Fraction:
    """An exact amount from decimal text such as ``102533.36``; ``ValueError`` otherwise."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation as error:
        raise ValueError(f"{text!r} is not a number") from error
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    return Fraction(value)


def format_money(value: Fraction) -> str:
    """Decimal text for an amount that has a finite decimal expansion (``80000``, ``0.5``)."""
    value = Fraction(value)
    for digits in range(64):
        scaled = value * 10**digits
        if scaled.denominator == 1:
            break
    else:
        raise ValueError(f"{value} has no short finite decimal expansion")
    if digits == 0:
        return str(value.numerator)
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


@dataclass
class _Row:
    line: int
    fields: list[str]


def _rows(text: str) -> list[_Row]:
    """CSV rows with the line each starts on; blank lines are dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    rows: list[_Row] = []
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise PbFormatError(f"unreadable CSV: {error}", line=start) from error
        if any(value.strip() for value in fields):
            rows.append(_Row(start, fields))
        start = reader.line_num + 1
    return rows


def _section_name(row: _Row) -> str | None:
    if len([value for value in row.fields if value.strip()]) == 1:
        name = row.fields[0].strip().lower()
        if name in SECTIONS:
            return name
    return None


def _split_sections(rows: list[_Row]) -> dict[str, tuple[_Row, list[_Row]]]:
    sections: dict[str, tuple[_Row, list[_Row]]] = {}
    current: list[_Row] | None = None
    for row in rows:
        name = _section_name(row)
        if name is not None:
            if name in sections:
                raise PbFormatError(f"section {name.upper()} appears twice", line=row.line)
            current = []
            sections[name] = (row, current)
        elif current is None:
            raise PbFormatError("text before the META section", line=row.line)
        else:
            current.append(row)
    last_line = rows[-1].line if rows else 1
    for name in SECTIONS:
        if name not in sections:
            raise PbFormatError(f"missing section {name.upper()}", line=last_line)
    order = [sections[name][0].line for name in SECTIONS]
    if order != sorted(order):
        raise PbFormatError(
            "sections must come in the order META, PROJECTS, VOTES", line=max(order)
        )
    return sections


def _trimmed(fields: list[str], width: int) -> list[str]:
    """Drop empty fields past ``width``: some exports end every row with a ``;``."""
    if len(fields) > width and not any(value.strip() for value in fields[width:]):
        return fields[:width]
    return fields


def _table(
    section: str, header_row: _Row, rows: list[_Row], required: tuple[str, ...]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    if not rows:
        raise PbFormatError(f"{section.upper()} has no header row", line=header_row.line)
    header, *body = rows
    columns = [value.strip() for value in header.fields]
    while len(columns) > 1 and not columns[-1]:
        columns.pop()
    for name in required:
        if name not in columns:
            raise PbFormatError(
                f"{section.upper()} header lacks the {name!r} column", line=header.line
            )
    if len(set(columns)) != len(columns):
        raise PbFormatError(f"{section.upper()} header repeats a column", line=header.line)
    records: list[tuple[int, dict[str, str]]] = []
    for row in body:
        row.fields = _trimmed(row.fields, len(columns))
        if len(row.fields) != len(columns):
            raise PbFormatError(
                f"{section.upper()} row has {len(row.fields)} fields, "
                f"the header has {len(columns)}",
                line=row.line,
            )
        records.append((row.line, dict(zip(columns, row.fields, strict=True))))
    return columns, records


def _parse_meta(header_row: _Row, rows: list[_Row]) -> tuple[dict[str, str], dict[str, int]]:
    meta: dict[str, str] = {}
    lines: dict[str, int] = {}
    for index, row in enumerate(rows):
        row.fields = _trimmed(row.fields, 2)
        if len(row.fields) != 2:
            raise PbFormatError("META rows are key;value pairs", line=row.line)
        key, value = row.fields[0].strip(), row.fields[1].strip()
        if index == 0 and (key.lower(), value.lower()) == ("key", "value"):
            continue
        if not key:
            raise PbFormatError("META row without a key", line=row.line)
        if key in meta:
            raise PbFormatError(f"META key {key!r} appears twice", line=row.line)
        meta[key] = value
        lines[key] = row.line
    return meta, lines


def _parse_int(text: str, what: str, line: int) -> int:
    try:
        return int(text.strip())
    except ValueError as error:
        raise PbFormatError(f"{what} {text!r} is not a whole number", line=line) from error


def parse_pb(text: str) -> PbInstance:
    """Parse the text of a ``.pb`` file (BOM and CRLF accepted) into a :class:`PbInstance`."""
    rows = _rows(text)
    if not rows:
        raise PbFormatError("empty file: missing section META", line=1)
    sections = _split_sections(rows)

    meta_header, meta_rows = sections["meta"]
    meta, meta_lines = _parse_meta(meta_header, meta_rows)
    if "budget" not in meta:
        raise PbFormatError("META has no budget", line=meta_header.line)
    try:
        budget = parse_money(meta["budget"])
    except ValueError as error:
        raise PbFormatError(f"bad budget: {error}", line=meta_lines["budget"]) from error
    if budget < 0:
        raise PbFormatError("the budget is negative", line=meta_lines["budget"])
    vote_type = meta.get("vote_type", "approval").strip().lower() or "approval"
    if vote_type not in SUPPORTED_VOTE_TYPES:
        raise PbFormatError(
            f"vote_type {vote_type!r} is not supported ({', '.join(SUPPORTED_VOTE_TYPES)})",
            line=meta_lines.get("vote_type", meta_header.line),
        )
    rule = meta.get("rule", "")

    project_header, project_rows = sections["projects"]
    project_columns, project_records = _table(
        "projects", project_header, project_rows, ("project_id", "cost")
    )
    projects: dict[str, Project] = {}
    for line, record in project_records:
        project_id = record.pop("project_id").strip()
        if not project_id:
            raise PbFormatError("project without an id", line=line)
        if project_id in projects:
            raise PbFormatError(f"project {project_id!r} appears twice", line=line)
        cost_text = record.pop("cost")
        try:
            cost = parse_money(cost_text)
        except ValueError as error:
            raise PbFormatError(
                f"bad cost for project {project_id!r}: {error}", line=line
            ) from error
        if cost < 0:
            raise PbFormatError(f"project {project_id!r} has a negative cost", line=line)
        name = record.pop("name", "")
        projects[project_id] = Project(project_id, cost, name, record)

    vote_header, vote_rows = sections["votes"]
    required: tuple[str, ...] = ("voter_id", "vote")
    if vote_type in POINTS_VOTE_TYPES:
        required = (*required, "points")
    vote_columns, vote_records = _table("votes", vote_header, vote_rows, required)
    votes: list[Vote] = []
    seen_voters: set[str] = set()
    for line, record in vote_records:
        voter_id = record.pop("voter_id").strip()
        if not voter_id:
            raise PbFormatError("vote without a voter_id", line=line)
        if voter_id in seen_voters:
            raise PbFormatError(f"voter {voter_id!r} appears twice", line=line)
        seen_voters.add(voter_id)
        ids = [value.strip() for value in record.pop("vote").split(",") if value.strip()]
        for project_id in ids:
            if project_id not in projects:
                raise PbFormatError(
                    f"voter {voter_id!r} votes for unknown project {project_id!r}", line=line
                )
        if len(set(ids)) != len(ids):
            raise PbFormatError(f"voter {voter_id!r} names a project twice", line=line)
        if vote_type in POINTS_VOTE_TYPES:
            texts = [value for value in record.pop("points").split(",") if value.strip()]
            if len(texts) != len(ids):
                raise PbFormatError(
                    f"voter {voter_id!r} has {len(ids)} projects but {len(texts)} points",
                    line=line,
                )
            values = [_parse_int(value, "points", line) for value in texts]
            if any(value < 0 for value in values):
                raise PbFormatError(f"voter {voter_id!r} gives negative points", line=line)
            points = dict(zip(ids, values, strict=True))
        else:
            points = dict.fromkeys(ids, 1)
        votes.append(Vote(voter_id, points, record))

    return PbInstance(
        meta=meta,
        projects=projects,
        votes=votes,
        budget=budget,
        vote_type=vote_type,
        rule=rule,
        project_columns=project_columns,
        vote_columns=vote_columns,
    )


def _columns(preferred: list[str], required: list[str], extra_keys: list[str]) -> list[str]:
    columns = [name for name in preferred if name in required or name in extra_keys]
    for name in [*required, *extra_keys]:
        if name not in columns:
            columns.append(name)
    return columns


def write_pb(instance: PbInstance) -> str:
    """The ``.pb`` text of an instance; ``parse_pb(write_pb(x)) == x``.

    Columns keep the order they were read in; the budget, vote type and rule fields win over
    stale META values so that an edited instance is written as it is.
    """
    meta = dict(instance.meta)
    try:
        meta_budget = parse_money(meta["budget"]) if "budget" in meta else None
    except ValueError:
        meta_budget = None
    if meta_budget != instance.budget:
        meta["budget"] = format_money(instance.budget)
    if meta.get("vote_type", "approval").strip().lower() != instance.vote_type:
        meta["vote_type"] = instance.vote_type
    if meta.get("rule", "") != instance.rule:
        meta["rule"] = instance.rule

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])

    project_extra: list[str] = []
    for project in instance.projects.values():
        project_extra.extend(key for key in project.extra if key not in project_extra)
    has_name = any(project.name for project in instance.projects.values()) or (
        "name" in instance.project_columns
    )
    required = ["project_id", "cost", *(["name"] if has_name else [])]
    columns = _columns(instance.project_columns, required, project_extra)
    writer.writerow(["PROJECTS"])
    writer.writerow(columns)
    for project in instance.projects.values():
        values = {"project_id": project.project_id, "cost": format_money(project.cost)}
        values["name"] = project.name
        writer.writerow([values.get(name, project.extra.get(name, "")) for name in columns])

    uses_points = instance.vote_type in POINTS_VOTE_TYPES
    vote_extra: list[str] = []
    for vote in instance.votes:
        vote_extra.extend(key for key in vote.extra if key not in vote_extra)
    required = ["voter_id", "vote", *(["points"] if uses_points else [])]
    columns = _columns(instance.vote_columns, required, vote_extra)
    writer.writerow(["VOTES"])
    writer.writerow(columns)
    for vote in instance.votes:
        values = {
            "voter_id": vote.voter_id,
            "vote": ",".join(vote.points),
            "points": ",".join(str(value) for value in vote.points.values()),
        }
        writer.writerow([values.get(name, vote.extra.get(name, "")) for name in columns])
    return out.getvalue()
