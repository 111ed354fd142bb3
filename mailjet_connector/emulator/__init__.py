"""A faithful local emulator of the Mailjet API: the project's test double, demo backend and a product feature."""
