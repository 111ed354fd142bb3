"""`python -m mailjet_connector` and the `mailjet-connector` command run the CLI."""

import sys


def run() -> None:
    """Start the CLI; Ctrl-C while it is still loading is a quiet exit 130, not a traceback."""
    try:
        from mailjet_connector.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
