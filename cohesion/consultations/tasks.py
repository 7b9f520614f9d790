"""Background tasks of consultations (Django tasks API)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_feedback_email(publication_id: int, response_id: int) -> int:
    """Tell one contributor about one publication of answers (at most once)."""
    from cohesion.consultations.notify import send_feedback

    return send_feedback(publication_id, response_id)
