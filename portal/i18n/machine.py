"""Machine translation of segments. A city picks its engine with ``MACHINE_TRANSLATION``.

Source and translated texts may hold personal data: they never go into a log line or an
exception message. Logs name only the backend, the language pair, the count and a status.
"""

from __future__ import annotations

import html
import http.client
import json
import logging
import re
import subprocess
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

Config = Mapping[str, Any]


class MachineTranslationError(Exception):
    """The engine cannot translate this request (bad key, quota, unsupported pair…)."""


class MachineTranslationUnavailable(MachineTranslationError):  # noqa: N818 - a kind of error
    """The engine could not be reached or asked us to come back later."""


class MachineTranslationBackend(ABC):
    name: str

    def __init__(self, config: Config | None = None) -> None:
        config = config or {}
        self.timeout = float(config.get("TIMEOUT", 10))
        self.retries = max(1, int(config.get("RETRIES", 3)))
        self.backoff = float(config.get("BACKOFF", 0.5))

    @abstractmethod
    def supports(self, source_lang: str, target_lang: str) -> bool:
        """Whether this engine translates from `source_lang` into `target_lang`."""

    @abstractmethod
    def translate(self, source_lang: str, target_lang: str, segments: list[str]) -> list[str]:
        """The translations of `segments`, in order; HTML tags and attributes stay intact."""

    def _checked(self, result: object, segments: Sequence[str], pair: str) -> list[str]:
        if not isinstance(result, list) or not all(isinstance(text, str) for text in result):
            raise MachineTranslationError(f"{self.name} sent a malformed response for {pair}")
        if len(result) != len(segments):
            raise MachineTranslationError(
                f"{self.name} returned {len(result)} segment(s) for {len(segments)} ({pair})"
            )
        return result


class NoMachineTranslation(MachineTranslationBackend):
    """No engine: every text waits for a human translator."""

    name = "none"

    def supports(self, source_lang: str, target_lang: str) -> bool:
        return False

    def translate(self, source_lang: str, target_lang: str, segments: list[str]) -> list[str]:
        raise MachineTranslationError("machine translation is not configured")


# ISO 639-1 → ISO 639-3, for Apertium modes such as "eng-spa".
ISO_639_3 = {
    "ar": "ara", "ca": "cat", "de": "deu", "en": "eng", "es": "spa", "eu": "eus", "fa": "fas",
    "fr": "fra", "gl": "glg", "it": "ita", "nl": "nld", "oc": "oci", "pt": "por", "ro": "ron",
    "ru": "rus", "tr": "tur", "uk": "ukr",
}  # fmt: skip
_SEGMENT = re.compile(r'<div data-mt-segment="(\d+)">')
_TAG = re.compile(r"(<[^>]*>)")
_ENTITY = re.compile(r"&#?\w+;")


def _literal_entities(segment: str) -> str:
    """Write character references outside tags as characters, but keep &amp; &lt; &gt; &quot;.

    Apertium's HTML deformatter garbles references such as ``&eacute;`` and ``&#233;``.
    """

    def literal(match: re.Match[str]) -> str:
        character = html.unescape(match.group())
        return match.group() if character in {"&", "<", ">", '"'} else character

    parts = _TAG.split(segment)
    return "".join(part if i % 2 else _ENTITY.sub(literal, part) for i, part in enumerate(parts))


