"""Verbs of a meeting's minutes: generate the draft from the record, edit it, adopt it, correct it.

Draft minutes use optimistic concurrency on ``Minutes.revision`` (a stale save is refused with the other person's
text, nothing is lost); after adoption every change is a new, attributed version."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.common.text import nfc
from apps.meetings.models import Meeting, Minutes, MinutesVersion, Vote
from apps.meetings.queries import minutes as queries_minutes
from apps.meetings.rules import documents
from apps.meetings.rules import minutes as minutes_text
from apps.meetings.services import docs as services_docs


class StaleMinutes(ValidationError):
    """Someone else saved the draft since this person loaded it: their text is kept here, nothing is lost.

    ``message`` says it for another verb than saving (adopting a text the person has not read)."""

    def __init__(self, minutes: Minutes, message: str | None = None):
        super().__init__(
            message
            or _(
                "Someone else saved the minutes while you were editing (now revision %(revision)s). Your text was "
                "not saved: compare it with theirs below, then save again."
            )
            % {"revision": minutes.revision},
            code="stale",
        )
        self.current_text = minutes.text
        self.current_revision = minutes.revision


def _adopted_error() -> ValidationError:
    return ValidationError(_("The minutes are adopted: a change is a correction with its reason."), code="adopted")


@transaction.atomic
def minutes_generate(*, meeting: Meeting, revision: int | None = None) -> Minutes:
    """Generate the draft minutes from the record. Regenerating replaces the draft text, so it carries the
    revision the person has seen; adopted minutes are never regenerated."""
    text = minutes_text.render_minutes(queries_minutes.minutes_data(meeting))
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        return Minutes.objects.create(meeting=meeting, text=text)
    if minutes.status == Minutes.Status.ADOPTED:
        raise _adopted_error()
    if revision is not None and revision != minutes.revision:
        raise StaleMinutes(minutes)
    minutes.text = text
    minutes.revision += 1
    minutes.save(update_fields=["text", "revision"])
    return minutes


@transaction.atomic
def minutes_save(*, meeting: Meeting, text: str, revision: int) -> Minutes:
    """Save the edited draft if nobody saved since ``revision``; otherwise refuse with their text."""
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise ValidationError(_("Generate the minutes first."))
    if minutes.status == Minutes.Status.ADOPTED:
        raise _adopted_error()
    if revision != minutes.revision:
        raise StaleMinutes(minutes)
    text = nfc(text)
    if not text:
        raise ValidationError({"text": _("The minutes cannot be empty.")})
    minutes.text = text
    minutes.revision += 1
    minutes.save(update_fields=["text", "revision"])
    return minutes


@transaction.atomic
def minutes_adopt(*, meeting: Meeting, revision: int, by) -> Minutes:
    """ "Read back and adopted": the text the meeting heard becomes version 1 and is locked, and the minutes get
    their official number (the next of the cell's term, in the order of adoption)."""
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise ValidationError(_("Generate the minutes first."))
    if minutes.status == Minutes.Status.ADOPTED:
        raise ValidationError(_("The minutes are already adopted."))
    if revision != minutes.revision:
        raise StaleMinutes(minutes, _("The minutes changed since you read them: read them again before adopting."))
    status = Meeting.objects.filter(pk=meeting.pk).values_list("status", flat=True).get()
    if status not in (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED):
        raise ValidationError(_("Minutes are adopted at the meeting, once it has started."))
    if not minutes.text.strip():
        raise ValidationError(_("The minutes cannot be empty."))
    if Vote.objects.filter(meeting=meeting, status=Vote.Status.OPEN).exists():
        # adopted minutes freeze the votes: one still open could then never be closed nor voided
        raise ValidationError(_("Close the open votes before adopting the minutes."))
    minutes.status = Minutes.Status.ADOPTED
    minutes.adopted_at = timezone.now()
    minutes.adopted_by = by
    minutes.save(update_fields=["status", "adopted_at", "adopted_by"])
    MinutesVersion.objects.create(minutes=minutes, number=1, text=minutes.text, author=by, reason="")
    services_docs.document_number_issue(meeting=meeting, doc_type=documents.DOC_MINUTES)
    return minutes


@transaction.atomic
def minutes_correct(*, meeting: Meeting, text: str, reason: str, by) -> MinutesVersion:
    """A correction of adopted minutes: a new version with its author, time and reason; nothing changes silently."""
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or minutes.status != Minutes.Status.ADOPTED:
        raise ValidationError(_("Only adopted minutes are corrected; a draft is simply edited."))
    text, reason = nfc(text), nfc(reason)
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason for the correction.")
    if not text:
        errors["text"] = _("The minutes cannot be empty.")
    elif text == nfc(minutes.text):
        errors["text"] = _("The text is unchanged.")
    if errors:
        raise ValidationError(errors)
    number = (minutes.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = MinutesVersion(minutes=minutes, number=number, text=text, author=by, reason=reason)
    version.full_clean()
    version.save()
    minutes.text = text
    minutes.revision += 1
    minutes.save(update_fields=["text", "revision"])
    return version
