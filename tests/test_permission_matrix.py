"""Who reaches what: every URL the site defines, opened by every kind of visitor.

``EXPECTED`` pins the answer to a GET of each URL for each role, as the product means it
(PRODUCT.md): public pages for everybody; a candidate's logbook for its owner only, and 404,
the answer for a page that does not exist, for anyone else (staff included); an agency's
representatives' pages for its approved representatives only; the moderation pages for
moderators, 404 for everyone else signed in; the admin for staff. Forms that only accept a
POST answer a GET with 405 once the visitor is let through. A URL missing from the table
fails the test, so no page ships without someone deciding who may open it.

The Django admin's URLs are many and alike: ``ADMIN_EXPECTED`` has one row per kind of admin
page (a list, an add form, a change form...), and every admin URL is still requested.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from agencies.models import PlatformRates, ScoreSnapshot, Specialty, SpecialtyCode
from agencies.representing import agency_reply_post
from agencies.scores import scores_mark_stale
from reviews import moderation
from reviews.event_kinds import Kind
from reviews.models import NudgeAnswer, ReportReason, SilenceNudge
from reviews.nudges import nudge_token
from tests.agencies.representative_helpers import claim_of, make_representative
from tests.factories import (
    make_agency,
    make_engagement,
    make_event,
    make_review,
    make_score,
    make_staff,
    make_user,
)
from tests.reviews.moderation_helpers import make_moderator

ROLES = (
    "anonymous",
    "candidate",  # owns the engagement, events and reviews the URLs name
    "other_candidate",  # has an engagement of their own, with another agency
    "representative",  # approved representative of the agency the URLs name
    "other_representative",  # approved representative of another agency
    "moderator",  # staff in the "Moderators" group, with an authenticator app
    "admin",  # superuser, with an authenticator app
)


@dataclass(frozen=True)
class Redirect:
    """A 302 to ``to``: exactly, or any address starting with it when ``prefix``."""

    to: str
    prefix: bool = True

    def matches(self, status: int, location: str) -> bool:
        if status != 302:
            return False
        return location.startswith(self.to) if self.prefix else location == self.to

    def __repr__(self) -> str:
        return f"302 to {self.to}{'...' if self.prefix else ''}"


LOGIN = Redirect("/accounts/login/?next=")  # sign in, then come back
ADMIN_LOGIN = Redirect("/admin/login/?next=")  # the admin's sign-in, which is the site's own
HOME = Redirect("/", prefix=False)
TO_SIGN_IN = Redirect("/accounts/login/", prefix=False)  # sign in, from nowhere in particular
REAUTHENTICATE = Redirect("/accounts/reauthenticate/")  # confirm the password first
TO_PASSWORD_CHANGE = Redirect("/accounts/password/change/", prefix=False)
TO_SET_NEW_PASSWORD = Redirect("/accounts/password/reset/key/")  # the key, out of the address
TO_TIMELINE = Redirect("/experiences/")  # the engagement's timeline, with the form open
TO_ADMIN = Redirect("/admin/", prefix=False)
TO_ADMIN_CHANGE_FORM = Redirect("/admin/")  # the object's change form

# fmt: off
EVERYBODY_200 = (200, 200, 200, 200, 200, 200, 200)
SIGNED_IN_200 = (LOGIN, 200, 200, 200, 200, 200, 200)
SIGNED_IN_405 = (LOGIN, 405, 405, 405, 405, 405, 405)
OWNER_ONLY    = (LOGIN, 200, 404, 404, 404, 404, 404)
MODERATORS    = (LOGIN, 404, 404, 404, 404, 200, 200)
MODERATORS_POST_ONLY = (LOGIN, 404, 404, 404, 404, 405, 405)
REPRESENTATIVES = (LOGIN, 403, 403, 200, 403, 403, 403)
SIGNED_OUT_ONLY = (200, HOME, HOME, HOME, HOME, HOME, HOME)

EXPECTED = {
    #                                     anonymous, candidate, other candidate,
    #                                     representative, other representative, moderator, admin
    # Public pages and the public API.
    "home":                               EVERYBODY_200,
    "healthz":                            EVERYBODY_200,
    "how_scores_work":                    EVERYBODY_200,
    "how_we_verify":                      EVERYBODY_200,
    "robots_txt":                         EVERYBODY_200,
    "sitemap":                            EVERYBODY_200,
    "agencies:ranking":                   EVERYBODY_200,
    "agencies:detail":                    EVERYBODY_200,
    "compare":                            EVERYBODY_200,
    "api:agency-list":                    EVERYBODY_200,
    "api:agency-detail":                  EVERYBODY_200,
    "api:agency-history":                 EVERYBODY_200,
    "api:schema":                         EVERYBODY_200,
    "api:docs":                           EVERYBODY_200,
    "set_language":                       (HOME, HOME, HOME, HOME, HOME, HOME, HOME),
    # One's own agency lists: every signed-in person has one, and sees only theirs.
    "agencies:mark":                      SIGNED_IN_200,
    "my_agencies":                        SIGNED_IN_200,
    "my_agencies_export":                 SIGNED_IN_200,
    # The logbook: one's own list and forms, and the candidate's own engagement.
    "reviews:my_experiences":             SIGNED_IN_200,
    "reviews:experience_new":             SIGNED_IN_200,
    "reviews:engagement_new":             SIGNED_IN_200,
    "reviews:agency_new":                 SIGNED_IN_200,
    "reviews:timeline":                   OWNER_ONLY,
    "reviews:review":                     OWNER_ONLY,
    # A GET of an event's edit or delete address opens that form on the timeline.
    "reviews:event_edit":                 (LOGIN, TO_TIMELINE, 404, 404, 404, 404, 404),
    "reviews:event_delete":               (LOGIN, TO_TIMELINE, 404, 404, 404, 404, 404),
    "reviews:event_add":                  SIGNED_IN_405,
    "reviews:quick_replied":              SIGNED_IN_405,
    "reviews:quick_silence":              SIGNED_IN_405,
    # The nudge e-mail's one-click link: the signed token is the permission.
    "reviews:nudge_answer":               EVERYBODY_200,
    "reviews_data:import":                SIGNED_IN_200,
    "reviews_data:import_confirm":        SIGNED_IN_405,
    "reviews_data:import_template":       SIGNED_IN_200,
    "reviews_data:export_csv":            SIGNED_IN_200,
    "reviews_data:export_json":           SIGNED_IN_200,
    "accounts:delete":                    SIGNED_IN_200,
    # Reporting a published review or reply: any signed-in person.
    "reports:review":                     SIGNED_IN_200,
    "reports:reply":                      SIGNED_IN_200,
    # Claiming an agency, and one's own claims: any signed-in person.
    "representatives:index":              SIGNED_IN_200,
    "representatives:claim":              SIGNED_IN_200,
    # The agency's own pages: its approved representatives only.
    "representatives:dashboard":          REPRESENTATIVES,
    "representatives:reply":              REPRESENTATIVES,
    "representatives:dispute":            REPRESENTATIVES,
    # Moderation.
    "moderation:queue":                   MODERATORS,
    "moderation:log":                     MODERATORS,
    "moderation:review":                  MODERATORS,
    "moderation:engagement":              MODERATORS,
    "moderation:agency":                  MODERATORS,
    "moderation:agency_merge":            MODERATORS,
    "moderation:report":                  MODERATORS,
    "moderation:review_decision":         MODERATORS_POST_ONLY,
    "moderation:reply_remove":            MODERATORS_POST_ONLY,
    "moderation:engagement_action":       MODERATORS_POST_ONLY,
    "moderation:account_action":          MODERATORS_POST_ONLY,
    "moderation:agency_held":             MODERATORS_POST_ONLY,
    "moderation:agency_release":          MODERATORS_POST_ONLY,
    "moderation_claims:queue":            MODERATORS,
    "moderation_claims:decision":         MODERATORS_POST_ONLY,
    # Signing in and up (allauth): the signed-in are sent home.
    "account_login":                      SIGNED_OUT_ONLY,
    "account_signup":                     SIGNED_OUT_ONLY,
    "account_logout":                     (HOME, 200, 200, 200, 200, 200, 200),
    "account_inactive":                   EVERYBODY_200,
    "account_confirm_login_code":         (TO_SIGN_IN, HOME, HOME, HOME, HOME, HOME, HOME),
    "account_reauthenticate":             SIGNED_IN_200,
    "account_email":                      SIGNED_IN_200,
    "account_email_verification_sent":    EVERYBODY_200,
    # The e-mailed key is the permission: the page asks to confirm that address.
    "account_confirm_email":              EVERYBODY_200,
    "account_change_password":            SIGNED_IN_200,
    # Everyone here has a password already, so "set" becomes "change".
    "account_set_password":               (LOGIN, TO_PASSWORD_CHANGE, TO_PASSWORD_CHANGE,
                                           TO_PASSWORD_CHANGE, TO_PASSWORD_CHANGE,
                                           TO_PASSWORD_CHANGE, TO_PASSWORD_CHANGE),
    "account_reset_password":             EVERYBODY_200,
    "account_reset_password_done":        EVERYBODY_200,
    # A valid e-mailed key is moved into the session, out of the address.
    "account_reset_password_from_key":    (TO_SET_NEW_PASSWORD,) * 7,
    "account_reset_password_from_key_done": EVERYBODY_200,
    # Two-factor authentication (allauth mfa): moderator and admin have an authenticator app.
    "mfa_index":                          SIGNED_IN_200,
    "mfa_authenticate":                   (TO_SIGN_IN, HOME, HOME, HOME, HOME, HOME, HOME),
    "mfa_reauthenticate":                 (LOGIN, REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE,
                                           REAUTHENTICATE, 200, 200),
    "mfa_activate_totp":                  (LOGIN, REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE,
                                           REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE),
    "mfa_deactivate_totp":                (LOGIN, 404, 404, 404, 404,
                                           REAUTHENTICATE, REAUTHENTICATE),
    "mfa_view_recovery_codes":            (LOGIN, 404, 404, 404, 404, 404, 404),
    "mfa_generate_recovery_codes":        (LOGIN, REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE,
                                           REAUTHENTICATE, REAUTHENTICATE, REAUTHENTICATE),
    "mfa_download_recovery_codes":        (LOGIN, 404, 404, 404, 404, 404, 404),
}

NOT_STAFF = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN)
ADMIN_EXPECTED = {
    # Kind of admin page:     anonymous and the four signed-in roles who are not staff,
    #                         then moderator, admin. Moderators hold no model permission:
    #                         they work on the moderation pages.
    "index":                  (*NOT_STAFF, 200, 200),
    "app_list":               (*NOT_STAFF, 404, 200),
    "changelist":             (*NOT_STAFF, 403, 200),
    "add":                    (*NOT_STAFF, 403, 200),
    "add, refused":           (*NOT_STAFF, 403, 403),
    "change":                 (*NOT_STAFF, 403, 200),
    "delete":                 (*NOT_STAFF, 403, 200),
    "delete, refused":        (*NOT_STAFF, 403, 403),
    "history":                (*NOT_STAFF, 403, 200),
    "object":                 (*NOT_STAFF, TO_ADMIN_CHANGE_FORM, TO_ADMIN_CHANGE_FORM),
    "user password":          (*NOT_STAFF, 403, 200),
    "password_change":        (*NOT_STAFF, 200, 200),
    "password_change_done":   (*NOT_STAFF, 200, 200),
    "jsi18n":                 (*NOT_STAFF, 200, 200),
    # Without the field it completes, an autocomplete request is refused.
    "autocomplete":           (*NOT_STAFF, 403, 403),
    # No model of ours has a public address of its own.
    "view_on_site":           (*NOT_STAFF, 404, 404),
    "no such page":           (*NOT_STAFF, 404, 404),
    # The admin's sign-in is the site's: the signed-in who are not staff are refused.
    "login":                  (LOGIN, 403, 403, 403, 403, TO_ADMIN, TO_ADMIN),
    # Signing out of the admin takes a POST; the others are sent to its index.
    "logout":                 (TO_ADMIN, TO_ADMIN, TO_ADMIN, TO_ADMIN, TO_ADMIN, 405, 405),
}
# fmt: on

# Rows the admin only shows: written by background jobs, a migration, or the services that
# log every decision.
ADMIN_CANNOT_ADD = {
    "agencies.agencyscore",
    "agencies.platformrates",
    "agencies.scoresnapshot",
    "agencies.specialty",
    "agencies.staleagency",
    "reviews.moderationaction",
    "reviews.report",
    "reviews.silencenudge",
}
# And rows nobody hard-deletes: agencies are merged or deactivated; engagements, events,
# reviews and replies leave through the moderation services, each with its record.
ADMIN_CANNOT_DELETE = {
    "agencies.agency",
    "agencies.agencyscore",
    "agencies.platformrates",
    "agencies.scoresnapshot",
    "agencies.specialty",
    "agencies.staleagency",
    "reviews.agencyreply",
    "reviews.engagement",
    "reviews.event",
    "reviews.moderationaction",
    "reviews.report",
    "reviews.review",
}


# --- The people, and the data the URLs point at -----------------------------------------------


@dataclass(frozen=True)
class World:
    users: dict  # role -> account (None for the anonymous visitor)
    objects: dict  # what a URL argument can name -> its value


def _build_world() -> World:
    moderator = make_moderator(email="moderator@example.com")
    superuser = make_staff(email="admin@example.com", is_superuser=True)

    # A data migration creates the specialties, but a transactional test run earlier in the
    # session may have emptied the table.
    Specialty.objects.get_or_create(code=SpecialtyCode.TECHNOLOGY)
    acme = make_agency(
        name="Acme Talent", website="https://acme-talent.com", specialties=["technology"]
    )
    rival = make_agency(name="Rival Recruiting", website="https://rival-recruiting.com")
    # One row of each model the admin lists, so that every change form has something to open.
    make_score(agency=acme, score=70.0, engagements=12)
    ScoreSnapshot.objects.create(agency=acme, month=datetime.date(2026, 1, 1), score=70.0)
    PlatformRates.objects.create(updated_at=timezone.now())
    scores_mark_stale(agency_ids=[rival.pk])

    candidate = make_user(email="candidate@example.com")
    other_candidate = make_user(email="other-candidate@example.com")
    make_engagement(candidate=other_candidate, agency=rival)

    representative = make_representative(
        agency=acme, email="jobs@acme-talent.com", moderator=moderator
    )
    other_representative = make_representative(
        agency=rival, email="jobs@rival-recruiting.com", moderator=moderator
    )

    # The engagement the logbook URLs name: an event, a review waiting for moderation, a nudge.
    engagement = make_engagement(candidate=candidate, agency=acme, role_title="Data engineer")
    event = make_event(engagement=engagement, kind=Kind.APPLIED)
    pending = make_review(engagement=engagement)
    nudge = SilenceNudge.objects.create(engagement=engagement, awaiting_since=event.occurred_on)

    # A published review of the same agency, with the agency's reply and a report on it.
    shown = make_engagement(candidate=candidate, agency=acme, started_on=datetime.date(2025, 6, 2))
    published = moderation.review_approve(
        review=make_review(engagement=shown, text="Honest and quick, with real feedback."),
        actor=moderator,
    )
    reply, _new = agency_reply_post(
        review=published, author=representative, text="Thank you for taking the time."
    )
    report, _new = moderation.report_create(
        reporter=other_candidate, reason=ReportReason.OFF_TOPIC, review=published
    )

    # The e-mailed keys: confirming a new address, and resetting a forgotten password (of an
    # account nobody signs in to here, since signing in makes such a key stale).
    newcomer = make_user(email="newcomer@example.com", verified=False)
    forgetful = make_user(email="forgetful@example.com")

    return World(
        users={
            "anonymous": None,
            "candidate": candidate,
            "other_candidate": other_candidate,
            "representative": representative,
            "other_representative": other_representative,
            "moderator": moderator,
            "admin": superuser,
        },
        objects={
            "slug": acme.slug,
            "agency": acme.pk,
            "account": candidate.pk,
            "engagement": engagement.pk,
            "event": event.pk,
            "pending review": pending.pk,
            "published review": published.pk,
            "reply": reply.pk,
            "report": report.pk,
            "claim": claim_of(representative, acme).pk,
            "nudge token": nudge_token(nudge, NudgeAnswer.REPLIED),
            "confirmation key": EmailConfirmationHMAC(newcomer.emailaddress_set.get()).key,
            "reset uidb36": user_pk_to_url_str(forgetful),
            "reset key": default_token_generator.make_token(forgetful),
        },
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The people and data of every test here, built once and rolled back at the end.

    Each test runs in a savepoint inside this transaction, so what a request writes (a
    session, a sign-in time) is undone before the next one.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- Every URL pattern, and its arguments -----------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL's name with its namespaces; its route when it has no name
    route: str
    arguments: tuple[str, ...]

    @property
    def in_admin(self) -> bool:
        return self.route.startswith("admin/")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            key = route
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Pattern(key=key, route=route, arguments=tuple(entry.pattern.regex.groupindex))


def all_patterns() -> list[Pattern]:
    """Every URL pattern of the site, the included apps' (allauth, admin, API...) too."""
    return list(_walk(get_resolver().url_patterns))


