"""Interactive fallbacks: the only module that imports questionary.

A flag always wins; without a terminal (or with --no-input) a missing value is an error naming
the flag. `unsafe_ask()` lets Ctrl-C raise KeyboardInterrupt, which the CLI turns into
"Cancelled: nothing was saved." (the write transaction has not started or is rolled back).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from connector_cli.errors import UserError


def missing(flag: str, what: str | None = None) -> UserError:
    thing = what or flag.lstrip("-").replace("-", " ")
    return UserError(f"Missing {thing}: give {flag} (there is no terminal to ask).")


def require(value, flag: str, ask: Callable[[], object], *, can_ask: bool, what: str | None = None):
    """Return value if given, else ask (when allowed), else refuse naming the flag."""
    if value is not None:
        return value
    if not can_ask:
        raise missing(flag, what)
    return ask()


def _style():
    import questionary

    return questionary.Style([("qmark", "fg:#5f87af bold"), ("answer", "fg:#5faf5f bold")])


def _validator(required: bool, check: Callable[[str], object] | None):
    def validate(value: str):
        if not value.strip():
            return "Please type an answer." if required else True
        if check is not None:
            try:
                check(value.strip())
            except UserError as error:
                return str(error)
        return True

    return validate


def text(
    message: str,
    *,
    default: str = "",
    required: bool = False,
    multiline: bool = False,
    check: Callable[[str], object] | None = None,
):
    """Free text; `check` (raising UserError) is run as the person types, so a typo is caught
    at its own question rather than after the whole form."""
    import questionary

    validate = _validator(required, check)
    answer = questionary.text(
        message, default=default, validate=validate, multiline=multiline, style=_style()
    ).unsafe_ask()
    answer = answer.strip()
    return answer or None


UNCHOSEN = "\x00unchosen"  # the placeholder's value: never returned, never saved


def select(message: str, choices: Sequence[tuple[str, str]], *, default: str | None = None):
    """Pick one of (value, label); type to filter long lists.

    Without a `default` nothing is preselected: the pointer starts on a "(choose one)" line
    on which Enter does nothing, so a hurried Enter can never record an answer nobody gave.
    A `default` (only ever a value that would be accepted) starts the pointer on it."""
    import questionary

    options = [questionary.Choice(title=label, value=value) for value, label in choices]
    if default is None:
        options.insert(0, questionary.Choice(title=PLACEHOLDER, value=UNCHOSEN))
    long_list = len(options) > 8
    question = questionary.select(
        message,
        choices=options,
        default=default,
        use_search_filter=long_list,
        use_jk_keys=not long_list,
        style=_style(),
    )
    _enter_ignores_placeholder(question)
    return question.unsafe_ask()


PLACEHOLDER = "(choose one: arrow keys, then Enter)"


def _enter_ignores_placeholder(question) -> None:
    """Make Enter on the placeholder line do nothing (questionary has no such option: our
    binding is added after its own, and prompt_toolkit runs the last eager match)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys
    from questionary.prompts.common import InquirerControl

    app = question.application
    control = next(c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl))
    bindings = KeyBindings()

    @bindings.add(Keys.ControlM, eager=True)
    def _answer(event):
        try:
            pointed = control.get_pointed_at()
        except IndexError:  # typing filtered every choice out
            return
        if pointed.value == UNCHOSEN:
            return
        control.is_answered = True
        event.app.exit(result=pointed.value)

    app.key_bindings = merge_key_bindings([app.key_bindings, bindings])


def checkbox(
    message: str, choices: Sequence[tuple[str, str]], *, checked: Sequence[str] = ()
) -> list[str]:
    import questionary

    options = [
        questionary.Choice(title=label, value=value, checked=value in checked)
        for value, label in choices
    ]
    return list(questionary.checkbox(message, choices=options, style=_style()).unsafe_ask())


def confirm(message: str, *, default: bool = True) -> bool:
    import questionary

    return bool(questionary.confirm(message, default=default, style=_style()).unsafe_ask())


def autocomplete(message: str, choices: Sequence[str]) -> str:
    import questionary

    return questionary.autocomplete(
        message, choices=list(choices), match_middle=True, style=_style()
    ).unsafe_ask()


def code(value, flag: str, code_list, question: str, *, can_ask: bool, what: str):
    """A code from a flag, else picked from its list at a terminal, else an error naming the flag."""
    return require(
        value,
        flag,
        lambda: select(question, [(c.slug, c.label) for c in code_list]),
        can_ask=can_ask,
        what=what,
    )


def edit_text(initial: str = "") -> str:
    """Free text in the person's own editor ($VISUAL or $EDITOR, else the system's default);
    returns "" when they leave it empty or quit without saving."""
    import click

    text = click.edit(initial, extension=".txt", require_save=True)
    return "" if text is None else text.strip()
