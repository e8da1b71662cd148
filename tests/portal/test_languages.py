"""Every enabled language is served under its prefix, named in its own script, and
right-to-left where it should be; a missing text falls back and the page says so."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from tests.factories.portal import HomeNoticeFactory

pytestmark = pytest.mark.django_db

ENDONYMS = {
    "fr": "Français",
    "en": "English",
    "es": "Español",
    "ar": "العربيّة",
    "fa": "فارسی",
    "uk": "Українська",
    "ti": "ትግርኛ",
    "ps": "پښتو",
}


def html_tag(content: str) -> str:
    match = re.search(r"<html[^>]*>", content)
    assert match, "no <html> tag"
    return match.group(0)


@pytest.mark.parametrize(
    ("code", "direction"),
    [
        ("fr", "ltr"),
        ("en", "ltr"),
        ("es", "ltr"),
        ("ar", "rtl"),
        ("fa", "rtl"),
        ("uk", "ltr"),
        ("ti", "ltr"),
        ("ps", "rtl"),
    ],
)
def test_home_page_declares_language_and_direction(
    client: Client, code: str, direction: str
) -> None:
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    tag = html_tag(response.content.decode())
    assert f'lang="{code}"' in tag
    assert f'dir="{direction}"' in tag


def test_home_page_is_translated_not_a_copy_of_english(client: Client) -> None:
    english = client.get("/en/").content.decode()
    assert "Skip to main content" in english
    for code in ("fr", "es", "ar", "fa", "uk", "ti", "ps"):
        page = client.get(f"/{code}/").content.decode()
        assert "Skip to main content" not in page, code
        assert "Your rights and services in the city" not in page, code


def test_switcher_names_each_language_in_its_own_script(client: Client) -> None:
    page = client.get("/ar/").content.decode()
    switcher = page.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    for code, endonym in ENDONYMS.items():
        assert f'href="/{code}/"' in switcher
        assert endonym in switcher, code
    assert 'href="/ar/" lang="ar" hreflang="ar" dir="rtl" aria-current="true"' in switcher


def test_switcher_keeps_the_reader_on_the_same_page(client: Client) -> None:
    page = client.get("/fr/services/").content.decode()
    assert 'href="/ps/services/"' in page
    assert 'href="/uk/services/"' in page


def test_hreflang_alternates_for_every_language_and_a_default(client: Client) -> None:
    page = client.get("/es/guide/").content.decode()
    for code in ENDONYMS:
        assert (
            f'<link rel="alternate" hreflang="{code}" href="http://testserver/{code}/guide/">'
            in page
        )
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/fr/guide/">' in page


@pytest.mark.parametrize(
    ("accept_language", "target"),
    [
        ("ar,en;q=0.5", "/ar/"),
        ("ti", "/ti/"),
        ("ps-AF", "/ps/"),
        ("uk-UA,uk;q=0.9", "/uk/"),
        ("de-DE", "/fr/"),
        ("", "/fr/"),
    ],
)
def test_root_redirects_by_accept_language(
    client: Client, accept_language: str, target: str
) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == target
    assert "Accept-Language" in response.get("Vary", "")


def test_public_pages_set_no_cookie(client: Client) -> None:
    for path in ("/", "/fr/", "/ar/", "/ti/guide/", "/ps/participate/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="ar")
        assert not response.cookies, path


def test_unknown_language_prefix_is_a_404_in_the_default_language(client: Client) -> None:
    response = client.get("/xx/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'lang="fr"' in html_tag(page)
    assert "Page introuvable" in page or "introuvable" in page


def test_unknown_page_in_a_language_is_a_404_in_that_language(client: Client) -> None:
    response = client.get("/ar/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'dir="rtl"' in html_tag(page)
    assert "Page not found" not in page


def test_text_missing_in_reader_language_falls_back_with_a_notice(client: Client) -> None:
    HomeNoticeFactory(
        title_fr="Plan grand froid",
        title_ar="خطة البرد",
        body_fr="Appelez le 115.",
        body_ar="اتصل بالرقم 115.",
    )
    arabic = client.get("/ar/").content.decode()
    assert "خطة البرد" in arabic
    assert 'class="fallback-notice"' not in arabic

    tigrinya = client.get("/ti/").content.decode()
    assert "Plan grand froid" in tigrinya
    assert '<h3 lang="fr" dir="ltr">Plan grand froid</h3>' in tigrinya
    assert 'class="fallback-notice"' in tigrinya
    notice = tigrinya.split('class="fallback-notice"', 1)[1].split("</p>", 1)[0]
    # The notice is in Tigrinya and names both languages in Tigrinya.
    assert "This text is not yet available" not in notice
    assert re.search("[\u1200-\u137f]", notice)


@override_settings(MODELTRANSLATION_FALLBACK_LANGUAGES={"default": ("fr",), "ps": ("fa", "fr")})
def test_fallback_follows_the_configured_chain(client: Client) -> None:
    HomeNoticeFactory(
        title_fr="Titre français", title_fa="عنوان فارسی", body_fr="Texte.", body_fa="متن."
    )
    pashto = client.get("/ps/").content.decode()
    assert "عنوان فارسی" in pashto
    assert "Titre français" not in pashto
    assert 'class="fallback-notice"' in pashto
    ukrainian = client.get("/uk/").content.decode()
    assert "Titre français" in ukrainian


def test_fallback_chain_setting_is_parsed_from_the_environment() -> None:
    from portal.settings.base import _fallback_chains

    chains = _fallback_chains("ti:en,fr; ps:fa,en")
    assert chains["ti"] == ("en", "fr")
    assert chains["ps"] == ("fa", "en")
    assert chains["default"] == ("fr",)
