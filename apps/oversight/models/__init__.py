from apps.oversight.models.briefing import Briefing
from apps.oversight.models.facts import FLOW_FIELDS, STOCK_FIELDS, CellMonth, OrgYear, StaleCellMonth
from apps.oversight.models.supervision import SupervisorAssignment, Visit
from apps.oversight.models.thresholds import OversightRule

__all__ = [
    "FLOW_FIELDS",
    "STOCK_FIELDS",
    "Briefing",
    "CellMonth",
    "OrgYear",
    "OversightRule",
    "StaleCellMonth",
    "SupervisorAssignment",
    "Visit",
]