# Which object a URL's ``pk`` names, by URL.
PK_OF = {
    "reviews:timeline": "engagement",
    "reviews:event_add": "engagement",
    "reviews:event_edit": "engagement",
    "reviews:event_delete": "engagement",
    "reviews:review": "engagement",
    "reviews:quick_replied": "engagement",
    "reviews:quick_silence": "engagement",
    "moderation:review": "pending review",
    "moderation:review_decision": "pending review",
    "moderation:reply_remove": "published review",
    "moderation:engagement": "engagement",
    "moderation:engagement_action": "engagement",
    "moderation:account_action": "account",
    "moderation:agency": "agency",
    "moderation:agency_held": "agency",
    "moderation:agency_release": "agency",
    "moderation:agency_merge": "agency",
    "moderation:report": "report",
    "moderation_claims:decision": "claim",
    "reports:review": "published review",
    "reports:reply": "reply",
    "representatives:reply": "published review",
    "representatives:dispute": "published review",
}
# What the other arguments name, wherever they appear.
ARGUMENT_OF = {
    "slug": "slug",
    "event_pk": "event",
    "token": "nudge token",
    "key": "confirmation key",
}
# Arguments of one URL only: the password-reset link's key is not the e-mail confirmation's.
ARGUMENTS_OF = {
    "account_reset_password_from_key": {"uidb36": "reset uidb36", "key": "reset key"},
}
ACTION_OF = {
    "moderation:engagement_action": "exclude",
    "moderation:account_action": "suspend",
    "moderation_claims:decision": "revoke",
}


