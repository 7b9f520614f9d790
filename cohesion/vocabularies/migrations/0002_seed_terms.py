from django.db import migrations


def seed(apps, schema_editor):
    from cohesion.vocabularies.seed import install

    install(apps.get_model("vocabularies", "Term"))


class Migration(migrations.Migration):
    dependencies = [("vocabularies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
