"""What happened that someone may be told of: signals the domain sends after its commit.

The operations (a lower layer) send them; the tasks that e-mail (the Celery layer) receive
them once the app factory has connected them (service.notifications.tasks.init_app).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the Referral once its decision is committed.
decision_recorded = _signals.signal("decision-recorded")
