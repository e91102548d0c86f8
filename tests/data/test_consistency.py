"""The read-your-writes token: its text form, and what a request that carries one may read."""

import pytest

from service.db.consistency import format_position, parse_position


@pytest.mark.parametrize(
    ("text", "position"),
    [("0/0", 0), ("0/16B3748", 0x16B3748), ("1/0", 1 << 32), ("a/ff", (10 << 32) + 255)],
)
def test_positions_read_and_write_in_postgresql_lsn_form(text: str, position: int) -> None:
    assert parse_position(text) == position
    assert parse_position(format_position(position)) == position


@pytest.mark.parametrize(
    "mangled", ["", "16B3748", "0/", "x/1", "0/123456789", "0/1; DROP", " 0 / 1"]
)
def test_a_mangled_position_is_no_position(mangled: str) -> None:
    assert parse_position(mangled) is None
