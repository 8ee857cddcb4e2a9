"""The audit log: who changed what, when, with the values before and after."""

from meadow.audit.record import record

__all__ = ["record"]
