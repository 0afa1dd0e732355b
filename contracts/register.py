"""What the register of document numbers is asked (activities/register.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DrawNumber:
    """Draw the next number of ``prefix``'s ``year`` for ``key`` (the same key draws the same number again)."""

    prefix: str  # the organ's 机关代字, state.organs.lead_prefix
    year: int  # the Asia/Shanghai year of the document
    key: str  # what is numbered, e.g. "announcement:<id>" or "revocation:<id>"
    purpose: str  # in Chinese, for the register's list