class ApertiumBackend(MachineTranslationBackend):
    """The local ``apertium`` binary; one process call per batch."""

    name = "apertium"

    def __init__(self, config: Config | None = None) -> None:
        super().__init__(config)
        self.binary = str((config or {}).get("APERTIUM_BINARY") or "apertium")
        self._modes: set[str] | None = None

    def modes(self) -> set[str]:
        """The installed modes (``apertium -l``); empty when the binary is missing."""
        if self._modes is None:
            try:
                listing = subprocess.run(  # noqa: S603 - argument list, no shell
                    [self.binary, "-l"], capture_output=True, text=True, timeout=self.timeout
                )
                self._modes = set(listing.stdout.split()) if listing.returncode == 0 else set()
            except (OSError, subprocess.TimeoutExpired):
                self._modes = set()
        return self._modes

    def mode(self, source_lang: str, target_lang: str) -> str | None:
        candidates = [f"{source_lang}-{target_lang}"]
        if source_lang in ISO_639_3 and target_lang in ISO_639_3:
            candidates.append(f"{ISO_639_3[source_lang]}-{ISO_639_3[target_lang]}")
        return next((mode for mode in candidates if mode in self.modes()), None)

    def supports(self, source_lang: str, target_lang: str) -> bool:
        return self.mode(source_lang, target_lang) is not None

    def translate(self, source_lang: str, target_lang: str, segments: list[str]) -> list[str]:
        pair = f"{source_lang}-{target_lang}"
        if not segments:
            return []
        mode = self.mode(source_lang, target_lang)
        if mode is None:
            raise MachineTranslationError(f"apertium has no mode for {pair}")
        document = "\n".join(
            f'<div data-mt-segment="{i}">{_literal_entities(text)}</div>'
            for i, text in enumerate(segments)
        )
        logger.info("apertium: translating %d segment(s) %s", len(segments), pair)
        try:
            run = subprocess.run(  # noqa: S603 - argument list, no shell
                [self.binary, "-f", "html", "-u", mode],
                input=document,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=self.timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise MachineTranslationUnavailable(f"apertium timed out on {pair}") from exc
        except OSError as exc:
            raise MachineTranslationError(f"apertium cannot run: {exc.strerror}") from exc
        if run.returncode != 0:
            first_line = (run.stderr.strip().splitlines() or ["no message"])[0][:200]
            raise MachineTranslationError(f"apertium failed on {pair}: {first_line}")
        pieces = _SEGMENT.split(run.stdout)
        numbers, chunks = pieces[1::2], pieces[2::2]
        if numbers != [str(i) for i in range(len(segments))]:
            raise MachineTranslationError(
                f"apertium returned {len(numbers)} segment(s) for {len(segments)} ({pair})"
            )
        result = []
        for chunk in chunks:
            body, closing, tail = chunk.rpartition("</div>")
            if not closing or tail.strip():
                raise MachineTranslationError(f"apertium broke the segment markup ({pair})")
            result.append(body)
        return result


class _HttpBackend(MachineTranslationBackend):
    """JSON over HTTP, with a timeout on every request and retries with backoff."""

    default_url = ""
    refusals: Mapping[int, str] = {}

    def __init__(self, config: Config | None = None) -> None:
        super().__init__(config)
        config = config or {}
        self.api_key = str(config.get("API_KEY") or "")
        self.url = str(config.get("URL") or self.default_url).rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                f"MACHINE_TRANSLATION['URL'] must be an http(s) URL for {self.name}"
            )
        self._languages: Any = None

    def headers(self) -> dict[str, str]:
        return {}

    def request(
        self, method: str, path: str, body: object = None, texts: Sequence[str] = ()
    ) -> Any:
        """The decoded JSON answer; `texts` are kept out of any error message."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        problem = ""
        for attempt in range(self.retries):
            request = urllib.request.Request(  # noqa: S310 - URL checked to be http(s)
                self.url + path, data=data, headers={**headers, **self.headers()}, method=method
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - idem
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                if exc.code != 429 and exc.code < 500:
                    raise MachineTranslationError(self._refusal(exc, texts)) from exc
                exc.close()
                problem = f"HTTP {exc.code}"
            except (OSError, http.client.HTTPException) as exc:
                problem = str(getattr(exc, "reason", None) or exc) or type(exc).__name__
            except ValueError as exc:
                raise MachineTranslationError(f"{self.name} sent a non-JSON answer") from exc
            logger.warning(
                "%s: %s %s attempt %d/%d failed: %s",
                *(self.name, method, path.split("?")[0], attempt + 1, self.retries, problem),
            )
            if attempt + 1 < self.retries:
                time.sleep(self.backoff * 2**attempt)
        raise MachineTranslationUnavailable(
            f"{self.name} unavailable after {self.retries} attempt(s): {problem}"
        )

    def _refusal(self, exc: urllib.error.HTTPError, texts: Sequence[str]) -> str:
        """A readable reason; the server's own message only if it quotes none of `texts`."""
        try:
            payload = json.loads(exc.read().decode("utf-8"))
            detail = str(payload.get("error") or payload.get("message") or "")[:200]
        except (ValueError, AttributeError, OSError):
            detail = ""
        if any(text.strip() and text.strip() in detail for text in texts):
            detail = ""
        reason = self.refusals.get(exc.code) or detail or exc.reason
        return f"{self.name} refused the request (HTTP {exc.code}): {reason}"

    def languages(self) -> Any:
        """The engine's language list, fetched once; None (not cached) when unreachable."""
        if self._languages is None:
            try:
                self._languages = self.fetch_languages()
            except (MachineTranslationError, LookupError, TypeError, AttributeError) as exc:
                logger.warning("%s: language list unavailable: %s", self.name, exc)
        return self._languages

    @abstractmethod
    def fetch_languages(self) -> Any: ...


