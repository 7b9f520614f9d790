"""The demo loaders for both registers: synthetic, labelled, loaded once."""

from __future__ import annotations

import pytest

from cohesion.accounts.demo import load_accounts
from cohesion.accounts.models import User
from cohesion.demo.registry import DemoContext
from cohesion.projects import access as project_access
from cohesion.projects.demo import load_projects
from cohesion.projects.models import Project
from cohesion.projects.report import aggregate
from cohesion.training import access as training_access
from cohesion.training.coverage import coverage
from cohesion.training.demo import load_training
from cohesion.training.models import Course, Department, Topic
from tests.integration.test_projects_register import seed_default_categories

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(geography):
    seed_default_categories()
    context = DemoContext()
    load_accounts(context)
    return load_training(context), load_projects(context)


def test_demo_projects_follow_the_seeds_east_midlands_mapping(loaded):
    projects = Project.objects.all()
    assert projects.count() == 25
    assert all(p.is_synthetic and p.title.endswith("(demo)") for p in projects)
    by_kind = {d.kind: d for d in aggregate(projects)}
    assert by_kind["activity_type"].sentence == (
        "25 projects: 10 debates and discussions, 2 non-accredited training, "
        "1 accredited training, 12 other."
    )
    delivery = {r.name: r.count for r in by_kind["delivery_method"].rows}
    assert delivery["web/electronic/printed material"] == 9
    beneficiaries = {r.name: r.count for r in by_kind["beneficiaries"].rows}
    assert beneficiaries["Muslim communities"] == 11 and beneficiaries["not stated"] == 8
    priorities = {r.name: r.count for r in by_kind["priority"].rows}
    assert priorities["promoting shared values"] == 12
    assert priorities["supporting civic and theological leadership"] == 11


def test_demo_training_gives_every_department_some_coverage(loaded):
    assert Department.objects.filter(is_synthetic=True).count() == 10
    assert all(d.name.endswith("(demo)") for d in Department.objects.all())
    assert Course.objects.filter(is_synthetic=True).count() == 10  # 5 topics, 2 councils
    officer = User.objects.get(username="demo-officer")
    from django.utils import timezone

    report = coverage(
        topic=Topic.PREVENT_AWARENESS,
        months=12,
        today=timezone.localdate(),
        organisations=training_access.organisations_readable(officer),
        targets=training_access.targets_visible_to(officer),
    )
    names = [o.label for o in report.organisations]
    assert "Derby City Council" in names and "Sheffield City Council" not in names
    assert all(o.target is not None for o in report.organisations)
    assert all(0 < (d.share or 0) <= 1 for o in report.organisations for d in o.departments)
    assert project_access.projects_visible_to(officer).exists()


def test_loading_twice_changes_nothing(loaded):
    assert load_training(DemoContext()) == ["already loaded"]
    assert load_projects(DemoContext()) == ["already loaded"]
