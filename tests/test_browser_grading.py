"""Annual grading in a real browser: committee staff start the year for a cell, the member assesses themself on a
phone, the secretary appraises, the level above decides, and the year page gives the seed-style figure
"x % of members graded HTTNV or better". A second HTXSNV beyond the quota is refused on the page."""

import importlib
import re
from datetime import date

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from apps.grading.models import AnnualRating
from apps.grading.services import grading as services
from apps.members.testing import add_member
from tests.browser import log_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def grading_rule(live_world):
    """The QĐ 366 rule ships as a data migration; an earlier transactional test may have flushed it."""
    importlib.import_module("apps.grading.migrations.0002_rule_qd366").forwards(apps, None)


def new_page(browser, live_server, **options) -> Page:
    return browser.new_context(base_url=live_server.url, locale="vi-VN", **options).new_page()


def test_self_assess_appraise_decide_and_the_year_figure(live_world, page: Page, browser, live_server, artifacts_dir):
    world = live_world
    year = date.today().year
    year_url = f"/grading/org/{world.cell_a1.pk}/{year}/"

    # Committee staff start the year for the cell: one draft per gradable member.
    log_in(page, "canbo")
    page.goto(year_url)
    page.click(f"form[action='{year_url}start/'] button[type=submit]")
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    rating = AnnualRating.objects.get(member=world.plain_member, year=year)
    rating_url = f"/grading/rating/{rating.pk}/"

    # The member assesses themself on a phone.
    member = new_page(browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in(member, "dangvien")
    member.goto(rating_url)
    member.fill("input[name=self-points]", "86")
    member.fill("textarea[name=self-note]", "Hoàn thành các nhiệm vụ được giao.")
    member.click("input[name=step][value=self] ~ button[type=submit]")
    expect(member.locator("main")).to_contain_text("86")
    member.screenshot(path=str(artifacts_dir / "grading-self-phone.png"), full_page=True)
    member.context.close()

    # The secretary appraises.
    secretary = new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    log_in(secretary, "bithu")
    secretary.goto(rating_url)
    secretary.fill("input[name=appraise-points]", "84")
    secretary.click("input[name=step][value=appraise] ~ button[type=submit]")
    expect(secretary.locator("main")).to_contain_text("84")
    secretary.context.close()
    rating.refresh_from_db()
    assert (rating.status, rating.appraisal_level) == ("appraised", "httnv")

    # The level above decides; the year page shows the share of members graded HTTNV or better.
    page.goto(rating_url)
    page.select_option("select[name=decide-level]", "httnv")
    page.click("input[name=step][value=decide] ~ button[type=submit]")
    rating.refresh_from_db()
    assert rating.status == "decided"
    page.goto(year_url)
    expect(page.locator("main")).to_contain_text(re.compile(r"100,0\s*%"))
    page.screenshot(path=str(artifacts_dir / "grading-year.png"), full_page=True)


def test_the_quota_refusal_is_shown_on_the_decision_form(live_world, page: Page):
    world = live_world
    year = date.today().year
    ratings = []
    for i in range(3):
        member = add_member(world.cell_a1, full_name=f"Đảng Viên Xuất Sắc {i}")
        rating = services.rating_create_for_member(member=member, year=year)
        AnnualRating.objects.filter(pk=rating.pk).update(status="self_assessed")
        rating.refresh_from_db()
        ratings.append(services.rating_appraise(rating=rating, user=world.staff, points=95))
    # 3 graded HTTNV or better: 20 % of 3 allows no HTXSNV at all.
    log_in(page, "canbo")
    page.goto(f"/grading/rating/{ratings[0].pk}/")
    page.select_option("select[name=decide-level]", "htxsnv")
    page.click("input[name=step][value=decide] ~ button[type=submit]")
    expect(page.locator(".has-error [role=alert]")).to_contain_text("HTXSNV")
    assert AnnualRating.objects.get(pk=ratings[0].pk).status == "appraised"
