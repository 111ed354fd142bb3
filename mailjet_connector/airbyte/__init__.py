"""The Airbyte protocol: `spec`, `check`, `discover` and `read` over the sync engine's readers (extra: [airbyte]).

`mailjet-connector airbyte spec|check|discover|read` is a complete Airbyte source: one stream per table the
sync writes from a catalog resource, incremental where the sync is, STATE after every window page.
"""

from __future__ import annotations

from mailjet_connector.airbyte.entry import COMMANDS, run

__all__ = ["COMMANDS", "run"]
