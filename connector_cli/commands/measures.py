"""Questionnaires: ucla|swemwbs|ons4 score, measure skip|list|remove, survey list|show|take.

Score-only runs (`connector ucla score 1 2 2`) never open the database and import nothing
heavy: they are typed dozens of times a day.
"""

from __future__ import annotations

from typing import Annotated

import typer

from connector_cli.commands._options import (
    DateOpt,
    EpisodeOpt,
    JsonOpt,
    NoInputOpt,
    Person,
    day_or_today,
    emit,
)

# Answers are read from ctx.args rather than declared as an argument, so that "-1" reaches our
# own range check (one plain sentence) instead of click's "No such option", and a typo'd answer
# is refused by the instrument's own wording rather than Typer's type error.
SCORE_SETTINGS = {"ignore_unknown_options": True, "allow_extra_args": True}

PersonOpt = Annotated[
    str | None,
    typer.Option(
        "--person",
        metavar="PERSON",
        help="Also record it against this person's episode (number or part of the name).",
    ),
]
StageOpt = Annotated[
    str | None,
    typer.Option("--stage", metavar="STAGE", help="baseline, review, end or follow-up."),
]
ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="WHO",
        help="Who asked: connector (default), volunteer, or self (self-completed).",
    ),
]


def _answer_texts(ctx: typer.Context) -> list[str]:
    """The answers typed after the command; an unknown --option is still a usage error."""
    for text in ctx.args:
        if text.startswith("--"):
            ctx.fail(f"No such option: {text}")
    return list(ctx.args)


def _parse(instrument_id: str, texts: list[str]) -> list[int]:
    """Whole numbers from the command line; with a full set, each answer in its item's range,
    refused naming the item as people know it (the scorer itself names the stored key)."""
    from connector_cli import surveys
    from connector_cli.errors import UserError
    from connector_cli.measures_view import item_name

    instrument = surveys.get_instrument(instrument_id)
    values = []
    for text in texts:
        try:
            values.append(int(text))
        except ValueError:
            raise UserError(
                f"{instrument.name} answers must be whole numbers; got {text!r}."
            ) from None
    if len(values) == len(instrument.items):
        for number, (item, value) in enumerate(zip(instrument.items, values, strict=True), 1):
            if value not in item.values:
                raise UserError(
                    f"{instrument.name} answer {number} ({item_name(item)}) must be "
                    f"{min(item.values)}-{max(item.values)}; got {value}."
                )
    return values


def _missing_answers(instrument_id: str):
    from connector_cli import surveys
    from connector_cli.errors import UserError

    instrument = surveys.get_instrument(instrument_id)
    values = [v for item in instrument.items for v in item.values]
    return UserError(
        f"Missing answers: give the {len(instrument.items)} {instrument.name} answers "
        f"({min(values)}-{max(values)} each) on the command line (there is no terminal to ask)."
    )


def _get_answers(instrument_id: str, texts, extra: dict, can_ask: bool, saving: bool = False):
    """Answers from the command line, else asked one by one; when they are to be saved, the
    score is shown first and "Save these answers?" asked (a bare Enter saves nothing)."""
    if texts:
        return _parse(instrument_id, texts), extra
    if not can_ask:
        raise _missing_answers(instrument_id)
    from connector_cli.errors import UserError
    from connector_cli.measures_ask import ask_answers

    given = ask_answers(instrument_id, ask_extra=not extra, confirm_save=saving)
    if given is None:
        raise UserError("Not saved: you chose not to keep these answers.")
    asked, asked_extra = given
    return asked, {**extra, **asked_extra}


def _ask_stage(conn, episode_row, instrument_id: str, day, can_ask: bool, skipping=False) -> str:
    """Offer only the stages that would be accepted today, the one due first."""
    from connector_cli import codes, measures, prompts
    from connector_cli.errors import UserError

    def ask():
        allowed, refusals = [], []
        for c in codes.STAGES:
            try:
                measures.check_can_record(
                    conn, episode_row, instrument_id, c.slug, day, skipping=skipping
                )
                allowed.append((c.slug, c.label))
            except UserError as error:
                refusals.append(str(error))
        if not allowed:
            raise UserError(f"No stage can be recorded on {day}: {refusals[0]}")
        default = measures.suggested_stage(conn, episode_row, instrument_id, day)
        if default not in {slug for slug, _ in allowed}:
            default = None
        return prompts.select("Which stage is this?", allowed, default=default)

    return prompts.require(None, "--stage", ask, can_ask=can_ask, what="stage")


