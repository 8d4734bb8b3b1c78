"""Import every model so metadata (and Alembic) sees all tables."""

from service.applications.models import (  # noqa: F401
    Application,
    ApplicationPiece,
    CallForApplications,
)
from service.auth.mfa import RecoveryCode  # noqa: F401
from service.auth.models import ApiToken, LoginAttempt, Structure, User  # noqa: F401
from service.auth.reset import PasswordReset  # noqa: F401
from service.auth.throttle import Throttle  # noqa: F401
from service.documents.models import DocumentSeries, Draft  # noqa: F401
from service.documents.signatures import Signature  # noqa: F401
from service.finance.forecast import ForecastLine, GapExplanation  # noqa: F401
from service.finance.ledger import Expense  # noqa: F401
from service.households.models import Household, HouseholdCounter, Person  # noqa: F401
from service.households.path import (  # noqa: F401
    Contact,
    DroitDeSuite,
    SupportPeriod,
    TeamMember,
    Tenancy,
)
from service.jobs.heartbeat import WorkerHeartbeat  # noqa: F401
from service.jobs.models import Job  # noqa: F401
from service.notifications.models import NotificationPreference  # noqa: F401
from service.referrals.models import Referral, ReferralDecision  # noqa: F401
from service.registry.models import (  # noqa: F401
    AuditEvent,
    ErasedEntry,
    RegistryEntry,
    RegistryFile,
    Revocation,
)
from service.reporting.records import (  # noqa: F401
    CollectiveAction,
    PracticeAttendance,
    PracticeSession,
    StaffPost,
)
from service.retention.models import Erasure, RetentionFlag  # noqa: F401
from service.uploads.models import Upload  # noqa: F401
