"""`python -m mailjet_connector` runs the CLI."""

from mailjet_connector.cli import main

main()
