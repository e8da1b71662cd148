"""What the city publishes about discrimination reports, what it keeps, and where a
planted report's words must never appear (database dump, Redis, logs, task messages)."""

from __future__ import annotations

import datetime
import json
import logging

import pytest
from django.test import Client
from django.utils import timezone

from discrimination import actions, selectors
from discrimination.models import Report, ReportMessage
from tests.database_dump import pg_dump_data
from tests.discrimination.conftest import logged_in, submit
from tests.portal.test_statistics import derivable
from tests.traces import redis_contents

LAST_MONTH = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)


def _received_last_month(report: Report) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(LAST_MONTH, datetime.time(12)))
    Report.objects.filter(pk=report.pk).update(created_at=moment)


def _many(count: int, **values: object) -> None:
    for _index in range(count):
        report, _code = submit(**values)
        _received_last_month(report)


@pytest.mark.django_db
def test_a_neighbourhood_with_two_reports_is_neither_shown_nor_derivable(city) -> None:  # type: ignore[no-untyped-def]
    month = datetime.date(2026, 9, 1)
    _many(30, category="housing", ground="origin", neighbourhood="centre", incident_month=month)
    _many(25, category="work", ground="skin_colour", neighbourhood="centre", incident_month=month)
    _many(22, category="housing", ground="origin", neighbourhood="south", incident_month=month)
    _many(18, category="work", ground="papers", neighbourhood="south", incident_month=month)
    _many(2, category="housing", ground="origin", neighbourhood="east", incident_month=month)
    submit(category="housing", neighbourhood="east", account="Planted-free-text")
    # Received this month: not yet in the published figures (they change once a month).

    tables = selectors.observatory_tables()
    place = tables["neighbourhood"]
    assert place.row_totals["east"] is None
    assert place.cell("east", "housing") is None
    assert place.row_totals["centre"] == 55
    assert tables["month"].total is None or tables["month"].total == 97
    assert derivable(tables) == set()

    document = json.loads(Client().get("/fr/guide/observatory/data.json").content)
    rows = document["tables"]["neighbourhood"]["rows"]
    assert document["tables"]["neighbourhood"]["row_totals"][rows.index("east")] is None
    assert "Planted-free-text" not in json.dumps(document)
    csv = Client().get("/fr/guide/observatory/data.csv").content.decode()
    assert "east,<11" in csv and "Planted" not in csv

    page = Client().get("/ar/guide/observatory/")
    html = page.content.decode()
    assert page.status_code == 200 and 'dir="rtl"' in html
    assert page["Cache-Control"] == "public, max-age=300"
    assert "&lt;11" in html
    chart = Client().get("/fr/guide/observatory/neighbourhood.svg")
    assert chart["Content-Type"].startswith("image/svg+xml")
    assert "stroke-dasharray" in chart.content.decode()  # hidden cells drawn as outlines


@pytest.mark.django_db
def test_retention_erases_texts_twice_safely_and_keeps_the_figures(city) -> None:  # type: ignore[no-untyped-def]
    from discrimination.tasks import report_retention_task

    old, old_code = submit(
        account="Planted-old-account", contact_channel="email", contact_address="old@example.net"
    )
    recent, _code = submit(account="Planted-recent-account")
    still_open, _code = submit(account="Planted-open-account")
    for report in (old, recent, still_open):
        _received_last_month(report)
    actions.report_answer(report_id=old.pk, user=city.officer, text="Old answer", language="fr")
    for report in (old, recent):
        actions.report_transition(
            report_id=report.pk, user=city.officer, move="close", close_reason="supported"
        )
    long_ago = timezone.now() - datetime.timedelta(days=31 * 12 + 1)
    Report.objects.filter(pk=old.pk).update(closed_at=long_ago)
    counted = selectors.observatory_tables()["ground"].cells

    assert report_retention_task.run() == 1
    assert report_retention_task.run() == 0  # idempotent

    erased = Report.objects.get(pk=old.pk)
    assert erased.erased_at is not None
    assert (
        erased.account,
        erased.contact_channel,
        erased.contact_address,
        erased.contact_language,
    ) == ("", "", "", "")
    assert not ReportMessage.objects.filter(report=old).exists()
    assert (erased.category, erased.ground, erased.incident_month) == (
        "public_service",
        "origin",
        datetime.date(2026, 10, 1),
    )
    assert Report.objects.get(pk=recent.pk).account == "Planted-recent-account"
    assert Report.objects.get(pk=still_open.pk).account == "Planted-open-account"
    assert selectors.observatory_tables()["ground"].cells == counted
    # The reporter's code still says what became of the report.
    html = (
        Client()
        .post("/fr/guide/report/follow-up/", {"action": "read", "code": old_code})
        .content.decode()
    )
    assert "Old answer" not in html and "form" in html


PLANTED = {
    "account": "Planted-Zorba-Kaltenbrunner was insulted at the counter",
    "address": "zorba.kaltenbrunner@example.net",
    "added": "Planted-witness-Quillon-Maraval",
    "answer": "Planted-answer-Belmonte-Hauser",
    "note": "Planted-note-Ostrava-Wendling",
}


@pytest.mark.django_db(transaction=True)
def test_planted_report_leaves_no_trace_in_dump_redis_logs_or_task_messages(city, caplog) -> None:  # type: ignore[no-untyped-def]
    """A whole report's life through the web pages, with no worker running so that every
    task message stays in Redis to be read; then the database, Redis and logs are read."""
    from portal.celery import app as celery_app

    celery_app.control.purge()
    caplog.set_level(logging.DEBUG)
    client = Client()
    form = {
        "category": "public_service",
        "ground": "religion",
        "month": "2026-10",
        "neighbourhood": "",
        "service": str(city.counter.pk),
        "account": PLANTED["account"],
        "contact_channel": "email",
        "contact_address": PLANTED["address"],
        "contact_language": "fa",
    }
    response = client.post("/fa/guide/report/", form)
    assert response.status_code == 200
    code = response.context["code"]
    client.post(
        "/fa/guide/report/follow-up/", {"action": "add", "code": code, "text": PLANTED["added"]}
    )
    report = Report.objects.get()
    officer = logged_in(city.officer)
    url = f"/fr/office/reports/{report.pk}/"
    officer.get(url)
    officer.post(url, {"kind": "note", "text": PLANTED["note"]})
    officer.post(url, {"kind": "answer", "text": PLANTED["answer"], "language": "fa"})
    officer.post(url, {"kind": "forward", "text": "Un refus au guichet, merci de répondre."})
    client.post("/fa/guide/report/follow-up/", {"action": "read", "code": "WRONG-CODE"})

    dump = pg_dump_data()
    assert "discrimination_report" in dump and str(report.pk) in dump
    redis = redis_contents()
    # The officers' and the reporter's messages were queued as tasks (ids only).
    assert redis.count("notification_deliver_task") >= 3
    logs = "\n".join(record.getMessage() for record in caplog.records)
    for where, text in (("dump", dump), ("redis", redis), ("logs", logs)):
        for value in (*PLANTED.values(), code, code.replace("-", "")):
            assert value not in text, f"{value!r} found in {where}"
        assert "Zorba" not in text and "Kaltenbrunner" not in text
    celery_app.control.purge()
