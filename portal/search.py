"""Spelling-tolerant word matching with trigrams, on any PostgreSQL.

`trigrams()` splits a word the way pg_trgm does (padded with two spaces before and one
after); `closest_word()` finds, among the words of published content, the one most
similar to a misspelt word (Jaccard similarity of trigram sets, threshold 0.3 as
pg_trgm's default), using the GIN index on SearchTerm.trigrams.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db import connection, transaction

from portal.models import SearchTerm

WORD = re.compile(r"\w+", re.UNICODE)
SIMILARITY_THRESHOLD = 0.3


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def words(text: str, *, minimum_length: int = 3) -> list[str]:
    return [
        word
        for word in WORD.findall(normalise(text))
        if len(word) >= minimum_length and not word.isdigit()
    ]


def fold(word: str) -> str:
    """Without accents or vowel marks: "hôpital" and "hopital" share all trigrams."""
    decomposed = unicodedata.normalize("NFKD", normalise(word))
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def trigrams(word: str) -> list[str]:
    padded = f"  {fold(word)} "
    return sorted({padded[index : index + 3] for index in range(len(padded) - 2)})


def similarity(first: str, second: str) -> float:
    a, b = set(trigrams(first)), set(trigrams(second))
    return len(a & b) / len(a | b) if a | b else 0.0


@transaction.atomic
def vocabulary_replace(*, scope: str, language: str, texts: Iterable[str]) -> int:
    """Make the vocabulary of (`scope`, `language`) exactly the words of `texts`."""
    vocabulary = {word for text in texts for word in words(text) if len(word) <= 100}
    SearchTerm.objects.filter(scope=scope, language=language).exclude(word__in=vocabulary).delete()
    existing = set(
        SearchTerm.objects.filter(scope=scope, language=language).values_list("word", flat=True)
    )
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(scope=scope, language=language, word=word, trigrams=trigrams(word))
            for word in sorted(vocabulary - existing)
        ],
        ignore_conflicts=True,
    )
    return len(vocabulary)


def closest_word(*, scope: str, language: str, word: str) -> str | None:
    """The known word most similar to `word`, or None if none is similar enough."""
    wanted = trigrams(word)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT word,
                   cardinality(ARRAY(SELECT unnest(trigrams) INTERSECT SELECT unnest(%s)))::float
                   / cardinality(ARRAY(SELECT unnest(trigrams) UNION SELECT unnest(%s)))
                   AS score
            FROM portal_searchterm
            WHERE scope = %s AND language = %s AND trigrams && %s::varchar(3)[]
            ORDER BY score DESC, word
            LIMIT 1
            """,
            [wanted, wanted, scope, language, wanted],
        )
        row = cursor.fetchone()
    if row is None or row[1] < SIMILARITY_THRESHOLD:
        return None
    return str(row[0])


def known_words(*, scope: str, language: str, candidates: list[str]) -> set[str]:
    return set(
        SearchTerm.objects.filter(scope=scope, language=language, word__in=candidates).values_list(
            "word", flat=True
        )
    )


def correct_query(*, scope: str, language: str, query: str) -> str | None:
    """`query` with each unknown word replaced by its closest known word, or None if
    nothing needed (or could be) corrected."""
    query_words = words(query)
    if not query_words:
        return None
    known = known_words(scope=scope, language=language, candidates=query_words)
    corrected = []
    changed = False
    for word in query_words:
        if word in known:
            corrected.append(word)
            continue
        replacement = closest_word(scope=scope, language=language, word=word)
        if replacement and replacement != word:
            corrected.append(replacement)
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None
