"""Deterministic demo data: a realistic district (or a province of ~40 districts) with a year of history, its
meetings scored (apps/demo/quality.py) and the annual grading under way (apps/demo/grading.py).

Everything is generated from one ``random.Random(seed)`` and an ``as_of`` date, and written with bulk inserts
(tree paths computed in apps/demo/tree.py, in treebeard's materialized-path format), so the province profile takes
minutes. In order: the tree (apps/demo/tree.py), its people (apps/demo/people.py), the weak cells' story
(apps/demo/oversight.py), a year of meetings (apps/demo/meetings.py), the resolutions' follow-up
(apps/demo/resolutions.py), the dues (apps/demo/members.py), the demo accounts (apps/demo/accounts.py), the meetings'
scores (apps/demo/quality.py), the ratings (apps/demo/grading.py), and the committees' oversight: thresholds,
supervisors and their visits, briefings (apps/demo/supervision.py), then the fact tables of the dashboards. Each step
draws from the one generator in this order: the same seed gives the same data.
"""

from __future__ import annotations

import gc
import random
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from apps.demo.accounts import DEMO_PASSWORD as DEMO_PASSWORD  # the command and the tests log in with it
from apps.demo.accounts import accounts_create
from apps.demo.grading import build_ratings
from apps.demo.imports import build_imports
from apps.demo.meetings import build_history
from apps.demo.members import build_dues
from apps.demo.oversight import build_oversight, plan_story, probation_overdue, weaken_record
from apps.demo.people import attachments_create, people_create
from apps.demo.quality import attach_agency_sheet, build_scores, diligence_of
from apps.demo.resolutions import build_followup
from apps.demo.tree import demo_place, tree_create
from apps.meetings.models import DocumentNumber, Meeting, Minutes
from apps.meetings.services.docs import document_numbers_backfill
from apps.resolutions.models import Resolution


@dataclass
class Counter:
    orgs: int = 0
    members: int = 0
    memberships: int = 0
    exemptions: int = 0
    cell_roles: int = 0
    users: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    history: object = None
    followup: dict = field(default_factory=dict)
    scores: object = None  # apps.demo.quality.ScoreCounts
    ratings: object = None  # apps.demo.grading.RatingCounts
    dues: object = None  # apps.demo.members.DuesCounts
    oversight: object = None  # apps.demo.oversight.OversightCounts
    story: object = None  # apps.demo.oversight.Story: the weak cells of the demo commune
    imports: object = None  # apps.demo.imports.ImportCounts


def build(*, profile: str = "district", seed: int = 1, as_of: date, with_accounts: bool = True) -> Counter:
    # The generation allocates millions of objects that mostly live until their bulk insert: with the default
    # gen-0 threshold (700) the cycle collector runs tens of thousands of times for nothing (~15% of the time).
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        return _build(profile=profile, seed=seed, as_of=as_of, with_accounts=with_accounts)
    finally:
        gc.set_threshold(*thresholds)


@transaction.atomic
def _build(*, profile: str, seed: int, as_of: date, with_accounts: bool) -> Counter:
    rng = random.Random(seed)
    counter = Counter()
    root, cells, nodes = tree_create(rng, profile=profile)
    counter.orgs = len(nodes)
    people = people_create(rng, cells, seed=seed, as_of=as_of)
    by_cell, cell_roles = people.by_cell, people.cell_roles
    counter.members = len(people.members)
    counter.memberships, counter.exemptions = len(people.memberships), len(people.exemptions)
    counter.cell_roles = len(cell_roles)

    secretaries = {r.cell_id: r.member for r in cell_roles if r.office == "secretary" and r.ends_on is None}
    exempt_ids = {e.member_id for e in people.exemptions if e.ends_on is None}
    diligence = {c.pk: diligence_of(rng) for c in cells}  # one character per cell for meetings, tasks and scores
    district, commune, home_cell = demo_place(root, cells, by_cell)
    commune_cells = [c for c in cells if c.path.startswith(commune.path)]
    supervised = commune_cells[:3]  # the demo supervisor's cells (apps/demo/accounts.py)
    story = plan_story(
        commune_cells=commune_cells,
        home_cell=home_cell,
        supervised=supervised,
        by_cell=by_cell,
        exempt_ids=exempt_ids,
        secretaries=secretaries,
        diligence=diligence,
        as_of=as_of,
    )
    probation_overdue(story, by_cell, exempt_ids, as_of)
    counter.story = story
    counter.history = build_history(
        rng=rng,
        cells=cells,
        by_cell=by_cell,
        exempt_ids=exempt_ids,
        secretaries=secretaries,
        as_of=as_of,
        diligence=diligence,
        today_cell=home_cell if with_accounts else None,
        story=story,
    )
    counter.followup = build_followup(rng=rng, as_of=as_of, diligence=diligence)
    weaken_record(story, as_of)  # before the scores, which read the tasks reported at each meeting
    # Minutes and resolutions were adopted in bulk: number them in the order of their adoption, as adoption does.
    document_numbers_backfill(DocumentNumber=DocumentNumber, Meeting=Meeting, Minutes=Minutes, Resolution=Resolution)
    counter.dues = build_dues(
        rng=rng,
        as_of=as_of,
        root=root,
        cells=cells,
        by_cell=by_cell,
        exempt_ids=exempt_ids,
        diligence=diligence,
    )
    users = {}
    if with_accounts:
        accounts = accounts_create(root, district, commune, home_cell, cells, by_cell, cell_roles)
        users, counter.logins, counter.users = accounts.users, accounts.logins, accounts.created
    attachments_create(rng, as_of, commune_cells, home_cell, by_cell, exempt_ids)
    attach_agency_sheet(nodes)
    counter.scores = build_scores(
        rng=rng,
        as_of=as_of,
        cells=cells,
        supervisors={c.pk: users["giamsat"] for c in supervised} if users else {},
        secretaries={home_cell.pk: users["bithu"]} if users else {},
        diligence=diligence,
        story=story,
    )
    counter.ratings = build_ratings(
        rng=rng, as_of=as_of, district=district, home_commune=commune, home_cell=home_cell, users=users
    )
    counter.imports = build_imports(
        seed=seed,
        as_of=as_of,
        commune=commune,
        home_cell=home_cell,
        commune_cells=commune_cells,
        users=users,
        story=story,
    )
    counter.oversight = build_oversight(
        rng=rng,
        as_of=as_of,
        district=district,
        commune=commune,
        commune_cells=commune_cells,
        supervised=supervised,
        users=users,
        story=story,
    )
    return counter
