"""Paper ballots need two matching entries; a mismatch blocks the count until
reconciled; rules, budgets and projects are frozen once voting opens."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from participation import actions
from participation.models import Ballot, PaperSheet, Phase, Proposal
from portal.accounts import actions as account_actions
from portal.accounts.roles import Role
from tests.factories.participation import DistrictFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers():  # type: ignore[no-untyped-def]
    return [
        account_actions.user_create(
            username=f"officer{index}", password=None, roles=[Role.PB_OFFICER], notify=False
        )
        for index in range(2)
    ]


def test_two_matching_entries_count_the_sheet(officers) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory()
    project = ProjectFactory(district=district)
    process = district.process
    sheet = actions.paper_entry_record(
        process=process,
        district=district,
        booth="Mairie",
        sheet_number=1,
        officer=officers[0],
        choices={project.pk: 1},
    )
    assert sheet.status == PaperSheet.Status.WAITING
    assert not Ballot.objects.exists()
    with pytest.raises(ValidationError):  # the same officer cannot confirm their own entry
        actions.paper_entry_record(
            process=process,
            district=district,
            booth="Mairie",
            sheet_number=1,
            officer=officers[0],
            choices={project.pk: 1},
        )
    sheet = actions.paper_entry_record(
        process=process,
        district=district,
        booth="Mairie",
        sheet_number=1,
        officer=officers[1],
        choices={project.pk: 1},
    )
    assert sheet.status == PaperSheet.Status.COUNTED
    ballot = Ballot.objects.get()
    assert ballot.channel == "paper" and ballot.receipt_hash is None


def test_mismatch_blocks_the_count_until_reconciled(officers) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory()
    first, second = ProjectFactory.create_batch(2, district=district)
    process = district.process
    actions.paper_entry_record(
        process=process,
        district=district,
        booth="B",
        sheet_number=7,
        officer=officers[0],
        choices={first.pk: 1},
    )
    sheet = actions.paper_entry_record(
        process=process,
        district=district,
        booth="B",
        sheet_number=7,
        officer=officers[1],
        choices={second.pk: 1},
    )
    assert sheet.status == PaperSheet.Status.MISMATCH
    assert not Ballot.objects.exists()
    with pytest.raises(ValidationError):
        actions.process_advance(process=process, to_phase=Phase.RESULTS, actor=officers[0])
    process.refresh_from_db()
    assert process.phase == Phase.VOTING
    actions.paper_sheet_reconcile(
        sheet=sheet, district=district, choices={first.pk: 1}, officer=officers[1]
    )
    assert Ballot.objects.get().choices.get().proposal == first
    actions.process_advance(process=process, to_phase=Phase.RESULTS, actor=officers[0])
    process.refresh_from_db()
    assert process.phase == Phase.RESULTS


def test_phases_move_forward_one_at_a_time(officers) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory(process__phase=Phase.PROPOSALS)
    process = district.process
    with pytest.raises(ValidationError):
        actions.process_advance(process=process, to_phase=Phase.VOTING, actor=officers[0])
    actions.process_advance(process=process, to_phase=Phase.REVIEW, actor=officers[0])
    with pytest.raises(ValidationError):
        actions.process_advance(process=process, to_phase=Phase.PROPOSALS, actor=officers[0])


def test_frozen_once_voting_opens(officers, admin_client) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory(process__phase=Phase.REVIEW, budget=Decimal(100_000))
    process = district.process
    proposal = ProjectFactory(district=district, status=Proposal.Status.SUBMITTED, final_cost=None)
    actions.proposal_review(
        proposal=proposal,
        is_feasible=True,
        final_cost=Decimal(40_000),
        reason="Faisable.",
        language="fr",
        actor=officers[0],
    )
    actions.process_advance(process=process, to_phase=Phase.VOTING, actor=officers[0])
    with pytest.raises(actions.ProcessFrozenError):
        actions.proposal_review(
            proposal=proposal,
            is_feasible=False,
            final_cost=None,
            reason="Finalement non.",
            language="fr",
            actor=officers[0],
        )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.FEASIBLE
    # The admin shows the budget but will not change it.
    response = admin_client.post(
        f"/fr/admin/participation/process/{process.pk}/change/",
        {"ballot_type": "cumulative", "districts-TOTAL_FORMS": "0", "districts-INITIAL_FORMS": "0"},
    )
    process.refresh_from_db()
    district.refresh_from_db()
    assert process.ballot_type == "approval"
    assert district.budget == Decimal(100_000)
    assert response.status_code in {200, 302, 403}


def test_unfeasible_needs_a_reason_and_stays_visible(officers, client) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory(process__phase=Phase.REVIEW)
    proposal = ProjectFactory(
        district=district, status=Proposal.Status.SUBMITTED, final_cost=None, title_fr="Un tramway"
    )
    with pytest.raises(ValidationError):
        actions.proposal_review(
            proposal=proposal,
            is_feasible=False,
            final_cost=None,
            reason=" ",
            language="fr",
            actor=officers[0],
        )
    actions.proposal_review(
        proposal=proposal,
        is_feasible=False,
        final_cost=None,
        reason="Trop cher pour un seul quartier.",
        language="fr",
        actor=officers[0],
    )
    page = client.get(f"/fr/participate/{district.process.slug}/").content.decode()
    assert "Un tramway" in page and "Trop cher pour un seul quartier." in page


def test_residents_support_proposals_once(client) -> None:  # type: ignore[no-untyped-def]
    district = DistrictFactory(process__phase=Phase.PROPOSALS)
    proposal = ProjectFactory(district=district, status=Proposal.Status.SUBMITTED, final_cost=None)
    url = f"/fr/participate/{district.process.slug}/proposals/{proposal.pk}/support/"
    assert client.post(url).status_code == 302  # to the login page
    assert proposal.supporters.count() == 0
    resident = account_actions.user_create(username="nadia", password=None, notify=False)
    client.force_login(resident)
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert proposal.supporters.count() == 1
    page = client.get(f"/fr/participate/{district.process.slug}/").content.decode()
    assert "Vous soutenez ce projet" in page
    district.process.phase = Phase.VOTING
    district.process.save()
    other = account_actions.user_create(username="omar", password=None, notify=False)
    client.force_login(other)
    assert client.post(url).status_code == 400
    assert proposal.supporters.count() == 1


def test_feasibility_review_in_the_admin_goes_through_the_action(admin_client) -> None:  # type: ignore[no-untyped-def]
    from portal.audit.models import AuditEntry

    district = DistrictFactory(process__phase=Phase.REVIEW)
    proposal = ProjectFactory(
        district=district,
        status=Proposal.Status.SUBMITTED,
        final_cost=None,
        title_fr="Un tramway",
        description_fr="Vers la gare.",
    )
    url = f"/fr/admin/participation/proposal/{proposal.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: ("" if form[name].value() is None else form[name].value())
        for name in form.fields
        if name != "photo"
    }
    data.update(status="unfeasible", review_reason_fr="Trop cher pour un seul quartier.")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNFEASIBLE
    assert proposal.review_reason_fr == "Trop cher pour un seul quartier."
    assert AuditEntry.objects.filter(object_pk=str(proposal.pk), detail="review").exists()
    # Without a reason the review is refused and the status stays.
    other = ProjectFactory(district=district, status=Proposal.Status.SUBMITTED, final_cost=None)
    url = f"/fr/admin/participation/proposal/{other.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: ("" if form[name].value() is None else form[name].value())
        for name in form.fields
        if name != "photo"
    }
    data.update(status="unfeasible")
    admin_client.post(url, data)
    other.refresh_from_db()
    assert other.status == Proposal.Status.SUBMITTED
