"""`python -m connector_cli`: the same as the `connector` command."""

from connector_cli.cli import main

main()
