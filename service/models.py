"""Import every model so metadata (and Alembic) sees all tables."""

from service.auth.models import ApiToken, LoginAttempt, Structure, User  # noqa: F401
from service.documents.models import DocumentSeries, Draft  # noqa: F401
from service.documents.signatures import Signature  # noqa: F401
from service.households.models import Household, Person  # noqa: F401
from service.households.path import (  # noqa: F401
    Contact,
    DroitDeSuite,
    SupportPeriod,
    TeamMember,
    Tenancy,
)
from service.referrals.models import Referral, ReferralDecision  # noqa: F401
from service.registry.models import (  # noqa: F401
    AuditEvent,
    RateEvent,
    RegistryEntry,
    Revocation,
)
