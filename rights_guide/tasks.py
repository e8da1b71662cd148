from celery import shared_task

from rights_guide import actions, booklet


@shared_task
def guide_vocabulary_refresh_task() -> dict[str, int]:
    return actions.guide_vocabulary_refresh()


@shared_task(acks_late=True)
def booklet_build_task(language: str, topic_id: int | None = None) -> str:
    """Build the booklet PDF for the current content; does nothing if it exists."""
    return str(booklet.booklet_build(language=language, topic_id=topic_id))
