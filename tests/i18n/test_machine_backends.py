"""Machine-translation backends against local fakes of their HTTP APIs and the real Apertium."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.i18n.machine import (
    ApertiumBackend,
    DeepLBackend,
    LibreTranslateBackend,
    MachineTranslationError,
    MachineTranslationUnavailable,
    NoMachineTranslation,
    get_backend,
)
from tests.i18n.fake_mt_servers import FakeDeepL, FakeLibreTranslate

SEGMENTS = [
    "Bonjour le monde",
    'Voir <a href="/fr/la-maison">la <b>maison</b></a>.',
    "Le chat est noir.",
]
FAST = {"BACKOFF": 0.001, "TIMEOUT": 2, "RETRIES": 3}


@pytest.fixture
def libre() -> Iterator[FakeLibreTranslate]:
    with FakeLibreTranslate(api_key="libre-key") as server:
        yield server


@pytest.fixture
def deepl() -> Iterator[FakeDeepL]:
    with FakeDeepL(api_key="deepl-key") as server:
        yield server


def libre_backend(server: FakeLibreTranslate, **config: Any) -> LibreTranslateBackend:
    return LibreTranslateBackend({"URL": server.url, "API_KEY": "libre-key", **FAST, **config})


def deepl_backend(server: FakeDeepL, **config: Any) -> DeepLBackend:
    return DeepLBackend({"URL": server.url, "API_KEY": "deepl-key", **FAST, **config})


def assert_no_text(message: str) -> None:
    for segment in SEGMENTS:
        assert segment not in message
    assert "monde" not in message and "mundo" not in message


# LibreTranslate


def test_libretranslate_translates_a_batch_in_order_with_html_intact(libre) -> None:
    result = libre_backend(libre).translate("fr", "es", SEGMENTS)

    assert result == [
        "Hola el mundo",
        'Ver <a href="/fr/la-maison">la <b>casa</b></a>.',
        "El gato es negro.",
    ]
    [sent] = libre.translate_requests()
    assert sent.path == "/translate"
    assert sent.body == {
        "q": SEGMENTS,
        "source": "fr",
        "target": "es",
        "format": "html",
        "api_key": "libre-key",
    }


def test_libretranslate_sends_no_api_key_when_none_is_configured() -> None:
    with FakeLibreTranslate() as server:
        assert LibreTranslateBackend({"URL": server.url}).translate("fr", "en", ["Le chat"]) == [
            "The cat"
        ]
        assert "api_key" not in server.translate_requests()[0].body


def test_libretranslate_supports_the_pairs_its_languages_endpoint_lists(libre) -> None:
    backend = libre_backend(libre)

    assert backend.supports("fr", "es")
    assert backend.supports("en", "ar")
    assert not backend.supports("fr", "ti")
    assert not backend.supports("ps", "fr")
    assert [r.path for r in libre.requests] == ["/languages"]  # fetched once


def test_libretranslate_retries_transient_failures_then_succeeds(libre) -> None:
    libre.fail_next(1, 503)
    libre.fail_next(1, 429, "Slowdown: 10 per 1 minute")

    assert libre_backend(libre).translate("fr", "es", ["Le chat"]) == ["El gato"]
    assert len(libre.translate_requests()) == 3


def test_libretranslate_persistent_503_is_unavailable_after_retries(libre) -> None:
    libre.fail_next(10, 503)

    with pytest.raises(MachineTranslationUnavailable, match="after 4 attempt"):
        libre_backend(libre, RETRIES=4).translate("fr", "es", SEGMENTS)
    assert len(libre.translate_requests()) == 4


def test_libretranslate_honours_the_timeout(libre) -> None:
    libre.stall_next(5, seconds=10)
    started = time.monotonic()

    with pytest.raises(MachineTranslationUnavailable):
        libre_backend(libre, TIMEOUT=0.2, RETRIES=2).translate("fr", "es", SEGMENTS)
    assert time.monotonic() - started < 2
    assert len(libre.translate_requests()) == 2


def test_libretranslate_bad_key_fails_at_once(libre) -> None:
    with pytest.raises(MachineTranslationError) as caught:
        libre_backend(libre, API_KEY="wrong").translate("fr", "es", SEGMENTS)

    assert not isinstance(caught.value, MachineTranslationUnavailable)
    assert "403" in str(caught.value) and "Invalid API key" in str(caught.value)
    assert len(libre.translate_requests()) == 1
    assert_no_text(str(caught.value))


def test_libretranslate_wrong_item_count_is_an_error(libre) -> None:
    libre.miscount_next()

    with pytest.raises(MachineTranslationError, match="2 segment"):
        libre_backend(libre).translate("fr", "es", SEGMENTS)


def test_server_messages_quoting_the_text_are_kept_out_of_the_error(libre) -> None:
    libre.fail_next(1, 400, f"Cannot translate {SEGMENTS[0]!r}")

    with pytest.raises(MachineTranslationError) as caught:
        libre_backend(libre).translate("fr", "es", SEGMENTS)
    assert "HTTP 400" in str(caught.value)
    assert_no_text(str(caught.value))


def test_unreachable_server_is_unavailable_after_retries() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    backend = LibreTranslateBackend({"URL": f"http://127.0.0.1:{port}", **FAST})

    with pytest.raises(MachineTranslationUnavailable, match="after 3 attempt"):
        backend.translate("fr", "es", SEGMENTS)
    assert not backend.supports("fr", "es")


# DeepL


def test_deepl_translates_a_batch_in_order_with_html_intact(deepl) -> None:
    result = deepl_backend(deepl).translate("fr", "en", SEGMENTS)

    assert result == [
        "Hello the world",
        'See <a href="/fr/la-maison">the <b>house</b></a>.',
        "The cat is black.",
    ]
    [sent] = deepl.translate_requests()
    assert sent.path == "/v2/translate"
    assert sent.headers["Authorization"] == "DeepL-Auth-Key deepl-key"
    assert sent.body == {
        "text": SEGMENTS,
        "source_lang": "FR",
        "target_lang": "EN-GB",
        "tag_handling": "html",
    }


def test_deepl_supports_the_languages_it_lists(deepl) -> None:
    backend = deepl_backend(deepl)

    assert backend.supports("fr", "en")  # listed only as EN-GB / EN-US
    assert backend.supports("uk", "pt")
    assert not backend.supports("fr", "ti")
    assert not backend.supports("ps", "fr")
    assert sorted(r.path for r in deepl.requests) == [
        "/v2/languages?type=source",
        "/v2/languages?type=target",
    ]


def test_deepl_retries_429_and_5xx_then_succeeds(deepl) -> None:
    deepl.fail_next(1, 429, "Too many requests")
    deepl.fail_next(1, 502, "Bad gateway")

    assert deepl_backend(deepl).translate("fr", "es", ["Le chat"]) == ["El gato"]
    assert len(deepl.translate_requests()) == 3


def test_deepl_persistent_503_is_unavailable_after_retries(deepl) -> None:
    deepl.fail_next(10, 503)

    with pytest.raises(MachineTranslationUnavailable) as caught:
        deepl_backend(deepl).translate("fr", "es", SEGMENTS)
    assert len(deepl.translate_requests()) == 3
    assert_no_text(str(caught.value))


def test_deepl_honours_the_timeout(deepl) -> None:
    deepl.stall_next(5, seconds=10)
    started = time.monotonic()

    with pytest.raises(MachineTranslationUnavailable):
        deepl_backend(deepl, TIMEOUT=0.2, RETRIES=2).translate("fr", "es", SEGMENTS)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("status", "reason"), [(456, "quota exceeded"), (403, "authentication failed")]
)
def test_deepl_quota_and_bad_key_fail_at_once(deepl, status: int, reason: str) -> None:
    deepl.fail_next(1, status, "Forbidden")

    with pytest.raises(MachineTranslationError, match=reason) as caught:
        deepl_backend(deepl).translate("fr", "es", SEGMENTS)
    assert not isinstance(caught.value, MachineTranslationUnavailable)
    assert len(deepl.translate_requests()) == 1
    assert_no_text(str(caught.value))


def test_deepl_wrong_key_is_refused_by_the_server(deepl) -> None:
    with pytest.raises(MachineTranslationError, match="HTTP 403"):
        deepl_backend(deepl, API_KEY="wrong").translate("fr", "es", SEGMENTS)
    assert len(deepl.translate_requests()) == 1


def test_deepl_wrong_item_count_is_an_error(deepl) -> None:
    deepl.miscount_next()

    with pytest.raises(MachineTranslationError, match="2 segment") as caught:
        deepl_backend(deepl).translate("fr", "es", SEGMENTS)
    assert_no_text(str(caught.value))


# Choosing a backend


def test_without_settings_there_is_no_machine_translation(settings) -> None:
    if hasattr(settings, "MACHINE_TRANSLATION"):
        del settings.MACHINE_TRANSLATION
    backend = get_backend()

    assert isinstance(backend, NoMachineTranslation)
    assert not backend.supports("fr", "es")
    with pytest.raises(MachineTranslationError):
        backend.translate("fr", "es", ["Bonjour"])


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("none", NoMachineTranslation),
        ("apertium", ApertiumBackend),
        ("libretranslate", LibreTranslateBackend),
        ("deepl", DeepLBackend),
    ],
)
def test_get_backend_follows_the_settings(settings, name: str, cls: type) -> None:
    settings.MACHINE_TRANSLATION = {
        "BACKEND": name,
        "URL": "http://mt.example:5000/",
        "API_KEY": "key",
        "TIMEOUT": 4,
        "RETRIES": 5,
    }
    backend = get_backend()

    assert type(backend) is cls
    assert (backend.timeout, backend.retries, backend.backoff) == (4.0, 5, 0.5)


def test_get_backend_passes_the_url_on(settings, libre) -> None:
    settings.MACHINE_TRANSLATION = {
        "BACKEND": "libretranslate",
        "URL": libre.url + "/",
        "API_KEY": "libre-key",
    }

    assert get_backend().translate("fr", "es", ["Bonjour"]) == ["Hola"]


def test_unknown_backend_is_improperly_configured(settings) -> None:
    settings.MACHINE_TRANSLATION = {"BACKEND": "babelfish"}

    with pytest.raises(ImproperlyConfigured, match="babelfish"):
        get_backend()


def test_libretranslate_without_url_is_improperly_configured(settings) -> None:
    settings.MACHINE_TRANSLATION = {"BACKEND": "libretranslate"}

    with pytest.raises(ImproperlyConfigured, match="URL"):
        get_backend()


# Apertium (the real binary)

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None, reason="the apertium binary is not installed"
)


@pytest.fixture
def apertium() -> ApertiumBackend:
    return ApertiumBackend({"TIMEOUT": 30})


@needs_apertium
def test_apertium_translates_french_and_english_into_spanish(apertium) -> None:
    assert "mundo" in apertium.translate("fr", "es", ["Bonjour le monde"])[0]
    assert apertium.translate("en", "es", ["The house is big."]) == ["La casa es grande."]


@needs_apertium
def test_apertium_keeps_tags_and_attributes(apertium) -> None:
    [result] = apertium.translate(
        "fr",
        "es",
        ['Voir <a href="https://ville.fr/la-maison" title="le chat">la <b>maison</b></a>'],
    )

    # Apertium may split an inline element around the words it moves (3.8.3 gives
    # 'Ver <a …>la</a> <a …><b>casa</b></a>'): what matters is that the text is
    # translated and every tag comes back whole, attributes and all.
    assert result.startswith("Ver ") and "<b>casa</b>" in result and ">la <b>maison" not in result
    assert '<a href="https://ville.fr/la-maison" title="le chat">' in result
    assert "<b>casa</b>" in result
    assert result.count("<a ") == result.count("</a>")


@needs_apertium
def test_apertium_translates_several_segments_in_one_call(apertium) -> None:
    segments = [
        "Le chat est noir.",
        "",
        "<p>Une <div>maison</div></p>",
        "L&#x27;&eacute;t&#233; &amp; la maison",
        "La maison",
    ]

    result = apertium.translate("fr", "es", segments)

    assert len(result) == 5
    assert result[:2] == ["El gato es negro.", ""]
    assert result[2].startswith("<p>Una ") and "<div>casa</div>" in result[2]  # tags whole
    assert result[2].count("<p>") == result[2].count("</p>") == 1
    assert result[3].endswith("&amp; la casa")  # &amp; kept, &#x27; read as an apostrophe
    assert "\uffc3" not in result[3]  # Apertium garbles references such as &#233; otherwise
    assert result[4] == "La casa"


@needs_apertium
def test_apertium_supports_its_installed_modes(apertium) -> None:
    assert apertium.supports("fr", "es")
    assert apertium.supports("en", "es")  # mode eng-spa
    assert not apertium.supports("fr", "ar")
    with pytest.raises(MachineTranslationError, match="fr-ar"):
        apertium.translate("fr", "ar", ["Bonjour"])


def test_apertium_without_its_binary_supports_nothing() -> None:
    backend = ApertiumBackend({"APERTIUM_BINARY": "/nonexistent/apertium"})

    assert not backend.supports("fr", "es")
    with pytest.raises(MachineTranslationError):
        backend.translate("fr", "es", ["Bonjour"])