class LibreTranslateBackend(_HttpBackend):
    """A LibreTranslate server (``URL``, and ``API_KEY`` if the server asks for one)."""

    name = "libretranslate"

    def fetch_languages(self) -> dict[str, set[str]]:
        listing = self.request("GET", "/languages")
        return {entry["code"]: set(entry.get("targets", ())) for entry in listing}

    def supports(self, source_lang: str, target_lang: str) -> bool:
        return target_lang in (self.languages() or {}).get(source_lang, set())

    def translate(self, source_lang: str, target_lang: str, segments: list[str]) -> list[str]:
        pair = f"{source_lang}-{target_lang}"
        if not segments:
            return []
        logger.info("libretranslate: translating %d segment(s) %s", len(segments), pair)
        body = {"q": segments, "source": source_lang, "target": target_lang, "format": "html"}
        if self.api_key:
            body["api_key"] = self.api_key
        answer = self.request("POST", "/translate", body, segments)
        result = answer.get("translatedText") if isinstance(answer, dict) else None
        return self._checked(result, segments, pair)


class DeepLBackend(_HttpBackend):
    """The DeepL API v2; a free key (ending in ``:fx``) defaults to the free endpoint."""

    name = "deepl"
    refusals = {403: "authentication failed, check API_KEY", 456: "quota exceeded"}

    def __init__(self, config: Config | None = None) -> None:
        key = str((config or {}).get("API_KEY") or "")
        self.default_url = f"https://api{'-free' if key.endswith(':fx') else ''}.deepl.com"
        super().__init__(config)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"DeepL-Auth-Key {self.api_key}"}

    @staticmethod
    def source_code(lang: str) -> str:
        return lang.split("-")[0].upper()

    @staticmethod
    def target_code(lang: str) -> str:
        code = lang.upper()
        return {"EN": "EN-GB", "PT": "PT-PT"}.get(code, code)

    def fetch_languages(self) -> tuple[set[str], set[str]]:
        sources = {
            entry["language"].upper() for entry in self.request("GET", "/v2/languages?type=source")
        }
        targets = set()
        for entry in self.request("GET", "/v2/languages?type=target"):
            targets |= {entry["language"].upper(), entry["language"].upper().split("-")[0]}
        return sources, targets

    def supports(self, source_lang: str, target_lang: str) -> bool:
        sources, targets = self.languages() or (set(), set())
        return self.source_code(source_lang) in sources and target_lang.upper() in targets

    def translate(self, source_lang: str, target_lang: str, segments: list[str]) -> list[str]:
        pair = f"{source_lang}-{target_lang}"
        if not segments:
            return []
        logger.info("deepl: translating %d segment(s) %s", len(segments), pair)
        body = {
            "text": segments,
            "source_lang": self.source_code(source_lang),
            "target_lang": self.target_code(target_lang),
            "tag_handling": "html",
        }
        answer = self.request("POST", "/v2/translate", body, segments)
        translations = answer.get("translations") if isinstance(answer, dict) else None
        if isinstance(translations, list):
            translations = [
                item.get("text") if isinstance(item, dict) else None for item in translations
            ]
        return self._checked(translations, segments, pair)


BACKENDS: dict[str, type[MachineTranslationBackend]] = {
    backend.name: backend
    for backend in (NoMachineTranslation, ApertiumBackend, LibreTranslateBackend, DeepLBackend)
}


_BACKENDS_BUILT: dict[str, MachineTranslationBackend] = {}


def get_backend() -> MachineTranslationBackend:
    """The backend named by ``MACHINE_TRANSLATION["BACKEND"]`` (default "none"), built
    once per configuration so that its list of language pairs is fetched once."""
    config = getattr(settings, "MACHINE_TRANSLATION", {}) or {}
    name = config.get("BACKEND", "none")
    if name not in BACKENDS:
        raise ImproperlyConfigured(
            f"MACHINE_TRANSLATION['BACKEND'] is {name!r}; expected one of {', '.join(BACKENDS)}"
        )
    key = repr(sorted(config.items()))
    if key not in _BACKENDS_BUILT:
        _BACKENDS_BUILT[key] = BACKENDS[name](config)
    return _BACKENDS_BUILT[key]
