"""UCLA 3-item loneliness scale (Hughes et al. 2004), ONS wording, plus the ONS direct question."""

from connector_cli.surveys.scoring import Choice, DirectQuestion, Instrument, Item, Option

OPTIONS = (
    Option("Hardly ever or never", 1),
    Option("Some of the time", 2),
    Option("Often", 3),
)

ITEMS = (
    Item(
        "companionship",
        "How often do you feel that you lack companionship?",
        OPTIONS,
        lower_is_better=True,
    ),
    Item("left_out", "How often do you feel left out?", OPTIONS, lower_is_better=True),
    Item("isolated", "How often do you feel isolated from others?", OPTIONS, lower_is_better=True),
)

DIRECT_QUESTION = DirectQuestion(
    key="lonely_direct",
    text="How often do you feel lonely?",
    choices=(
        Choice("often-always", "Often/always"),
        Choice("some-of-the-time", "Some of the time"),
        Choice("occasionally", "Occasionally"),
        Choice("hardly-ever", "Hardly ever"),
        Choice("never", "Never"),
    ),
    optional=True,
)

INSTRUMENT = Instrument(
    id="ucla3",
    version="ons-2018",
    name="UCLA loneliness",
    title="Loneliness: UCLA 3-item scale (ONS wording)",
    introduction=(
        "The next four questions are about relationships with others. For each one, "
        "please say how often (if at all) you feel that way."
    ),
    items=ITEMS,
    rule="sum",
    lower_is_better=True,
    bands=((3, 5, "not lonely"), (6, 9, "lonely")),
    band_note=(
        "Bands are a statistical convention used by UK connector programme evaluations, "
        "not a diagnosis."
    ),
    score_range=(3, 9),
    most_lonely_from=8,
    direct_question=DIRECT_QUESTION,
)