def admin_model(pattern: Pattern):
    """The model an admin URL is about, from its route (admin/<app>/<model>/...); or None."""
    parts = pattern.route.split("/")
    for model in admin.site._registry:
        if parts[1:3] == [model._meta.app_label, model._meta.model_name]:
            return model
    return None


def _admin_arguments(pattern: Pattern, world: World) -> dict:
    values = {}
    for name in pattern.arguments:
        if name == "app_label":
            values[name] = "reviews"
        elif name == "url":
            values[name] = "no-such-page/"
        elif name == "content_type_id":
            values[name] = ContentType.objects.get_by_natural_key("agencies", "agency").pk
        elif name == "object_id" and pattern.key == "admin:view_on_site":
            values[name] = world.objects["agency"]
        elif name in {"object_id", "id"} and (model := admin_model(pattern)) is not None:
            instance = model._default_manager.order_by("pk").first()
            assert instance is not None, (
                f"No {model._meta.label} to open {pattern.route} with: create one in _build_world."
            )
            values[name] = instance.pk
        else:
            raise AssertionError(f"Say in _admin_arguments what <{name}> of {pattern.route} is.")
    return values


def _site_arguments(pattern: Pattern, world: World) -> dict:
    names = {**ARGUMENT_OF, **ARGUMENTS_OF.get(pattern.key, {})}
    if pattern.key in PK_OF:
        names["pk"] = PK_OF[pattern.key]
    values = {}
    for name in pattern.arguments:
        if name == "action" and pattern.key in ACTION_OF:
            values[name] = ACTION_OF[pattern.key]
            continue
        assert name in names, (
            f"{pattern.key} takes <{name}>: say in PK_OF, ARGUMENT_OF or ACTION_OF what it "
            "names among the test's data."
        )
        values[name] = world.objects[names[name]]
    return values


