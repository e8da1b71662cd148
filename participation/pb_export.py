"""The pabulib `.pb` file of a district: anyone can recompute the result from it."""

from __future__ import annotations

from fractions import Fraction

from participation.models import Ballot, BallotChoice, District, Proposal, Rule


def process_district_pb(*, district: District) -> str:
    from participation.tally import pabulib

    process = district.process
    results = {result.rule: result for result in district.results.all()}
    official = results.get(process.official_rule)
    selected = set(official.selected) if official else set()
    projects = {}
    for proposal in Proposal.objects.filter(
        district=district, status=Proposal.Status.FEASIBLE
    ).order_by("pk"):
        projects[str(proposal.pk)] = pabulib.Project(
            project_id=str(proposal.pk),
            cost=Fraction(proposal.cost),
            name=proposal.title_en or proposal.title or str(proposal.pk),
            extra={"selected": "1" if proposal.pk in selected else "0"},
        )
    choices: dict[str, dict[str, int]] = {}
    for ballot_id, proposal_id, points in BallotChoice.objects.filter(
        ballot__district=district
    ).values_list("ballot_id", "proposal_id", "points"):
        choices.setdefault(str(ballot_id), {})[str(proposal_id)] = points
    # Voter ids are positions in a shuffled-by-uuid order: they reveal nothing.
    ballot_ids = sorted(
        str(pk) for pk in Ballot.objects.filter(district=district).values_list("pk", flat=True)
    )
    votes = [
        pabulib.Vote(voter_id=str(index + 1), points=choices.get(ballot_id, {}), extra={})
        for index, ballot_id in enumerate(ballot_ids)
    ]
    rule = "equalshares/add1" if process.official_rule == Rule.MES else "greedy"
    instance = pabulib.PbInstance(
        meta={
            "description": process.title_en or process.title or process.slug,
            "country": "France",
            "unit": process.slug,
            "subunit": district.slug,
            "instance": str(process.voting_opens_on.year if process.voting_opens_on else ""),
            "num_projects": str(len(projects)),
            "num_votes": str(len(votes)),
            "budget": str(district.budget),
            "vote_type": process.ballot_type,
            "rule": rule,
        },
        projects=projects,
        votes=votes,
        budget=Fraction(district.budget),
        vote_type=process.ballot_type,
        rule=rule,
    )
    return pabulib.write_pb(instance)
