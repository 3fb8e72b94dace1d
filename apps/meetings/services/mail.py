"""E-mail to people about meetings, through the outbox (apps.outbox): each message is recorded in the current
transaction and delivered by the task queue's worker after it commits, through Django's mail framework (file
backend by default, SMTP by settings). A mail server that is down never fails the action that sends: the
message is retried, then shown as failed.

Each user's NotificationPreference decides (no row = everything on). Messages carry no personal data beyond what
the recipient may already see.

The messages' recipients (the cell's members, its board, the committee's staff) and their wording (a meeting in one
line, a link to the site) are here too, for every feature that tells people about meetings."""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat, timezone

from apps.common.scoping import Role
from apps.meetings.models import Meeting, NotificationPreference
from apps.orgs.models import Organization, RoleGrant
from apps.outbox.models import OutboundMessage
from apps.outbox.services import delivery as outbox

User = get_user_model()

KINDS = ("calendar", "reminders", "preparation")
PURPOSES = {
    "calendar": OutboundMessage.Purpose.CALENDAR,
    "reminders": OutboundMessage.Purpose.REMINDER,
    "preparation": OutboundMessage.Purpose.PREPARATION,
}


def recipients(users: Iterable, kind: str) -> list:
    """Users with an e-mail address who have not switched this kind of message off."""
    if kind not in KINDS:
        raise ValueError(kind)
    users = [u for u in users if u is not None and u.email and u.is_active]
    off = set(NotificationPreference.objects.filter(user__in=users, **{kind: False}).values_list("user_id", flat=True))
    return [u for u in users if u.pk not in off]


def send(
    users: Iterable, kind: str, subject: str, body: str, *, meeting=None, organization=None, purpose: str = ""
) -> int:
    """Queue one message per recipient, delivered after the current transaction commits. Returns the count queued.

    ``meeting`` or ``organization`` says whose messages these are (who may see their delivery); ``purpose``
    overrides the one the kind implies (a meeting notice is a preparation message with its own purpose)."""
    targets = recipients(users, kind)
    outbox.message_queue(
        channel=OutboundMessage.Channel.EMAIL,
        purpose=purpose or PURPOSES[kind],
        recipients=[outbox.Recipient(address=u.email, user=u) for u in targets],
        subject=subject,
        body=body,
        meeting=meeting,
        organization=organization,
    )
    return len(targets)


# ---------------------------------------------------------------------------------------------- recipients, wording


def describe(meeting: Meeting) -> str:
    """One line for a message: "Thứ Năm 05/03/2026 19:30 · Sinh hoạt thường kỳ · place · topic"."""
    when = timezone.localtime(meeting.scheduled_at)
    parts = [f"{dateformat.format(when, 'l')} {when:%d/%m/%Y %H:%M}", str(meeting.get_kind_display())]
    parts += [p for p in (meeting.place, meeting.topic) if p]
    return " · ".join(parts)


def site_link(name: str, *args) -> str:
    """An absolute address for a message when the site's address is configured (settings.SITE_URL), else ""."""
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{site}{reverse(name, args=args)}" if site else ""


def compose(intro: str, lines: str, link: str = "", outro: str = "") -> str:
    """A message's body: the introduction, the lines, a closing word and the link, in paragraphs."""
    return "\n\n".join(part for part in (intro, lines, outro, link) if part) + "\n"


def cell_users(cell_id: int) -> list:
    """Accounts of the cell's active members (the people told about its meetings)."""
    return list(User.objects.filter(member__cell_id=cell_id, member__active=True, is_active=True).order_by("pk"))


def board_users(cell_id: int, on: date) -> list:
    """Accounts of the members holding a cell office today (invited to the board's pre-meeting)."""
    return list(
        User.objects.filter(
            Q(member__cell_roles__ends_on__isnull=True) | Q(member__cell_roles__ends_on__gte=on),
            member__cell_roles__cell_id=cell_id,
            member__cell_roles__starts_on__lte=on,
            member__active=True,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def committee_staff_users(cell: Organization, on: date) -> list:
    """Staff of the nearest committee above the cell that has staff (the office the calendar is registered with)."""
    steps = Organization.steplen
    ancestors = [cell.path[:i] for i in range(steps, len(cell.path), steps)]
    grants = (
        RoleGrant.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on),
            role=Role.COMMITTEE_STAFF,
            organization__path__in=ancestors,
            starts_on__lte=on,
            user__is_active=True,
        )
        .select_related("user", "organization")
        .order_by("-organization__depth", "user_id")
    )
    nearest: int | None = None
    users: dict[int, object] = {}
    for g in grants:
        if nearest is None:
            nearest = g.organization.depth
        if g.organization.depth == nearest:
            users[g.user_id] = g.user
    return list(users.values())
