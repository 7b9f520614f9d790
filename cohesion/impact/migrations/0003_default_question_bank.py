"""Install the seed toolkit's five principles as the default question bank, version 1, published.

The wording is in `cohesion/impact/questions/east-midlands-2009.json`; the same
file is read by `bank.install_default_bank()` when tables have been emptied.
"""

from django.db import migrations
from django.utils import timezone


def install(apps, schema_editor):
    from cohesion.impact.bank import DEFAULT_BANK_FILE, parse_bank

    bank_model = apps.get_model("impact", "QuestionBank")
    principle_model = apps.get_model("impact", "Principle")
    question_model = apps.get_model("impact", "Question")
    action_model = apps.get_model("impact", "SuggestedAction")
    if bank_model.objects.filter(organisation__isnull=True, version=1).exists():
        return
    data = parse_bank(DEFAULT_BANK_FILE.read_text(encoding="utf-8"))
    bank = bank_model.objects.create(version=1, title=data.title, source=data.source)
    for p in data.principles:
        principle = principle_model.objects.create(
            bank=bank,
            number=p.number,
            title=p.title,
            summary=p.summary,
            expects_consultation=p.expects_consultation,
        )
        for order, q in enumerate(p.questions, start=1):
            question_model.objects.create(
                principle=principle, order=order, code=q.code, text=q.text, guidance=q.guidance
            )
        for order, text in enumerate(p.suggested_actions, start=1):
            action_model.objects.create(principle=principle, order=order, text=text)
    # Published last: the triggers of 0002 refuse new questions in a published bank.
    bank.published_at = timezone.now()
    bank.save(update_fields=["published_at"])


class Migration(migrations.Migration):
    dependencies = [("impact", "0002_immutable_when_signed_off")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
