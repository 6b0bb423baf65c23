"""Importing a spreadsheet: every problem reported at once, then all rows saved or none."""

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection

from agencies.models import Agency, StaleAgency
from reviews.event_kinds import Kind
from reviews.importing import experiences_import
from reviews.models import Engagement, Event, latest_date_anywhere
from tests.factories import make_agency, make_engagement, make_event, make_user

pytestmark = pytest.mark.django_db

HEADER = "agency,agency_website,country,engagement,role,date,event,note,role_details_disclosed"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "experiences.csv"


def write(tmp_path, text: str, name: str = "experiences.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def import_file(path: Path, candidate, **options):
    return experiences_import(data=path.read_bytes(), candidate=candidate, **options)


def problems_of(plan) -> list[str]:
    return [str(problem) for problem in plan.problems]


GOOD = f"""{HEADER}
Acme Talent,https://acme-talent.example,GB,acme-1,Data engineer,2025-03-03,applied,Via their site,
Acme Talent,,,acme-1,,2025-03-05,reply,,
Acme Talent,,,acme-1,,2025-03-06,salary_asked,Before any details,false
Acme Talent,,,acme-1,,2025-03-10,interview,,
Blue Fox Recruiting,bluefox.example,ES,fox-ops,Ops lead,2025-04-01,contacted,,
Blue Fox Recruiting,,,fox-ops,,2025-04-02,cv_sent,,
"""


def test_a_good_file_creates_its_agencies_engagements_and_events(tmp_path):
    candidate = make_user()
    plan = import_file(write(tmp_path, GOOD), candidate)
    assert plan.problems == []
    assert plan.saved
    acme = Agency.objects.get(name="Acme Talent")
    assert (acme.domain, acme.country.code, acme.slug) == (
        "acme-talent.example",
        "GB",
        "acme-talent",
    )
    engagement = Engagement.objects.get(candidate=candidate, reference="acme-1")
    assert engagement.agency == acme
    assert engagement.role_title == "Data engineer"
    assert engagement.started_on == datetime.date(2025, 3, 3)
    assert engagement.source == "application"
    assert [e.kind for e in engagement.events.all()] == [
        "applied",
        "reply",
        "salary_asked",
        "interview",
    ]
    salary = engagement.events.get(kind="salary_asked")
    assert salary.role_details_disclosed is False
    assert salary.note == "Before any details"
    assert salary.agency_id == acme.pk
    assert Event.objects.filter(engagement__candidate=candidate).count() == 6


def test_every_problem_is_reported_with_its_row_and_column_and_nothing_is_saved(tmp_path):
    candidate = make_user()
    future = (latest_date_anywhere() + datetime.timedelta(days=2)).isoformat()
    text = f"""{HEADER}
Acme Talent,https://acme-talent.example,GB,acme-1,Data engineer,2025-03-03,applied,,
Acme Talent,,,acme-1,,03/05/2025,reply,,
,,,acme-1,,2025-03-06,interview,,
Acme Talent,,,acme-1,,2025-03-07,phoned,,
Acme Talent,,,,,2025-03-08,reply,,
Acme Talent,,,acme-1,,{future},reply,,
Acme Talent,,,acme-1,,2025-03-09,reply,,maybe
Acme Talent,,,acme-1,,2025-03-09,reply,,true
New Agency Without Country,,,new-1,,2025-03-01,applied,,
Elsewhere,not a website,Spain,else-1,,2025-02-30,applied,,
"""
    plan = import_file(write(tmp_path, text), candidate)
    assert problems_of(plan) == [
        "row 3, column date: Write the date as YYYY-MM-DD, such as 2026-01-05.",
        "row 4, column agency: Required.",
        "row 5, column event: Unknown event: use applied, contacted, cv_requested, cv_sent, "
        "salary_asked, submitted, interview, message, reply, feedback, rejected, offer, "
        "follow_up, withdrew, role_not_real or silence (or “started”).",
        "row 6, column engagement: Required.",
        "row 7, column date: The date cannot be in the future.",
        "row 8, column role_details_disclosed: Write true, false, or leave it empty.",
        "row 9, column role_details_disclosed: Disclosure is recorded only on salary_asked "
        "rows; leave it empty here.",
        "row 10, column country: New Agency Without Country is a new agency: give its country "
        "as a two-letter code such as GB or ES.",
        "row 11, column agency_website: Enter a website address such as https://acme.example.",
        "row 11, column country: Use the two-letter country code: ES.",
        "row 11, column date: This date does not exist.",
    ]
    assert not plan.saved
    assert Engagement.objects.count() == 0
    assert Agency.objects.count() == 0
    assert Event.objects.count() == 0


def test_importing_the_same_file_twice_creates_nothing_new(tmp_path):
    candidate = make_user()
    path = write(tmp_path, GOOD)
    import_file(path, candidate)
    counts = (Agency.objects.count(), Engagement.objects.count(), Event.objects.count())
    again = import_file(path, candidate)
    assert again.problems == []
    assert not again.has_changes
    assert not again.saved
    assert again.skipped_rows == [2, 3, 4, 5, 6, 7]
    assert (Agency.objects.count(), Engagement.objects.count(), Event.objects.count()) == counts


def test_a_longer_file_extends_the_engagements_already_imported(tmp_path):
    candidate = make_user()
    import_file(write(tmp_path, GOOD), candidate)
    longer = GOOD + "Acme Talent,,,acme-1,,2025-03-20,rejected,,\n"
    plan = import_file(write(tmp_path, longer, "longer.csv"), candidate)
    assert [e.reference for e in plan.engagements_to_extend] == ["acme-1"]
    assert plan.engagements_to_create == []
    assert plan.events_to_add == 1
    assert Engagement.objects.get(reference="acme-1").events.last().kind == "rejected"


def test_identical_rows_are_two_events_and_stay_two(tmp_path):
    candidate = make_user()
    text = f"""{HEADER}
Acme Talent,acme.example,GB,acme-1,,2025-03-03,message,,
Acme Talent,acme.example,GB,acme-1,,2025-03-03,message,,
"""
    path = write(tmp_path, text)
    assert import_file(path, candidate).events_to_add == 2
    assert import_file(path, candidate).events_to_add == 0
    assert Event.objects.count() == 2


def test_an_unknown_agency_name_is_matched_to_an_existing_agency_by_its_domain(tmp_path):
    existing = make_agency(name="Acme Talent Partners", website="https://www.acme-talent.example")
    text = f"""{HEADER}
ACME talent,http://acme-talent.example/jobs,,acme-1,,2025-03-03,applied,,
"""
    plan = import_file(write(tmp_path, text), make_user())
    assert plan.problems == []
    assert plan.agencies_to_create == []
    assert Engagement.objects.get().agency == existing
    assert Agency.objects.count() == 1


def test_agencies_are_matched_by_normalised_name_and_merged_ones_resolve_to_their_target(
    tmp_path,
):
    target = make_agency(name="Selección Humana")
    duplicate = make_agency(name="Old Duplicate Name")
    duplicate.merged_into = target
    duplicate.save()
    text = f"""{HEADER}
seleccion humana S.L.,,,a,,2025-03-03,applied,,
Old duplicate name,,,b,,2025-03-03,applied,,
"""
    assert problems_of(import_file(write(tmp_path, text), make_user())) == []
    assert {e.agency for e in Engagement.objects.all()} == {target}


def test_a_new_agency_named_on_many_rows_is_created_once_with_a_free_slug(tmp_path):
    make_agency(name="Other", website="https://other.example")
    Agency.objects.create(name="x", slug="brand-new", country="GB", name_key="x")
    text = f"""{HEADER}
Brand New,brand-new.example,FR,one,,2025-03-03,applied,,
Brand New Ltd,,,two,,2025-03-04,applied,,
Brand-New,https://brand-new.example,,three,,2025-03-05,applied,,
"""
    plan = import_file(write(tmp_path, text), make_user())
    assert [a.name for a in plan.agencies_to_create] == ["Brand New"]
    created = Agency.objects.get(name="Brand New")
    assert created.slug == "brand-new-2"
    assert created.country.code == "FR"
    assert Engagement.objects.filter(agency=created).count() == 3


def test_rows_of_one_engagement_must_name_one_agency(tmp_path):
    make_agency(name="Acme", website="https://acme.example")
    make_agency(name="Zenith", website="https://zenith.example")
    text = f"""{HEADER}
Acme,acme.example,,one,,2025-03-03,applied,,
Zenith,,,one,,2025-03-04,reply,,
"""
    plan = import_file(write(tmp_path, text), make_user())
    assert problems_of(plan) == [
        "row 3, column agency: Engagement “one” is with Acme (row 2): write the same agency "
        "name or website on every row of one engagement."
    ]


def test_an_outcome_after_a_withdrawal_is_refused_as_the_logbook_refuses_it(tmp_path):
    candidate = make_user()
    engagement = make_engagement(
        candidate=candidate,
        agency=make_agency(name="Acme", website="https://acme.example"),
        reference="kept",
        started_on=datetime.date(2025, 3, 1),
    )
    make_event(engagement=engagement, kind=Kind.OFFER, occurred_on=datetime.date(2025, 3, 20))
    text = f"""{HEADER}
Acme,,,fresh,,2025-03-03,withdrew,,
Acme,,,fresh,,2025-03-05,rejected,,
Acme,,,kept,,2025-03-10,withdrew,,
Acme,,,kept,,2025-02-10,message,,
"""
    plan = import_file(write(tmp_path, text), candidate)
    assert problems_of(plan) == [
        "row 3, column event: An agency outcome cannot come after you withdrew (on 2025-03-03).",
        "row 4, column event: This withdrawal comes before an agency outcome already in the "
        "logbook (offer on 2025-03-20).",
        "row 5, column date: The date cannot be before the engagement began (2025-03-01).",
    ]


def test_a_file_naming_another_candidate_is_refused_on_the_web_but_not_for_staff(tmp_path):
    me = make_user(email="me@example.com")
    other = make_user(email="other@example.com")
    text = f"""candidate,{HEADER}
ME@example.com,Acme,acme.example,GB,one,,2025-03-03,applied,,
other@example.com,Acme,acme.example,GB,two,,2025-03-03,applied,,
,Acme,acme.example,GB,three,,2025-03-03,applied,,
"""
    path = write(tmp_path, text)
    plan = import_file(path, me)
    assert problems_of(plan) == [
        "row 3, column candidate: You can import only your own experiences: leave this column "
        "empty or remove it."
    ]
    staff_plan = import_file(path, "me@example.com", staff=True)
    assert staff_plan.saved
    assert sorted(Engagement.objects.values_list("candidate__email", "reference")) == [
        ("me@example.com", "one"),
        ("me@example.com", "three"),
        ("other@example.com", "two"),
    ]
    assert other.engagements.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n  \n", "The file is empty."),
        (
            "agency,date\n".encode("utf-16"),
            'The file is in UTF-16. Save it from your spreadsheet as "CSV UTF-8" and try again.',
        ),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            "This is a spreadsheet (such as .xlsx or .xls), not a CSV file. Save it from your "
            'spreadsheet as "CSV UTF-8" and try again.',
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00",
            'This is not a text file. Save it from your spreadsheet as "CSV UTF-8" and try again.',
        ),
        (
            f"{HEADER}\nCaf\xe9,,,a,,2025-01-01,applied,,\n".encode("latin-1"),
            "The file is not UTF-8 text (the first bad character is on line 2). Save it from "
            'your spreadsheet as "CSV UTF-8" and try again.',
        ),
        (
            b"x" * (5 * 1024 * 1024 + 1),
            "The file is larger than 5.0\xa0MB; split it into smaller files.",
        ),
    ],
)
def test_files_that_are_not_utf8_csv_get_a_clear_message(content, message):
    plan = experiences_import(data=content, candidate=make_user())
    assert problems_of(plan) == [message]


