"""Dues and discipline settings in a real browser: the commune's staff adds a dues rate from the commune's page; the
cell secretary sets a member's salary on the member's dues page and the month's dues sheet suggests the amount
computed from it; the staff records a discipline decision and the member's grading evidence shows it.
Selectors use form actions, ids and field names, not catalogue wording."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.grading.models import Discipline
from apps.grading.queries import grading as grading_queries
from apps.members.models import DuesRate, MemberDuesBasis
from tests.browser import log_in

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def test_rate_basis_and_discipline(live_world, page: Page, artifacts_dir):
    world = live_world
    member = world.plain_member
    today = timezone.localdate()
    rates_url = f"/members/dues/rates/{world.commune_a.pk}/"

    # The commune's staff adds a salary rate of 1.5 % from its page.
    log_in(page, "canbo")
    page.goto(f"/orgs/{world.commune_a.pk}/")
    page.click(f"nav.tabs a[href='{rates_url}']")
    expect(page).to_have_url(re.compile(re.escape(rates_url) + "$"))
    form = page.locator("#rate-form form")
    form.locator("select[name=basis]").select_option("salary")
    form.locator("input[name=percent]").fill("1.5")
    form.locator("input[name=effective_from]").fill("01/01/2024")
    form.locator("button[type=submit]").click()
    expect(page.locator("#rates tr[id^=rate-]")).to_have_count(1)
    rate = DuesRate.objects.get(organization=world.commune_a)
    assert (rate.basis, rate.percent) == ("salary", Decimal("1.5"))
    expect(page.locator(f"#rate-{rate.pk}")).to_have_attribute("data-in-force", "1")
    page.screenshot(path=str(artifacts_dir / "dues-rates.png"), full_page=True)
    log_out(page)

    # The cell secretary sets the member's salary on the member's dues page (htmx section) ...
    log_in(page, "bithu")
    page.goto(f"/members/{member.pk}/dues/")
    section = page.locator("#dues-basis form")
    expect(section).to_be_visible()
    section.locator("select[name=basis]").select_option("salary")
    section.locator("input[name=monthly_income]").fill("10000000")
    section.locator("input[name=effective_from]").fill("01/01/2024")
    section.locator("button[type=submit]").click()
    expect(page.locator("#suggested-dues")).to_contain_text("150.000")  # grouped by thousands
    assert MemberDuesBasis.objects.get(member=member).monthly_income == 10_000_000
    page.screenshot(path=str(artifacts_dir / "dues-basis.png"), full_page=True)
    # ... and the month's dues sheet suggests 1.5 % of it.
    page.goto(f"/members/dues/cell/{world.cell_a1.pk}/?month={today:%Y-%m}")
    expect(page.locator(f"input[name=amount_{member.pk}]")).to_have_value("150000")
    log_out(page)

    # The staff records a warning on the member from the cell's page; grading evidence sees it.
    discipline_url = f"/grading/org/{world.cell_a1.pk}/discipline/"
    log_in(page, "canbo")
    page.goto(f"/orgs/{world.cell_a1.pk}/")
    page.click(f"nav.tabs a[href='{discipline_url}']")
    form = page.locator("#discipline-form form")
    form.locator("select[name=subject]").select_option(str(member.pk))
    form.locator("select[name=form]").select_option("warning")
    form.locator("input[name=on]").fill(today.strftime("%d/%m/%Y"))
    form.locator("input[name=decision_ref]").fill("05-QĐ/UBKT")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(discipline_url) + rf"\?year={today.year}$"))
    row = Discipline.objects.get(member=member)
    expect(page.locator(f"#discipline-{row.pk}")).to_have_attribute("data-form", "warning")
    page.screenshot(path=str(artifacts_dir / "discipline-recorded.png"), full_page=True)
    evidence = grading_queries.evidence_for_member(member, today.year)
    assert evidence["disciplined"] and evidence["discipline_count"] == 1
