"""What the emulator says each stream holds: `countOnly` calls with the filters of each of the stream's walks."""

from __future__ import annotations

from mailjet_connector import catalog
from mailjet_connector.airbyte.read import StreamReader, create_context
from mailjet_connector.airbyte.streams import stream_infos
from mailjet_connector.client import Client
from mailjet_connector.sync.incremental import Window
from mailjet_connector.sync.stream_sets import parent_stream
from mailjet_connector.sync.streams import WINDOW, stream_window, walk_spec, window_parts


def emulator_counts(client: Client, names: list[str]) -> dict[str, int]:
    """Rows per stream as the API counts them (messagehistory: summed over every message)."""
    ctx, infos, counts = create_context(client), stream_infos(), {}
    for name in names:
        info = infos[name]
        if info.by_parent:
            assert info.res.parent is not None
            ids = [row["ID"] for row in client.iter(info.res.parent[0])]
            specs = [walk_spec(parent_stream(info.res, i), Window(0, 0), 1) for i in ids]
        else:
            streams = StreamReader(ctx, info, False, {}).streams()
            specs = [
                walk_spec(s, part, 1)
                for s in streams
                for part in (
                    window_parts(s, stream_window(ctx, s, None)) if s.mode == WINDOW else [Window(0, 0)]
                )
            ]
        counts[name] = sum(client.count(catalog.get(name).name, spec.filters) for spec in specs)
    return counts
