"""Staff pages in a real browser, signed in as a cohesion officer, with zero axe
violations: the directory's manage list, a service's review and edit pages; the
library's manage list and its item, event and award forms; the training register's
forms (course, session, department, target, import, recording and removing
attendance) and the projects register's filters and form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cohesion.directory import actions as directory_actions
from tests.integration.test_directory_fixtures import (  # noqa: F401  (fixtures)
    cara,
    community,
    directory,
    terms,
)
from tests.integration.test_projects_register import (  # noqa: F401  (fixture)
    projects,
    seed_default_categories,
)
from tests.integration.test_training_register import build_register

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def categories(site):
    """The live server's tests are transactional: put back the data migration's vocabularies."""
    seed_default_categories()


def test_directory_and_library_staff_pages(
    site,
    page,
    check_axe,
    sign_in,
    olu,
    cara,  # noqa: F811
    directory,  # noqa: F811
):
    # A community group's change waits for the officer's review.
    club = directory["services"]["Community youth club"]
    payload = directory_actions.service_payload(club)
    payload["service"]["description"] = "Now with a girls' football night"
    directory_actions.update_service(by=cara, service=club, data=payload)

    sign_in(page, "olu")
    page.goto(f"{site}/directory/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory entries")
    check_axe(page)
    page.get_by_role("link", name="Community youth club").click()
    expect(page.get_by_role("button", name="Approve and publish")).to_be_visible()
    check_axe(page)  # the review page, with the proposed changes
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.locator("form")).not_to_have_count(0)
    check_axe(page)

    page.goto(f"{site}/library/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage the library")
    check_axe(page)
    page.get_by_role("link", name="Write a new item").click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the title")
    check_axe(page)  # the item form with its errors

    page.goto(f"{site}/library/manage/")
    page.get_by_role("link", name="Add an event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New event")
    check_axe(page)

    page.goto(f"{site}/library/manage/")
    page.get_by_role("link", name="Add an award").click()
    page.get_by_label("Title of the award").fill("Bridge builder award")
    page.get_by_label("Year").fill("twenty")
    page.get_by_role("button", name="Save award").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the year as four digits")
    expect(page.get_by_label("Title of the award")).to_have_value("Bridge builder award")
    check_axe(page)  # the award form with its errors
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Organisation that received it (optional)").select_option(
        label="Normanton Community Group"
    )
    page.get_by_role("button", name="Save award").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage the library")
    page.get_by_role("button", name="Publish Bridge builder award").click()
    expect(page.get_by_role("button", name="Unpublish Bridge builder award")).to_be_visible()
    check_axe(page)  # the manage list with its awards table
    page.get_by_role("link", name="Bridge builder award").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit award")
    check_axe(page)


def test_training_and_projects_staff_pages(
    site,
    page,
    check_axe,
    sign_in,
    olu,
    derby_council,
    derbyshire_police,
    derby,
    projects,  # noqa: F811
):
    register = build_register(derby_council, derbyshire_police, derby)
    sign_in(page, "olu")

    page.goto(f"{site}/training/courses/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a course")
    check_axe(page)
    page.goto(f"{site}/training/courses/{register.s2.course.uuid}/")
    expect(page.get_by_role("heading", name="Add a session")).to_be_visible()
    check_axe(page)  # the course page with its session form
    page.get_by_role("link", name="Attendees 10 May 2026").click()
    check_axe(page)
    page.get_by_role("button", name="Record attendance").click()
    page.get_by_label("Department").select_option(
        label="Neighbourhood policing (Derbyshire Constabulary)"
    )
    page.get_by_label("Staff reference").fill("P1")  # already there
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "This person is already recorded at this session"
    )
    expect(page.get_by_label("Staff reference")).to_have_value("P1")
    check_axe(page)  # the attendance form with its error
    page.get_by_label("Staff reference").fill("P77")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("cell", name="P77", exact=True)).to_be_visible()
    page.get_by_role("link", name="Remove P77").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove P77 from this session?")
    check_axe(page)
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("cell", name="P77", exact=True)).to_have_count(0)

    page.goto(f"{site}/training/departments/new/")
    check_axe(page)
    page.goto(f"{site}/training/targets/")
    check_axe(page)
    page.goto(f"{site}/training/import/")
    check_axe(page)

    page.goto(f"{site}/projects/")
    page.get_by_label("Activity type").select_option(label="Debates and discussions")
    page.get_by_label("Funder").select_option(label="Any")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("[data-summary]")).to_have_text("3 projects: 3 debates and discussions.")
    expect(page.get_by_role("link", name="Course D")).to_have_count(0)
    check_axe(page)  # the list with its filters applied
    page.goto(f"{site}/projects/new/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_axe(page)
