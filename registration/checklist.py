"""Which registration routes and which evidence fit a person's answers. Pure logic:
nothing here is stored."""

from __future__ import annotations

from dataclasses import dataclass

from registration.models import Evidence, Route

ADDRESS_EVIDENCE = {Evidence.LEASE_OR_BILL, Evidence.HOSTING}
LINK_EVIDENCE = {
    Evidence.ASSOCIATION,
    Evidence.SCHOOL,
    Evidence.WORK,
    Evidence.SOCIAL_SERVICES,
    Evidence.HEALTH,
    Evidence.NEIGHBOUR,
}


@dataclass(frozen=True)
class RouteAdvice:
    route: Route
    has: list[Evidence]  # evidence the person said they have that this route accepts
    could_bring: list[Evidence]  # other evidence this route accepts


@dataclass(frozen=True)
class Advice:
    routes: list[RouteAdvice]
    needs_school_help: bool


def advise(
    *, housing: str, documents: set[str], children_at_school: bool, months_in_city: str
) -> Advice:
    """housing: own | hosted | none; months_in_city: under3 | 3to12 | over12."""
    have = {Evidence(value) for value in documents if value in Evidence.values}
    if children_at_school:
        have.add(Evidence.SCHOOL)
    routes: list[RouteAdvice] = []

    def advice(route: Route, accepted: set[Evidence]) -> RouteAdvice:
        order = list(Evidence)
        return RouteAdvice(
            route=route,
            has=[item for item in order if item in have & accepted],
            could_bring=[item for item in order if item in accepted - have],
        )

    if housing in {"own", "hosted"}:
        routes.append(advice(Route.RESIDENT_REGISTER, ADDRESS_EVIDENCE | LINK_EVIDENCE))
    if housing in {"hosted", "none"}:
        routes.append(advice(Route.DOMICILIATION, LINK_EVIDENCE))
    if not have & ADDRESS_EVIDENCE and (have & LINK_EVIDENCE or months_in_city != "under3"):
        routes.append(advice(Route.SOCIAL_LINKS, LINK_EVIDENCE))
    return Advice(routes=routes, needs_school_help=children_at_school)
