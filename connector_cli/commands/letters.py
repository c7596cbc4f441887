"""letter: placeholder."""


def register(app) -> None:
    pass
