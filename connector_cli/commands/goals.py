"""(commands to come)"""


def register(app) -> None:
    pass
