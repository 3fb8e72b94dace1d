"""Who may do what on a meeting, as `rules` predicates reusing the scoping grants."""

import rules

from apps.common.scoping import MANAGE, RESTRUCTURE, VIEW, allows


@rules.predicate
def manages_meeting(user, meeting) -> bool:
    return meeting is not None and allows(user, MANAGE, meeting.cell.path)


@rules.predicate
def is_cell_member(user, meeting) -> bool:
    member = getattr(user, "member", None) if user.is_authenticated else None
    return meeting is not None and member is not None and member.active and member.cell_id == meeting.cell_id


@rules.predicate
def manages_cell(user, cell) -> bool:
    return cell is not None and allows(user, MANAGE, cell.path)


@rules.predicate
def registers_calendar(user, calendar) -> bool:
    """The committee above registers a cell's calendar: its staff (and admins) hold "restructure" on the subtree;
    the cell's own secretary and board only "manage" it, so they cannot register their own calendar."""
    return calendar is not None and allows(user, RESTRUCTURE, calendar.cell.path)


@rules.predicate
def reads_drafts(user, meeting) -> bool:
    """The cell's leaders and the committee's people read a meeting's documents before they are published to
    members; a plain member reads only what was published."""
    return meeting is not None and allows(user, VIEW, meeting.cell.path)


@rules.predicate
def takes_the_minutes(user, meeting) -> bool:
    """The meeting's minute-taker, an active member of the cell (who may write its draft minutes)."""
    return meeting is not None and meeting.minute_taker_id is not None and user.member.pk == meeting.minute_taker_id


rules.add_perm("meetings.manage_meeting", manages_meeting)
rules.add_perm("meetings.manage_cell", manages_cell)
rules.add_perm("meetings.read_drafts", reads_drafts)
rules.add_perm("meetings.write_minutes", manages_meeting | (is_cell_member & takes_the_minutes))
rules.add_perm("meetings.register_calendar", registers_calendar)
rules.add_perm("meetings.attend", is_cell_member)


@rules.predicate
def sees_roll_call(user, meeting) -> bool:
    """The whole roll call (everyone's attendance) is for roles that see the cell's records, not for a plain member,
    who sees only their own attendance (Attendance.member_scope)."""
    return meeting is not None and allows(user, VIEW, meeting.cell.path)


rules.add_perm("meetings.see_roll_call", sees_roll_call)