def score_or_record(
    instrument_id: str,
    texts: list[str] | None,
    extra: dict,
    *,
    person: str | None,
    stage: str | None,
    date: str | None,
    episode: int | None,
    by: str | None,
    no_input: bool,
    as_json: bool,
) -> None:
    """Score answers (given or asked); with --person also record them against the episode."""
    from connector_cli import session, surveys
    from connector_cli.measures_view import print_score

    can_ask = session.interactive(no_input)
    if person is None:
        _refuse_record_only_flags(stage, date, episode, by)
        answers, extra = _get_answers(instrument_id, texts, extra, can_ask)
        result = surveys.score_answers(instrument_id, answers, extra)
        print_score(result, as_json=as_json, saved_as=None)
        return
    result, saved_as = _record(
        instrument_id, texts, extra, person, stage, date, episode, by, can_ask
    )
    print_score(result, as_json=as_json, saved_as=saved_as)


def _refuse_record_only_flags(stage, date, episode, by) -> None:
    from connector_cli.errors import UserError

    given = [
        flag
        for flag, value in (("--stage", stage), ("--date", date), ("--episode", episode))
        if value is not None
    ]
    if by is not None:
        given.append("--by")
    if given:
        raise UserError(f"{', '.join(given)} only apply when recording: add --person PERSON.")


def _record(instrument_id, texts, extra, person, stage, date, episode, by, can_ask):
    from connector_cli import codes, measures, pathway, session, surveys
    from connector_cli.store import write

    answers = _parse(instrument_id, texts) if texts else None
    if answers is not None:
        surveys.score_answers(instrument_id, answers, extra)  # bad answers first: cheapest
    by = measures.check_by(by or "connector")
    day = day_or_today(date, "measure date")
    conn = session.open_db()
    person_row, episode_row = pathway.episode_for(conn, person, episode)
    if stage is None:
        stage = _ask_stage(conn, episode_row, instrument_id, day, can_ask)
    stage = codes.check(codes.STAGES, stage, "stage")
    # Refuse a stage or date that makes no sense before asking anyone seven questions.
    measures.check_can_record(conn, episode_row, instrument_id, stage, day)
    answers, extra = _get_answers(instrument_id, texts, extra, can_ask, saving=True)
    result = surveys.score_answers(instrument_id, answers, extra)
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        measure_id = measures.record_measure(
            conn, episode_row, instrument_id, stage, day, answers, extra, by
        )
    name = surveys.get_instrument(instrument_id).name
    return result, f"{person_row['name']}'s {stage} {name}, {day} (measure {measure_id})"


# --- ucla / swemwbs / ons4 ---------------------------------------------------------------------

ucla_app = typer.Typer(
    help="UCLA 3-item loneliness scale (ONS wording) and the direct question.",
    no_args_is_help=True,
)
swemwbs_app = typer.Typer(
    help="Short Warwick-Edinburgh Mental Wellbeing Scale (7 items).", no_args_is_help=True
)
ons4_app = typer.Typer(
    help="ONS4 personal wellbeing (4 separate items, 0-10).", no_args_is_help=True
)


# Help as single-line paragraphs (not docstrings): Typer keeps a docstring's line breaks, which
# at 80 columns leaves half-empty lines ("they are" / "asked one by one").
UCLA_HELP = (
    "Score UCLA loneliness (3-9, higher is lonelier); with --person and --stage, record it.\n\n"
    "A1 A2 A3: lack companionship, left out, isolated from others, each 1 (hardly ever or "
    "never), 2 (some of the time) or 3 (often). Left out, they are asked one by one."
)
SWEMWBS_HELP = (
    "Score SWEMWBS (metric 7-35 beside the England mean); with --person and --stage, record "
    "it.\n\n"
    "A1 ... A7: the seven statements in form order, each 1 (none of the time), 2 (rarely), "
    "3 (some of the time), 4 (often) or 5 (all of the time). Left out, they are asked one by one."
)
ONS4_HELP = (
    "Score ONS4 (each item on its own, never added); with --person and --stage, record it.\n\n"
    "LIFE WORTHWHILE HAPPY ANXIOUS: life satisfaction, worthwhile, happiness yesterday and "
    "anxiety yesterday, each 0-10. Left out, they are asked one by one."
)
TAKE_HELP = (
    "Score any instrument; with --person and --stage, record it against the episode.\n\n"
    "ANSWERS: every answer in form order (`survey show ID` lists them). Left out, they are "
    "asked one by one."
)


