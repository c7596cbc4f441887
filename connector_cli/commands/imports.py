"""import template|referrals: referrals in bulk from a spreadsheet saved as CSV.

The columns are new-referral's options, read from the command itself, so an option added to
new-referral is a column here too; each row is parsed by that command's own option parser and
checked by the same function (referrals.referral_values, referral_in).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import_app = typer.Typer(
    help="Bring referrals in from a spreadsheet (CSV): `import template`, then "
    "`import referrals FILE.csv`.",
    no_args_is_help=True,
)

EXAMPLE = {  # the template's example row; a column not named here is left empty
    "name": "Jo Example",
    "source": "nhs-gp",
    "referrer": "Dr A Khan, Riverside Surgery",
    "reason": "Lonely since moving to be near family",
    "trigger": "bereaved;health",
    "primary-trigger": "bereaved",
    "dob": "14/03/1948",
    "gender": "female",
    "ethnicity": "A",
    "living": "alone",
    "area": "Riverside",
    "phone": "07700 900123",
    "consent-to-share": "yes",
    "no-known-risks": "yes",
    "status": "pending",
}
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0"}


def _new_referral_command():
    import typer.main

    from connector_cli.cli import app

    return typer.main.get_command(app).commands["new-referral"]  # type: ignore[attr-defined]


def referral_columns() -> dict[str, object]:
    """{column: click option} for each of new-referral's options about the referral."""
    from connector_cli.commands.referrals import NOT_REFERRAL_DETAILS

    command = _new_referral_command()
    return {
        param.opts[0].lstrip("-"): param
        for param in command.params
        if param.param_type_name == "option" and param.name not in NOT_REFERRAL_DETAILS
    }


def template() -> None:
    """Print the CSV header (one column per new-referral option) and an example row."""
    import csv
    import sys

    from connector_cli import dates

    columns = list(referral_columns())
    example = {**EXAMPLE, "referral-date": dates.today().strftime("%d/%m/%Y")}
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow([example.get(column, "") for column in columns])


def _header_key(text: str) -> str:
    return "-".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(columns, [(spreadsheet row number, cells)]) from a UTF-8 CSV file (a byte-order mark
    is allowed); row 1 is the header, wholly empty rows are skipped."""
    import csv

    from connector_cli.errors import UserError

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UserError(f"Cannot read {path}: {error.strerror or error}.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(
            f"{path} is not UTF-8 text: save it from your spreadsheet as 'CSV UTF-8'."
        ) from None
    try:
        records = list(csv.reader(text.splitlines(keepends=True)))
    except csv.Error as error:
        raise UserError(f"{path} is not a readable CSV file ({error}).") from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise UserError(f"{path} is empty: it needs the header of `connector import template`.")
    header = [_header_key(cell) for cell in records[0]]
    rows = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return header, rows


def _check_header(header: list[str], columns: dict) -> None:
    from connector_cli.errors import UserError

    for position, column in enumerate(header, start=1):
        if column and column not in columns:
            raise UserError(
                f"Row 1, column {position}: unknown column '{column}'. The columns are those "
                "of `connector import template`."
            )
        if column and header.count(column) > 1:
            raise UserError(f"Row 1: the column '{column}' appears twice.")
    if "name" not in header:
        raise UserError("Row 1: the file needs a 'name' column.")


def _argv(column: str, option, value: str, row: int) -> list[str]:
    """One cell as new-referral's command line: yes/no for switches, ';' between repeats."""
    from connector_cli.errors import UserError

    if option.is_flag:
        answer = value.casefold()
        if answer in YES:
            return [option.opts[0]]
        if answer in NO:
            return list(option.secondary_opts[:1])
        raise UserError(f"Row {row}, column {column}: give yes or no, not '{value}'.")
    if option.multiple:
        parts = [p.strip() for p in value.replace(",", ";").split(";") if p.strip()]
        return [arg for part in parts for arg in (option.opts[0], part)]
    return [option.opts[0], value]


def _parse(row: int, cells: dict[str, str], columns: dict):
    """The row's ReferralIn, checked as new-referral checks its flags."""
    import click

    from connector_cli.commands.referrals import referral_in, referral_values
    from connector_cli.errors import UserError

    argv = [arg for c, v in cells.items() for arg in _argv(c, columns[c], v, row)]
    try:
        context = _new_referral_command().make_context("new-referral", argv)
    except click.UsageError as error:  # a value click itself refuses (none today: all text)
        raise UserError(f"Row {row}: {error.format_message()}") from None
    return referral_in(referral_values(context.params))


def _blame(row: int, cells: dict[str, str], columns: dict, message: str) -> str | None:
    """The first column refused on its own (beside the name) with the same message, if any;
    none when the message is about two columns together (a date of birth and an age)."""
    from connector_cli.errors import UserError

    for column, value in cells.items():
        alone = {"name": cells.get("name") or "Someone", column: value}
        try:
            _parse(row, alone, columns)
        except (UserError, ValueError) as error:
            if isinstance(error, UserError) and str(error) != message:
                continue
            return column
    return None


def parse_referrals(header: list[str], rows: list, columns: dict) -> list:
    """[(row number, ReferralIn)]; the first bad row is refused by row and column."""
    from connector_cli.errors import UserError

    parsed = []
    for row, values in rows:
        if len(values) > len(header):
            raise UserError(f"Row {row} has more cells than the header has columns.")
        cells = {c: v.strip() for c, v in zip(header, values, strict=False) if c and v.strip()}
        try:
            parsed.append((row, _parse(row, cells, columns)))
        except (UserError, ValueError) as error:
            if isinstance(error, ValueError) and not type(error).__module__.startswith("pydantic"):
                raise
            message = _sentence(error)
            if message.startswith(f"Row {row}"):
                raise UserError(message) from None
            column = _blame(row, cells, columns, message)
            where = f"Row {row}, column {column}" if column else f"Row {row}"
            raise UserError(f"{where}: {message}") from None
    return parsed


def _sentence(error: Exception) -> str:
    if isinstance(error, ValueError):
        from connector_cli.cli import _validation_sentence

        return _validation_sentence(error)
    return str(error)


def referrals(
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="A CSV file, UTF-8.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and say what would be created.")
    ] = False,
) -> None:
    """Import referrals from a CSV file: every row or none (the first bad row is named)."""
    from connector_cli import imports, render_day, session
    from connector_cli.store import write
    from connector_cli.store.diary import rehearsal

    columns = referral_columns()
    header, rows = read_rows(file)
    _check_header(header, columns)
    parsed = parse_referrals(header, rows, columns)
    conn = session.open_db()
    with rehearsal(conn) if dry_run else write(conn):
        result = imports.import_referrals(conn, parsed)
    render_day.imported(result, dry_run=dry_run)


def register(app: typer.Typer) -> None:
    import_app.command("template")(template)
    import_app.command("referrals")(referrals)
    app.add_typer(import_app, name="import")