def test_a_file_with_too_many_rows_is_refused():
    rows = "".join(f"Acme,,GB,e{n},,2025-01-01,applied,,\n" for n in range(20_001))
    plan = experiences_import(data=f"{HEADER}\n{rows}".encode(), candidate=make_user())
    assert problems_of(plan) == ["The file has more than 20,000 rows; split it into smaller files."]


def test_header_problems_name_each_column(tmp_path):
    text = "Agency,engagement,Date,notes,engagement\nAcme,a,2025-01-01,hello,a\n"
    plan = import_file(write(tmp_path, text), make_user())
    assert problems_of(plan)[:3] == [
        "row 1, column engagement: This column appears more than once.",
        "row 1, column event: This required column is missing.",
        "row 1, column notes: Unknown column. The columns are candidate, agency, "
        "agency_website, country, engagement, role, source, date, time, event, note and "
        "role_details_disclosed.",
    ]
    assert Engagement.objects.count() == 0


def test_a_bom_semicolons_blank_rows_and_spreadsheet_spellings_are_accepted(tmp_path):
    text = (
        "\ufeffAgency;Agency Website;Country;Engagement;Date;Time;Event;Source;Note\r\n"
        "Acme;acme.example;gb;one;2025-03-03;9:05;CV sent;Job board;'=not a formula\r\n"
        ";;;;;;;;\r\n"
        "\r\n"
    )
    plan = import_file(write(tmp_path, text), make_user())
    assert plan.problems == []
    event = Event.objects.get()
    assert (event.kind, event.occurred_at, event.note) == (
        "cv_sent",
        datetime.time(9, 5),
        "=not a formula",
    )
    assert event.engagement.source == "job_board"


