"""One intake in a process of its own with a fault planted, for the kill -9 tests:

    python -m tests.faults.runner MOMENT INBOX OUT DATABASE_URL AS_OF

The process kills itself (SIGKILL: no clean-up, no finally) at MOMENT; the test then runs
the intake again and checks that every 回执 and mail exists exactly once.
"""

from __future__ import annotations

import os
import signal
import smtplib
import sys

from connectors.files import replacing
from connectors.store import Store
from flows import receipt_steps


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def kill_at(owner, name: str, call: int = 1, before: bool = False) -> None:
    """Kill the process at the `call`-th call of owner.name, before or after it ran."""
    original, calls = getattr(owner, name), [0]

    def planted(*args, **kwargs):
        calls[0] += 1
        if before and calls[0] == call:
            die()
        result = original(*args, **kwargs)
        if calls[0] == call:
            die()
        return result

    setattr(owner, name, planted)


def cut_second_receipt() -> None:
    """The second 回执 is half written when the process dies."""
    original, calls = receipt_steps.write_receipt, [0]

    def planted(path, lines):
        calls[0] += 1
        if calls[0] == 2:
            with replacing(path) as temporary:
                temporary.write_bytes(b"PK\x03\x04" + b"\0" * 100)
                die()
        return original(path, lines)

    receipt_steps.write_receipt = planted


MOMENTS = {
    "after-commit": lambda: kill_at(Store, "record_scan"),
    "mid-receipt": cut_second_receipt,
    "after-receipts": lambda: kill_at(Store, "settle_receipts"),
    "mid-mail": lambda: kill_at(smtplib.SMTP, "data", call=2, before=True),
}


if __name__ == "__main__":
    moment, inbox, out, database, as_of = sys.argv[1:]
    MOMENTS[moment]()
    os.environ.update(XZZF_INBOX=inbox, XZZF_OUT=out, XZZF_DATABASE_URL=database)
    from flows.intake import intake

    intake(as_of=as_of)
    sys.exit(3)  # the fault never fired: the test fails on this exit code
