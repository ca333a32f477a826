"""Pad protocol v1: CRC, framing with resync, messages, and the reliability rules."""

from __future__ import annotations

import pytest

from devices.pad.codec import (
    Ack,
    BadFrame,
    Button,
    Cmd,
    Frame,
    FrameDecoder,
    Heartbeat,
    Hello,
    Info,
    Nak,
    NakReason,
    RateCancel,
    RateRequest,
    Rating,
    RatingCancelled,
    RatingTimeout,
    SetClock,
    ShowIdle,
    ShowServing,
    crc16_ccitt_false,
    decode_message,
    encode_frame,
    encode_message,
    mask_from_reasons,
    reasons_from_mask,
)
from devices.pad.link import ReliableLink

H = bytes.fromhex


def test_crc_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1
    assert crc16_ccitt_false(b"") == 0xFFFF


def test_hello_frame_bytes() -> None:
    # STX, LEN=0002, SEQ=00, CMD=10, CRC over 00 02 00 10, ETX
    crc = crc16_ccitt_false(H("00020010"))
    assert encode_frame(Frame(0, Cmd.HELLO)) == H("0200020010") + crc.to_bytes(2, "big") + b"\x03"


def test_rating_frame_transcript() -> None:
    frame = Frame(5, Cmd.RATING, H("0000002A") + b"\x02" + H("0003"))
    data = encode_frame(frame)
    assert data[:6] == H("02 0009 05 A0 00".replace(" ", ""))
    assert data[-1] == 0x03 and len(data) == 1 + 2 + 9 + 2 + 1
    (decoded,) = FrameDecoder().feed(data, 0.0)
    assert decoded == frame
    assert decode_message(decoded) == Rating(42, 2, 3)


