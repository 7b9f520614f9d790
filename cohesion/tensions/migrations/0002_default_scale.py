from django.db import migrations


def seed(apps, schema_editor):
    from cohesion.tensions.scale import DEFAULT_SCALE

    level = apps.get_model("tensions", "TensionLevel")
    for value, label, descriptor, rag in DEFAULT_SCALE:
        level.objects.update_or_create(
            value=value, defaults={"label": label, "descriptor": descriptor, "rag": rag}
        )


class Migration(migrations.Migration):
    dependencies = [("tensions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