def url_for(pattern: Pattern, world: World) -> str:
    """The address ``pattern`` gives for the test's data."""
    if pattern.in_admin:
        values = _admin_arguments(pattern, world)
    else:
        values = _site_arguments(pattern, world)
    if pattern.key != pattern.route:
        return reverse(pattern.key, kwargs=values)
    # An unnamed pattern (the admin has a few): fill in its route by hand.
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match[1]]), pattern.route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(values[match[1]]), route)
    return "/" + route.replace("^", "").replace("$", "")


ADMIN_SITE_PAGES = {
    "admin:index": "index",
    "admin:app_list": "app_list",
    "admin:login": "login",
    "admin:logout": "logout",
    "admin:password_change": "password_change",
    "admin:password_change_done": "password_change_done",
    "admin:jsi18n": "jsi18n",
    "admin:autocomplete": "autocomplete",
    "admin:view_on_site": "view_on_site",
    "admin/(?P<url>.*)$": "no such page",
    # Django names the user admin's password form after its own user model, whichever is used.
    "admin:auth_user_password_change": "user password",
}
ADMIN_MODEL_PAGES = {
    "changelist": "changelist",
    "add": "add",
    "change": "change",
    "delete": "delete",
    "history": "history",
}


def admin_kind(pattern: Pattern) -> str | None:
    """Which row of ADMIN_EXPECTED an admin URL falls under; None when none fits."""
    if pattern.key in ADMIN_SITE_PAGES:
        return ADMIN_SITE_PAGES[pattern.key]
    model = admin_model(pattern)
    if model is None:
        return None
    if pattern.key == pattern.route and pattern.route.endswith("/<path:object_id>/"):
        return "object"
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
    kind = ADMIN_MODEL_PAGES.get(pattern.key.removeprefix(prefix))
    if kind == "add" and model._meta.label_lower in ADMIN_CANNOT_ADD:
        return "add, refused"
    if kind == "delete" and model._meta.label_lower in ADMIN_CANNOT_DELETE:
        return "delete, refused"
    return kind