MESSAGES = [
    Ack(7), Nak(9, NakReason.CRC), Hello(), ShowIdle("3", "张敏", "1024", "历下区政务服务大厅"),
    ShowServing("B012", "职工退休一件事"), RateRequest(0xDEADBEEF, 60, "C2024-0001", "社会保险"),
    RateCancel(1), SetClock("20240501093000"), Info("厂商", "P1", "1.2", "SN1", "1"),
    Rating(3, 5, 0), RatingTimeout(4), RatingCancelled(5), Heartbeat(0x03), Button(1),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_messages_round_trip(message) -> None:
    cmd, payload = encode_message(message)
    assert decode_message(Frame(1, cmd, payload)) == message


def test_text_fields_are_utf8_separated_by_1f() -> None:
    _, payload = encode_message(ShowServing("B012", "职工退休一件事"))
    assert payload == b"B012\x1f" + "职工退休一件事".encode()


def test_bad_payloads_decode_to_none() -> None:
    assert decode_message(Frame(0, Cmd.RATING, b"\x00")) is None
    assert decode_message(Frame(0, Cmd.RATE_REQUEST, H("00000001") + b"\x05" + b"a\x1fb")) is None
    assert decode_message(Frame(0, Cmd.SHOW_IDLE, b"only-one-field")) is None
    assert decode_message(Frame(0, Cmd.INFO, b"\xff\xfe")) is None
    assert decode_message(Frame(0, 0x77, b"")) is None
    with pytest.raises(ValueError):
        encode_message(RateRequest(1, 5, "a", "b"))


def test_reason_bits() -> None:
    assert reasons_from_mask(0b1000000001) == ["服务态度差", "其他"]
    assert mask_from_reasons(["未一次性告知", "多次跑动"]) == 0b100100


# ---- decoder ------------------------------------------------------------------------


def frames_of(items):
    return [i for i in items if isinstance(i, Frame)]


def test_garbage_between_frames_and_pieces() -> None:
    a = encode_frame(Frame(1, Cmd.HEARTBEAT, b"\x01"))
    b = encode_frame(Frame(2, Cmd.BUTTON, b"\x01"))
    stream = b"\xff\x03\x00" + a + b"\x02\x00" + b"noise" + b
    decoder = FrameDecoder()
    out = []
    for i, byte in enumerate(stream):
        out += decoder.feed(bytes([byte]), i * 0.001)
    assert [f.seq for f in frames_of(out)] == [1, 2]


def test_bad_crc_is_dropped_with_its_seq_and_the_hunt_goes_on() -> None:
    good = encode_frame(Frame(9, Cmd.HEARTBEAT, b"\x01"))
    bad = bytearray(good)
    bad[-2] ^= 0xFF
    out = FrameDecoder().feed(bytes(bad) + good, 0.0)
    assert out[0] == BadFrame(NakReason.CRC, 9)
    assert frames_of(out) == [Frame(9, Cmd.HEARTBEAT, b"\x01")]


def test_missing_etx_and_length_out_of_range() -> None:
    good = encode_frame(Frame(3, Cmd.HELLO))
    no_etx = good[:-1] + b"\x04"
    out = FrameDecoder().feed(no_etx + b"\x02\x00\x01" + b"\x02\x10\x00" + good, 0.0)
    reasons = [i.reason for i in out if isinstance(i, BadFrame)]
    assert NakReason.LENGTH in reasons
    assert frames_of(out) == [Frame(3, Cmd.HELLO)]


def test_half_frame_is_dropped_after_the_gap_timeout() -> None:
    decoder = FrameDecoder(gap_timeout=0.5, lookahead=False)
    good = encode_frame(Frame(4, Cmd.HELLO))
    # A false STX announcing a long frame, then a real frame inside the "long frame".
    assert decoder.feed(b"\x02\x03\x00" + good, 0.0) == []
    assert decoder.poll(0.4) == []
    assert frames_of(decoder.poll(0.6)) == [Frame(4, Cmd.HELLO)]
    assert decoder.pending == 0


def test_pieces_with_gaps_below_the_timeout_still_make_a_frame() -> None:
    decoder = FrameDecoder(gap_timeout=0.5)
    data = encode_frame(Frame(8, Cmd.HEARTBEAT, b"\x01"))
    assert decoder.feed(data[:4], 0.0) == []
    assert decoder.feed(data[4:7], 0.45) == []
    assert frames_of(decoder.feed(data[7:], 0.9)) == [Frame(8, Cmd.HEARTBEAT, b"\x01")]


def test_lookahead_resyncs_at_once() -> None:
    decoder = FrameDecoder(gap_timeout=0.5)
    good = encode_frame(Frame(4, Cmd.HELLO))
    assert frames_of(decoder.feed(b"\x02\x03\x00" + good, 0.0)) == [Frame(4, Cmd.HELLO)]


def test_a_gap_longer_than_the_timeout_drops_the_half_frame() -> None:
    decoder = FrameDecoder(gap_timeout=0.5)
    data = encode_frame(Frame(8, Cmd.HEARTBEAT, b"\x01"))
    decoder.feed(data[:5], 0.0)
    assert frames_of(decoder.feed(data[5:], 1.0)) == []
    assert frames_of(decoder.feed(data, 1.1)) == [Frame(8, Cmd.HEARTBEAT, b"\x01")]


# ---- reliability ----------------------------------------------------------------------


class Wire:
    def __init__(self) -> None:
        self.sent: list[Frame] = []

    def __call__(self, data: bytes) -> None:
        self.sent += frames_of(FrameDecoder().feed(data, 0.0))


def test_ack_settles_and_the_next_frame_goes() -> None:
    wire = Wire()
    link = ReliableLink(wire)
    link.send(Hello(), 0.0)
    link.send(SetClock("20240101000000"), 0.0)
    assert [f.cmd for f in wire.sent] == [Cmd.HELLO]
    link.receive(Frame(0, Cmd.ACK, bytes([wire.sent[0].seq])), 0.05)
    assert [f.cmd for f in wire.sent] == [Cmd.HELLO, Cmd.SET_CLOCK]
    assert wire.sent[1].seq == 1


def test_retransmits_every_300_ms_three_times_then_gives_up() -> None:
    wire, gone = Wire(), []
    link = ReliableLink(wire, on_give_up=gone.append)
    link.send(RateCancel(1), 0.0)
    for t in (0.1, 0.29):
        link.poll(t)
    assert len(wire.sent) == 1
    for t in (0.3, 0.61, 0.92):
        link.poll(t)
    assert len(wire.sent) == 4 and len({f.seq for f in wire.sent}) == 1
    assert gone == []
    link.poll(1.25)
    assert gone == [RateCancel(1)] and link.idle


def test_nak_resends_at_once_busy_waits() -> None:
    wire = Wire()
    link = ReliableLink(wire)
    link.send(Hello(), 0.0)
    link.receive(Frame(0, Cmd.NAK, bytes([0, NakReason.BUSY])), 0.01)
    assert len(wire.sent) == 1
    link.receive(Frame(1, Cmd.NAK, bytes([0, NakReason.CRC])), 0.02)
    assert len(wire.sent) == 2 and wire.sent[1].seq == 0


def test_every_frame_but_ack_is_acked_and_duplicates_are_not_acted_on() -> None:
    wire = Wire()
    link = ReliableLink(wire)
    cmd, payload = encode_message(Rating(7, 5, 0))
    assert link.receive(Frame(5, cmd, payload), 0.0) == Rating(7, 5, 0)
    # The pad's ACK (SEQ 6) for something of ours in between: never "accepted".
    assert link.receive(Frame(6, Cmd.ACK, b"\x00"), 0.0) is None
    assert link.receive(Frame(5, cmd, payload), 0.1) is None  # still the duplicate
    assert [f.cmd for f in wire.sent] == [Cmd.ACK, Cmd.ACK]
    assert [f.payload for f in wire.sent] == [b"\x05", b"\x05"]
    assert link.duplicates == 1
    assert link.receive(Frame(7, cmd, payload), 0.2) == Rating(7, 5, 0)  # new SEQ: acted on


def test_unknown_command_and_bad_payload_are_naked() -> None:
    wire = Wire()
    link = ReliableLink(wire)
    assert link.receive(Frame(1, 0x77, b""), 0.0) is None
    assert link.receive(Frame(2, Cmd.RATING, b"\x01"), 0.0) is None
    assert [(f.cmd, f.payload) for f in wire.sent] == [
        (Cmd.NAK, bytes([1, NakReason.UNKNOWN_COMMAND])),
        (Cmd.NAK, bytes([2, NakReason.BAD_PAYLOAD])),
    ]


def test_sequence_numbers_wrap() -> None:
    wire = Wire()
    link = ReliableLink(wire)
    link.tx_seq = 255
    link.send(Hello(), 0.0)
    link.receive(Frame(0, Cmd.ACK, b"\xff"), 0.0)
    link.send(Hello(), 0.0)
    assert [f.seq for f in wire.sent] == [255, 0]
