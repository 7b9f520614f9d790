from django.db import migrations


def seed(apps, schema_editor):
    from cohesion.privacy.models import DEFAULT_RULES

    rule = apps.get_model("privacy", "RetentionRule")
    for kind, action, days, note in DEFAULT_RULES:
        rule.objects.get_or_create(
            record_kind=kind, action=action, defaults={"after_days": days, "note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