@ucla_app.command(
    "score",
    help=UCLA_HELP,
    context_settings=SCORE_SETTINGS,
    options_metavar="[A1 A2 A3] [OPTIONS]",
)
def ucla_score(
    ctx: typer.Context,
    lonely: Annotated[
        str | None,
        typer.Option(
            "--lonely",
            metavar="CATEGORY",
            help="How often do you feel lonely? often-always, some-of-the-time, occasionally, "
            "hardly-ever or never.",
        ),
    ] = None,
    person: PersonOpt = None,
    stage: StageOpt = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    by: ByOpt = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    extra = {"lonely_direct": lonely.strip().casefold()} if lonely else {}
    score_or_record(
        "ucla3", _answer_texts(ctx), extra, person=person, stage=stage, date=date,
        episode=episode, by=by, no_input=no_input, as_json=as_json,
    )  # fmt: skip


@swemwbs_app.command(
    "score",
    help=SWEMWBS_HELP,
    context_settings=SCORE_SETTINGS,
    options_metavar="[A1 ... A7] [OPTIONS]",
)
def swemwbs_score(
    ctx: typer.Context,
    person: PersonOpt = None,
    stage: StageOpt = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    by: ByOpt = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    score_or_record(
        "swemwbs", _answer_texts(ctx), {}, person=person, stage=stage, date=date,
        episode=episode, by=by, no_input=no_input, as_json=as_json,
    )  # fmt: skip


@ons4_app.command(
    "score",
    help=ONS4_HELP,
    context_settings=SCORE_SETTINGS,
    options_metavar="[LIFE WORTHWHILE HAPPY ANXIOUS] [OPTIONS]",
)
def ons4_score(
    ctx: typer.Context,
    person: PersonOpt = None,
    stage: StageOpt = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    by: ByOpt = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    score_or_record(
        "ons4", _answer_texts(ctx), {}, person=person, stage=stage, date=date,
        episode=episode, by=by, no_input=no_input, as_json=as_json,
    )  # fmt: skip


# --- measure skip / list / remove ----------------------------------------------------------------

measure_app = typer.Typer(
    help="Measures of one person: record one as not collected, list, remove a mistake.",
    no_args_is_help=True,
)


@measure_app.command("skip")
def skip(
    person: Person,
    instrument: Annotated[
        str,
        typer.Argument(
            metavar="INSTRUMENT",
            help="ucla3 (or ucla), swemwbs, ons4, wemwbs, djg6, or all (every instrument not "
            "yet recorded at this stage).",
        ),
    ],
    stage: StageOpt = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason", metavar="REASON", help="declined, not-appropriate or could-not-contact."
        ),
    ] = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    by: ByOpt = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Record that a measure was not collected at a stage, and why (it counts as answered-for)."""
    from connector_cli import codes, measures, pathway, prompts, session, surveys
    from connector_cli.measures_view import wrap
    from connector_cli.store import write

    can_ask = session.interactive(no_input)
    day = day_or_today(date, "measure date")
    conn = session.open_db()
    person_row, episode_row = pathway.episode_for(conn, person, episode)
    asked_about = "ucla3" if instrument.strip().casefold() == "all" else instrument
    if stage is None:
        asked_about = measures.resolve_instrument(asked_about)
        stage = _ask_stage(conn, episode_row, asked_about, day, can_ask, skipping=True)
    reason = prompts.require(
        reason,
        "--reason",
        lambda: prompts.select(
            "Why was it not collected?", [(c.slug, c.label) for c in codes.SKIP_REASONS]
        ),
        can_ask=can_ask,
        what="reason",
    )
    with write(conn):
        person_row, episode_row = pathway.episode_for(conn, person, episode)
        names = measures.instruments_to_skip(conn, episode_row, instrument, stage)
        ids = [
            measures.skip_measure(conn, episode_row, name, stage, day, reason, by or "connector")
            for name in names
        ]
    listed = ", ".join(surveys.get_instrument(name).name for name in names)
    said = f"Recorded as not collected ({reason}): {person_row['name']}'s {stage} {listed}, {day}."
    emit(as_json, {"measure_ids": ids}, wrap(said))


@measure_app.command("list")
def list_measures(person: Person, episode: EpisodeOpt = None, as_json: JsonOpt = False) -> None:
    """Every measure of the episode with its number, item answers and who asked."""
    from connector_cli import measures, pathway, session
    from connector_cli.measures_view import measure_list

    conn = session.open_db()
    person_row, episode_row = pathway.episode_for(conn, person, episode)
    found = measures.episode_measures(conn, episode_row["id"])
    if as_json:
        emit(True, {"episode_id": episode_row["id"], "measures": found}, "")
    else:
        measure_list(found, person_row["name"])


@measure_app.command("remove")
def remove(
    measure_id: Annotated[
        int, typer.Argument(metavar="MEASURE_ID", help="The number `measure list` shows.")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    no_input: NoInputOpt = False,
) -> None:
    """Remove a measure recorded by mistake (with its answers), so it can be recorded again."""
    from connector_cli import measures, prompts, session, surveys
    from connector_cli.errors import UserError
    from connector_cli.store import audit, write

    if not yes:
        if not session.interactive(no_input):
            raise UserError("Removing a measure needs confirmation: add --yes.")
        if not prompts.confirm(f"Remove measure {measure_id} and its answers?", default=False):
            raise UserError("Nothing removed.")
    conn = session.open_db()
    with write(conn):
        row = measures.remove_measure(conn, measure_id)
        audit.record(conn, "measure-remove", instrument=row["instrument"], stage=row["stage"])
    name = surveys.get_instrument(row["instrument"]).name
    typer.echo(f"Removed measure {measure_id} ({name} {row['stage']}, {row['date']}).")


# --- survey: every instrument, including the optional ones ------------------------------------

survey_app = typer.Typer(
    help="Every questionnaire, including the optional ones (WEMWBS, De Jong Gierveld).",
    no_args_is_help=True,
)
InstrumentArg = Annotated[
    str,
    typer.Argument(metavar="ID", help="ucla3, swemwbs, ons4, wemwbs or djg6 (`survey list`)."),
]


@survey_app.command("list")
def survey_list(as_json: JsonOpt = False) -> None:
    """The instruments this tool can ask: the default set and the optional ones."""
    from connector_cli.measures_view import survey_list as show_list

    show_list(as_json)


@survey_app.command("show")
def survey_show(instrument: InstrumentArg) -> None:
    """The whole form: introduction, items, options and how it is scored."""
    from connector_cli.measures import resolve_instrument
    from connector_cli.measures_view import survey_show as show_form

    show_form(resolve_instrument(instrument))


@survey_app.command(
    "take",
    help=TAKE_HELP,
    context_settings=SCORE_SETTINGS,
    options_metavar="[ANSWERS...] [OPTIONS]",
)
def survey_take(
    ctx: typer.Context,
    instrument: InstrumentArg,
    person: PersonOpt = None,
    stage: StageOpt = None,
    date: DateOpt = None,
    episode: EpisodeOpt = None,
    by: ByOpt = None,
    no_input: NoInputOpt = False,
    as_json: JsonOpt = False,
) -> None:
    from connector_cli.measures import resolve_instrument

    score_or_record(
        resolve_instrument(instrument), _answer_texts(ctx), {}, person=person, stage=stage,
        date=date, episode=episode, by=by, no_input=no_input, as_json=as_json,
    )  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(ucla_app, name="ucla")
    app.add_typer(swemwbs_app, name="swemwbs")
    app.add_typer(ons4_app, name="ons4")
    app.add_typer(measure_app, name="measure")
    app.add_typer(survey_app, name="survey")
