"""Batch runs into the review queue, reviewers' decisions, the learning inbox, templates, training export."""

from memory.lazy import lazy_exports

_EXPORTS = {
    "BatchRunner": "workflows.review.batch", "BatchSummary": "workflows.review.batch",
    "read_tasks": "workflows.review.batch", "ReviewQueue": "workflows.review.queue",
    "ReviewItem": "workflows.review.queue", "latest_verdicts": "workflows.review.queue",
    "learn_queued_corrections": "workflows.review.inbox", "Assessment": "workflows.review.templates",
    "ReviewSettings": "workflows.review.templates", "export_training": "workflows.review.export",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
