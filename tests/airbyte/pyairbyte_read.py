"""Run inside PyAirbyte's own venv (see `pyairbyte.py`): read every stream of our source into a DuckDB cache.

Usage: python pyairbyte_read.py EXECUTABLE CONFIG_JSON CACHE_DIR
Prints one JSON object on the last line of stdout: {"streams": {name: rows in the cache}, "records": n}.
"""

import json
import sys
from pathlib import Path

import airbyte as ab


def main() -> None:
    executable, config, cache_dir = sys.argv[1], json.loads(Path(sys.argv[2]).read_text()), Path(sys.argv[3])
    source = ab.get_source("source-mailjet-connector", config=config, local_executable=executable)
    source.check()
    source.select_all_streams()
    cache = ab.DuckDBCache(db_path=cache_dir / "cache.duckdb", cache_dir=cache_dir)
    result = source.read(cache=cache, force_full_refresh=True)
    counts = {name: len(dataset) for name, dataset in result.streams.items()}
    print(json.dumps({"streams": counts, "records": result.processed_records}))


if __name__ == "__main__":
    main()
