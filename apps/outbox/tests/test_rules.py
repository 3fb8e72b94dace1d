from datetime import timedelta

import pytest

from apps.outbox.rules.delivery import retry_delay, sms_address

DELAYS = (60, 600, 3600)


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [(1, timedelta(minutes=1)), (2, timedelta(minutes=10)), (3, timedelta(hours=1)), (4, None), (9, None)],
)
def test_the_delay_grows_then_the_message_is_left_failed(attempts, wait):
    assert retry_delay(attempts=attempts, delays=DELAYS) == wait


def test_no_delays_means_one_try():
    assert retry_delay(attempts=1, delays=()) is None
    with pytest.raises(ValueError):
        retry_delay(attempts=0, delays=DELAYS)


@pytest.mark.parametrize(
    ("phone", "address"),
    [
        ("0912 345 678", "0912345678"),
        ("+84-912.345.678", "+84912345678"),
        ("(024) 3825 1234", "02438251234"),
        ("", ""),
        ("không có", ""),
        ("12345", ""),
        ("0912²345678", ""),
    ],
)
def test_a_phone_number_as_people_type_it(phone, address):
    assert sms_address(phone) == address
