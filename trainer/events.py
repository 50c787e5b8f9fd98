"""Progress as JSON lines on stdout: one object per event, the protocol the app reads."""
import json
import sys
import time


def emit(event: str, **fields) -> None:
    record = {"event": event, "time": round(time.time(), 3), **fields}
    sys.stdout.write(json.dumps(record, default=_jsonable) + "\n")
    sys.stdout.flush()


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    return str(value)
