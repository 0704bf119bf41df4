"""The tables, one module per area. Every row belongs to a tenant: a Slack workspace, a Teams
tenant, or the console. Importing this package registers every table (Alembic's env relies on
it), and `from storage.models import X` works for each of them."""

from storage.models.checkins import Answer, CheckinRun, PendingPrompt
from storage.models.digests import DigestSubscription
from storage.models.feedback import FeedbackAnswer, FeedbackInvite, FeedbackRequest
from storage.models.goals import GoalNudge, KeyResult, KeyResultChange, Objective
from storage.models.jobs import ScheduledJob
from storage.models.kudos import Kudos, KudosReceiver, KudosValue
from storage.models.notify import HeldMessage
from storage.models.oneonones import AgendaItem, OneOnOne, OneOnOneMeeting
from storage.models.org import Person, PlatformIdentity, Tenant
from storage.models.pacing import SendBudget
from storage.models.platform import ProcessedEvent, SlackInstallation, SlackOAuthState
from storage.models.pulse import Disclosure, Survey, SurveyInvite, SurveyResponse, SurveyRound
from storage.models.reviews import Review, ReviewCycle

__all__ = [
    "AgendaItem",
    "Answer",
    "CheckinRun",
    "DigestSubscription",
    "Disclosure",
    "FeedbackAnswer",
    "FeedbackInvite",
    "FeedbackRequest",
    "GoalNudge",
    "HeldMessage",
    "KeyResult",
    "KeyResultChange",
    "Kudos",
    "KudosReceiver",
    "KudosValue",
    "Objective",
    "OneOnOne",
    "OneOnOneMeeting",
    "PendingPrompt",
    "Person",
    "PlatformIdentity",
    "ProcessedEvent",
    "Review",
    "ReviewCycle",
    "ScheduledJob",
    "SendBudget",
    "SlackInstallation",
    "SlackOAuthState",
    "Survey",
    "SurveyInvite",
    "SurveyResponse",
    "SurveyRound",
    "Tenant",
]
