"""Short Warwick-Edinburgh Mental Wellbeing Scale: 7 items, raw sum converted to a metric score."""

from types import MappingProxyType

from connector_cli.surveys.scoring import Instrument, Item, Option

OPTIONS = (
    Option("None of the time", 1),
    Option("Rarely", 2),
    Option("Some of the time", 3),
    Option("Often", 4),
    Option("All of the time", 5),
)

INTRODUCTION = (
    "Below are some statements about feelings and thoughts. Please tick the box that best "
    "describes your experience of each over the last 2 weeks."
)

NOTICE = (
    "Short Warwick Edinburgh Mental Wellbeing Scale (SWEMWBS) © NHS Health Scotland, "
    "University of Warwick and University of Edinburgh, 2008, all rights reserved."
)

ITEMS = (
    Item("optimistic", "I've been feeling optimistic about the future", OPTIONS),
    Item("useful", "I've been feeling useful", OPTIONS),
    Item("relaxed", "I've been feeling relaxed", OPTIONS),
    Item("dealing_with_problems", "I've been dealing with problems well", OPTIONS),
    Item("thinking_clearly", "I've been thinking clearly", OPTIONS),
    Item("close_to_others", "I've been feeling close to other people", OPTIONS),
    Item("own_mind", "I've been able to make up my own mind about things", OPTIONS),
)

# Rasch raw -> metric conversion, copied exactly from the Warwick scoring guidance.
TABLE = MappingProxyType(
    {
        7: 7.00,
        8: 9.51,
        9: 11.25,
        10: 12.40,
        11: 13.33,
        12: 14.08,
        13: 14.75,
        14: 15.32,
        15: 15.84,
        16: 16.36,
        17: 16.88,
        18: 17.43,
        19: 17.98,
        20: 18.59,
        21: 19.25,
        22: 19.98,
        23: 20.73,
        24: 21.54,
        25: 22.35,
        26: 23.21,
        27: 24.11,
        28: 25.03,
        29: 26.02,
        30: 27.03,
        31: 28.13,
        32: 29.31,
        33: 30.70,
        34: 32.55,
        35: 35.00,
    }
)

INSTRUMENT = Instrument(
    id="swemwbs",
    version="1.0",
    name="SWEMWBS",
    title="Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
    introduction=INTRODUCTION,
    items=ITEMS,
    rule="sum+table",
    lower_is_better=False,
    table=TABLE,
    band_note="Warwick sets no cut point: show the score beside the population mean, never a band.",
    notice=NOTICE,
    comparator=(
        "England adult mean metric score 23.7 (men) and 23.2 (women), "
        "Health Survey for England 2010–13 (Ng Fat et al. 2017)."
    ),
    comparator_values=MappingProxyType({"men": 23.7, "women": 23.2}),
    score_range=(7.0, 35.0),
    meaningful_change=MappingProxyType({"lenient": 1.0, "strict": 3.0}),
)
