"""The default vocabularies: the categories named in the East Midlands PVE project
mapping (seed 002_8d90a48b3c8d613a.txt, quoting CLG 2008, "Preventing Violent
Extremism pathfinder fund: mapping of project activities 2007/2008"). "other"
closes each list; a project that states no primary beneficiary leaves it blank.
Names are written as the seed writes them in its sentences (lower case but for
proper nouns); pages capitalise the first letter.
"""

from django.db import migrations

CATEGORIES = {
    "activity_type": [
        "debates and discussions",
        "non-accredited training",
        "accredited training",
        "other",
    ],
    "delivery_method": [
        "web/electronic/printed material",
        "community-based",
        "outreach/peripatetic",
        "educational establishment",
        "other",
    ],
    "beneficiaries": ["Muslim communities", "other"],
    "priority": [
        "promoting shared values",
        "supporting civic and theological leadership",
        "community resilience",
        "skills development",
        "other",
    ],
}


def seed(apps, schema_editor):
    ProjectCategory = apps.get_model("projects", "ProjectCategory")
    for kind, names in CATEGORIES.items():
        for order, name in enumerate(names, start=1):
            ProjectCategory.objects.get_or_create(kind=kind, name=name, defaults={"order": order})


def unseed(apps, schema_editor):
    ProjectCategory = apps.get_model("projects", "ProjectCategory")
    for kind, names in CATEGORIES.items():
        ProjectCategory.objects.filter(kind=kind, name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
