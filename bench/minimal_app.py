"""The floor for any Typer CLI: a minimal two-command app (its `--help` is what we compare with)."""

import typer

app = typer.Typer(help="A minimal two-command Typer app.")


@app.command()
def hello(name: str) -> None:
    """Say hello."""
    typer.echo(f"Hello {name}")


@app.command()
def bye(name: str) -> None:
    """Say goodbye."""
    typer.echo(f"Bye {name}")


if __name__ == "__main__":
    app()