def test_an_unclosed_quote_is_a_problem_not_a_silently_swallowed_file(tmp_path):
    text = (
        f"{HEADER}\n"
        'Acme,,GB,one,,2025-03-03,applied,"never closed,\n'
        "Acme,,GB,two,,2025-03-03,applied,,\n"
    )
    plan = import_file(write(tmp_path, text), make_user())
    assert [(p.row, p.column) for p in plan.problems] == [(2, None)]
    assert Engagement.objects.count() == 0


def test_one_recompute_is_asked_per_agency_touched(tmp_path, django_capture_on_commit_callbacks):
    candidate = make_user()
    rows = "".join(
        f"Agency {n % 40},agency{n % 40}.example,GB,e{n},,2025-01-01,applied,,\n"
        for n in range(400)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        plan = import_file(write(tmp_path, f"{HEADER}\n{rows}"), candidate)
    assert plan.saved
    assert StaleAgency.objects.count() == 40
    assert sorted(callback.agency_id for callback in callbacks) == sorted(
        Agency.objects.values_list("pk", flat=True)
    )


def test_lookups_take_a_fixed_number_of_queries_whatever_the_rows(
    tmp_path, django_assert_max_num_queries
):
    candidate = make_user()
    for n in range(5):
        make_agency(name=f"Known {n}", website=f"https://known{n}.example")
    rows = "".join(
        f"Known {n % 5},known{n % 5}.example,,e{n % 50},,2025-01-0{1 + n % 9},message,row {n},\n"
        for n in range(1000)
    )
    # Four of them screen the new engagements: agencies locked, accounts, bursts, signals.
    with django_assert_max_num_queries(14):
        plan = import_file(write(tmp_path, f"{HEADER}\n{rows}"), candidate)
    assert plan.saved
    assert Event.objects.count() == 1000


def test_the_example_file_in_the_docs_imports_cleanly():
    candidate = make_user()
    plan = experiences_import(data=EXAMPLE.read_bytes(), candidate=candidate)
    assert problems_of(plan) == []
    assert plan.saved
    assert candidate.engagements.count() == 3
    harbour = candidate.engagements.get(reference="harbour-analyst")
    assert harbour.started_on == datetime.date(2025, 11, 4)
    assert harbour.source == "referral"
    assert harbour.agency.country.code == "IE"
    feedback = Event.objects.get(kind="feedback")
    assert (
        feedback.note
        == "Good on system design; wanted more Kubernetes.\nThey will keep me in mind."
    )
    assert experiences_import(data=EXAMPLE.read_bytes(), candidate=candidate).has_changes is False


def test_the_import_runs_on_postgresql():
    # The composite foreign key and the timings in docs are PostgreSQL's.
    assert connection.vendor == "postgresql"


def test_the_documented_example_of_problems_is_what_the_import_says():
    text = (EXAMPLE.parent.parent / "import-format.md").read_text(encoding="utf-8")
    after = text.split("A file with problems, and what the import says:", 1)[1]
    blocks = re.findall(r"```\n(.*?)```", after, flags=re.DOTALL)
    file, said = blocks[0], blocks[1].strip().splitlines()
    plan = experiences_import(data=file.encode(), candidate=make_user())
    assert len(plan.problems) == len(said)
    for problem, line in zip(problems_of(plan), said, strict=True):
        pattern = ".*".join(re.escape(part) for part in line.split(" ... "))
        assert re.fullmatch(pattern, problem), (problem, line)
