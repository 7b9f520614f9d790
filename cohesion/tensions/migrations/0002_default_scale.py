from django.db import migrations

# Cohesion's default 0–5 scale (shared/reference/tension-and-hate-crime.md §8);
# councils replace it with official level names where a partner supplies them.
DEFAULT_SCALE = [
    (0, "Normal", "No unusual indicators", "green"),
    (1, "Low", "Isolated incidents or rumours, no pattern", "green"),
    (
        2,
        "Moderate",
        "A pattern of incidents, rumours or online activity; communities voicing concern",
        "amber",
    ),
    (
        3,
        "Significant",
        (
            "Planned events or counter-events; incidents rising; trust falling; "
            "disorder possible but localised"
        ),
        "amber",
    ),
    (
        4,
        "High",
        (
            "Credible intelligence of disorder; incidents escalating; "
            "CIA and partner response activated"
        ),
        "red",
    ),
    (5, "Critical", "Disorder occurring or imminent; spreading across areas", "red"),
]


def seed(apps, schema_editor):
    level = apps.get_model("tensions", "TensionLevel")
    for value, label, descriptor, rag in DEFAULT_SCALE:
        level.objects.update_or_create(
            value=value, defaults={"label": label, "descriptor": descriptor, "rag": rag}
        )


class Migration(migrations.Migration):
    dependencies = [("tensions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
