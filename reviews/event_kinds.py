"""The sixteen kinds of event on an engagement's timeline and who acts in each (pure).

The scoring core imports this module without Django, so it holds plain strings only;
``reviews.models.EventKind`` gives them translated labels.
"""

from enum import StrEnum


class Actor(StrEnum):
    CANDIDATE = "candidate"
    AGENCY = "agency"
    BOTH = "both"


class Kind(StrEnum):
    APPLIED = "applied"
    CONTACTED = "contacted"
    CV_REQUESTED = "cv_requested"
    CV_SENT = "cv_sent"
    SALARY_ASKED = "salary_asked"
    SUBMITTED = "submitted"
    INTERVIEW = "interview"
    MESSAGE = "message"
    REPLY = "reply"
    FEEDBACK = "feedback"
    REJECTED = "rejected"
    OFFER = "offer"
    FOLLOW_UP = "follow_up"
    WITHDREW = "withdrew"
    ROLE_NOT_REAL = "role_not_real"
    SILENCE = "silence"


ACTOR_BY_KIND: dict[Kind, Actor] = {
    Kind.APPLIED: Actor.CANDIDATE,
    Kind.CONTACTED: Actor.AGENCY,
    Kind.CV_REQUESTED: Actor.AGENCY,
    Kind.CV_SENT: Actor.CANDIDATE,
    Kind.SALARY_ASKED: Actor.AGENCY,
    Kind.SUBMITTED: Actor.AGENCY,
    Kind.INTERVIEW: Actor.BOTH,
    Kind.MESSAGE: Actor.CANDIDATE,
    Kind.REPLY: Actor.AGENCY,
    Kind.FEEDBACK: Actor.AGENCY,
    Kind.REJECTED: Actor.AGENCY,
    Kind.OFFER: Actor.AGENCY,
    Kind.FOLLOW_UP: Actor.AGENCY,
    Kind.WITHDREW: Actor.CANDIDATE,
    Kind.ROLE_NOT_REAL: Actor.CANDIDATE,
    Kind.SILENCE: Actor.CANDIDATE,
}

# After these the candidate is waiting for the agency (PRODUCT.md, "Metrics").
AWAITING_KINDS = frozenset({Kind.APPLIED, Kind.CV_SENT, Kind.INTERVIEW, Kind.MESSAGE})
# These end an engagement with an outcome; silence ends it without one.
OUTCOME_KINDS = frozenset({Kind.REJECTED, Kind.OFFER, Kind.WITHDREW})


def actor_of(kind: str) -> Actor:
    """Who acts in an event of this kind."""
    return ACTOR_BY_KIND[Kind(kind)]
