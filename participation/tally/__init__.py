"""Participatory-budget tally: pabulib files in, winners out, decided with exact arithmetic.

Pure Python on purpose (no Django models, no database): the same code counts an uploaded
``.pb`` file from the command line, in a Celery task or in a test.
"""

from participation.tally.pabulib import (
    PbFormatError,
    PbInstance,
    Project,
    Vote,
    format_money,
    parse_money,
    parse_pb,
    write_pb,
)
from participation.tally.rules import (
    MesResult,
    MesRound,
    NotFunded,
    TallyResult,
    equal_shares,
    greedy,
    tally,
    tie_key,
)

__all__ = [
    "MesResult",
    "MesRound",
    "NotFunded",
    "PbFormatError",
    "PbInstance",
    "Project",
    "TallyResult",
    "Vote",
    "equal_shares",
    "format_money",
    "greedy",
    "parse_money",
    "parse_pb",
    "tally",
    "tie_key",
    "write_pb",
]
