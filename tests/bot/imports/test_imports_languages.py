"""What the org and goals imports say about a file, in German and Spanish: each row's problem and
the report's lines, written in the language in force (English, the CLI's, is the default)."""

from __future__ import annotations

import pytest

from bot.core.i18n import speaking
from bot.imports.goals_file import parse_goals
from bot.imports.goals_import import import_goals
from bot.imports.holidays_file import parse_holidays
from bot.imports.org_file import parse_org_csv
from bot.imports.org_import import import_org
from storage.db import Database
from tests.seeded import SEEDED_AT

TENANT = "slack:T1"
ORG = (
    "email,name,manager_email,cadence_weeks\n"
    "grace@example.com,Grace,,1\n"
    "alan@example.com,Alan,grace@example.com,3\n"
    "ada@example.com,Ada,nobody@example.com,1\n"
    "eve@example.com,Eve,eve@example.com,1\n"
)
GOALS = (
    "objective_id,objective,period,owner_email,kr_id,key_result,metric,start,target\n"
    "O1,Grow,2026-Q4,grace@example.com,signups,Signups,number,0,abc\n"
    "O2,Ship,2026-Q4,grace@example.com,docs,Docs,rocket,0,1\n"
    "O3,Sell,2026-Q4,zed@example.com,deals,Deals,number,0,10\n"
    "O3,,,,calls,Calls,number,0,50\n"
    "O4,,,,,,,,\n"
)


@pytest.fixture
def database(sqlite_db: Database) -> Database:
    return sqlite_db


def reasons(text: str, language: str) -> list[str]:
    with speaking(language):
        return [problem.reason for problem in parse_org_csv(text)[1]]


def test_a_row_problem_is_said_in_the_language_in_force_and_in_english_by_default() -> None:
    text = "email,cadence_weeks\nann@example.com,3\nnot-an-email,1\n"

    assert reasons(text, "en") == [
        "cadence_weeks: check-ins repeat every 1, 2 or 4 weeks",
        "email: “not-an-email” is not an email address",
    ]
    assert reasons(text, "de") == [
        "cadence_weeks: Check-ins wiederholen sich alle 1, 2 oder 4 Wochen",
        "email: „not-an-email“ ist keine E-Mail-Adresse",
    ]
    assert reasons(text, "es") == [
        "cadence_weeks: los check-ins se repiten cada 1, 2 o 4 semanas",
        "email: “not-an-email” no es una dirección de correo electrónico",
    ]


def test_an_ambiguous_email_counts_its_other_lines_in_each_language() -> None:
    text = "email\nann@example.com\nann@example.com\nann@example.com\n"

    with speaking("de"):
        german = parse_org_csv(text)[1][0].reason
    with speaking("es"):
        spanish = parse_org_csv(text)[1][0].reason
    assert german == "mehrdeutig: ann@example.com steht auch in den Zeilen 3, 4"
    assert spanish == "ambiguo: ann@example.com también está en las líneas 3, 4"
    with speaking("de"):
        one_other = parse_org_csv("email\nann@example.com\nann@example.com\n")[1][0].reason
    assert one_other == "mehrdeutig: ann@example.com steht auch in Zeile 3"


def test_goal_file_problems_name_the_field_in_the_language_in_force() -> None:
    yaml_text = "objectives:\n  - id: O1\n    period: 2026-Q4\n    colour: red\n"

    with speaking("de"):
        german = [p.reason for p in parse_goals(yaml_text, "goals.yaml")[2]]
    with speaking("es"):
        spanish = [p.reason for p in parse_goals(yaml_text, "goals.yaml")[2]]
    assert german == ["unbekanntes Feld „colour“ ignoriert", "Zieltitel fehlt"]
    assert spanish == ["campo desconocido “colour” ignorado", "falta título del objetivo"]
    with speaking("es"):
        wrong = parse_goals("", "goals.txt")[2][0].reason
    assert wrong == "“goals.txt” no es un archivo .csv, .yaml o .yml"


def test_a_holiday_that_is_no_date_is_said_in_spanish() -> None:
    with speaking("es"):
        days, problems = parse_holidays("date\n2026-12-25\nChristmas\n")
    assert days == ["2026-12-25"]
    assert [p.reason for p in problems] == ["“Christmas” no es una fecha como 2026-12-25"]


async def test_the_org_import_report_in_german(database: Database) -> None:
    with speaking("de"):
        report = await import_org(database, TENANT, ORG, now=SEEDED_AT)
        lines = report.lines()

    assert lines == [
        "Zeile 3: cadence_weeks: Check-ins wiederholen sich alle 1, 2 oder 4 Wochen",
        "Zeile 4: Führungskraft nobody@example.com ist weder in der Datei noch in der Organisation",
        "Zeile 5: eve@example.com kann nicht die eigene Führungskraft sein; Führungskraft bleibt "
        "unverändert",
        "3 Zeilen importiert: 3 angelegt, 0 aktualisiert, 0 unverändert; 1 Zeile übersprungen",
    ]


async def test_a_full_org_import_says_who_left_in_spanish(database: Database) -> None:
    await import_org(database, TENANT, ORG, now=SEEDED_AT)
    with speaking("es"):
        report = await import_org(
            database, TENANT, "email,name\ngrace@example.com,Grace\n", now=SEEDED_AT, full=True
        )
        lines = report.lines()

    assert (
        lines[0] == "1 fila importada: 0 altas, 0 actualizaciones, 1 sin cambios; 0 filas omitidas"
    )
    assert lines[1].startswith("2 personas que no están en el archivo ahora inactivas (")
    assert lines[1].endswith("): ada@example.com, eve@example.com")


async def test_the_goals_import_report_in_spanish_and_german(database: Database) -> None:
    await import_org(database, TENANT, ORG, now=SEEDED_AT)
    with speaking("es"):
        lines = (await import_goals(database, TENANT, GOALS, "goals.csv", now=SEEDED_AT)).lines()

    assert lines == [
        "línea 2: target: “abc” no es un número",
        "línea 3: metric: “rocket” no es uno de number, percent, currency, binary",
        "línea 4: el responsable zed@example.com no está en la organización",
        "línea 5: resultado clave omitido: el objetivo O3 no se importó",
        "línea 6: nada que importar para el objetivo O4",
        "2 objetivos importados: 2 altas, 0 actualizaciones, 0 sin cambios; 3 filas omitidas",
    ]
    with speaking("de"):
        again = (await import_goals(database, TENANT, GOALS, "goals.csv", now=SEEDED_AT)).lines()
    assert again[-1] == (
        "2 Ziele importiert: 0 angelegt, 0 aktualisiert, 2 unverändert; 3 Zeilen übersprungen"
    )
