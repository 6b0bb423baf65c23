"""Importing candidates' spreadsheets of experiences (docs/import-format.md).

``reading`` turns bytes into rows of cells, ``rows`` turns cells into values, ``planning``
matches them against the database and decides what to add, ``saving`` writes the plan.
"""

from reviews.importing.agencies import NewAgency
from reviews.importing.planning import ImportPlan, PlannedEngagement, plan_import
from reviews.importing.problems import Problem
from reviews.importing.reading import read_rows
from reviews.importing.saving import experiences_import, import_save

__all__ = [
    "ImportPlan",
    "NewAgency",
    "PlannedEngagement",
    "Problem",
    "experiences_import",
    "import_save",
    "plan_import",
    "read_rows",
]
