"""Reference data that migrations install: vocabularies, the tension scale, retention rules.

Kept here (not only in the migrations) so anything that empties the database,
such as a transactional test's flush, can put it back with one call. Each
installer is idempotent and never overwrites a council's own changes to rules.
"""

from __future__ import annotations


def install_reference_data() -> None:
    from cohesion.privacy.models import DEFAULT_RULES, RetentionRule
    from cohesion.tensions.models import TensionLevel
    from cohesion.tensions.scale import DEFAULT_SCALE
    from cohesion.vocabularies.models import Term
    from cohesion.vocabularies.seed import install

    if not Term.objects.exists():
        install(Term)
    if not TensionLevel.objects.exists():
        for value, label, descriptor, rag in DEFAULT_SCALE:
            TensionLevel.objects.create(value=value, label=label, descriptor=descriptor, rag=rag)
    for kind, action, days, note in DEFAULT_RULES:
        RetentionRule.objects.get_or_create(
            record_kind=kind, action=action, defaults={"after_days": days, "note": note}
        )
