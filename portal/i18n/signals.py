"""Signals of the translation workflow, for apps that keep something derived from their
texts (the guide's search words, say)."""

from django.dispatch import Signal

# Sent after approved paragraphs reach a model's column: sender is the model class,
# with `object_id` and `language`.
translation_published = Signal()