def expected_row(pattern: Pattern) -> tuple | None:
    """The pattern's row: one expected answer per role, in ROLES order; None if it has none."""
    if pattern.in_admin:
        kind = admin_kind(pattern)
        return None if kind is None else ADMIN_EXPECTED[kind]
    return EXPECTED.get(pattern.key)


PATTERNS = {pattern.key: pattern for pattern in all_patterns()}


# --- The tests -------------------------------------------------------------------------------


def test_every_url_of_the_site_has_a_row_in_the_table():
    missing = [key for key, pattern in PATTERNS.items() if expected_row(pattern) is None]
    assert not missing, (
        f"These URLs have no row in tests/test_permission_matrix.py: {missing}. Add each to "
        "EXPECTED (admin URLs: make admin_kind place them in ADMIN_EXPECTED) with the answer "
        "every role should get."
    )


def test_no_two_urls_share_a_name():
    # The table is keyed by name: a second URL under the same name would go untested.
    assert len(PATTERNS) == len(all_patterns())


def test_the_table_has_no_row_for_a_url_that_is_gone():
    gone = sorted(set(EXPECTED) - set(PATTERNS))
    assert not gone, f"EXPECTED has rows for URLs the site no longer has: {gone}"


def test_the_table_has_one_answer_per_role_in_every_row():
    for key, row in {**EXPECTED, **ADMIN_EXPECTED}.items():
        assert len(row) == len(ROLES), key


def _answer(response) -> str:
    location = response.get("Location")
    return f"{response.status_code} to {location}" if location else str(response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", list(PATTERNS))
def test_who_reaches_what(client, world, key, role):
    pattern = PATTERNS[key]
    row = expected_row(pattern)
    assert row is not None, (
        f"{key} ({pattern.route}) is not in the table: add it to EXPECTED in "
        "tests/test_permission_matrix.py with the answer every role should get."
    )
    expected = row[ROLES.index(role)]
    url = url_for(pattern, world)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    response = client.get(url, follow=False)
    where = f" (admin page kind: {admin_kind(pattern)!r})" if pattern.in_admin else ""
    if isinstance(expected, Redirect):
        location = response.get("Location", "")
        assert expected.matches(response.status_code, location), (
            f"GET {url} as {role}{where}: expected {expected!r}, got {_answer(response)}"
        )
        if expected in (LOGIN, ADMIN_LOGIN):
            # After signing in, the visitor comes back to the page they asked for.
            assert parse_qs(urlsplit(location).query)["next"] == [url]
    else:
        assert response.status_code == expected, (
            f"GET {url} as {role}{where}: expected {expected}, got {_answer(response)}"
        )
