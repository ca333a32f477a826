"""Property tests: random bytes into every codec. No exception escapes, nothing hangs
(a per-test timeout guards that), and good frames survive any garbage around them."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.escpos.builder import EscPosBuilder, encode_gb18030
from devices.escpos.simulator import PrinterSimulator
from devices.escpos.status import is_status_byte, parse_status
from devices.idcard.cardtext import decode_card_text
from devices.idcard.frames import (
    PREAMBLE,
    BadChecksum,
    SamFrame,
    encode_response,
    parse_request,
    parse_response,
    split_read_data,
    xor_checksum,
)
from devices.idcard.frames import (
    FrameDecoder as SamDecoder,
)
from devices.pad.codec import Frame, decode_message, encode_frame
from devices.pad.codec import FrameDecoder as PadDecoder
from devices.pad.link import ReliableLink
from devices.scanner.codec import LineDecoder
from devices.scanner.wedge import WedgeDetector
from devices.sscard.apdu import SsCardError, SsCardReader, build_data, decode_date, parse_record

pytestmark = pytest.mark.timeout(120)
FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
chunks = st.lists(st.binary(max_size=64), max_size=24)


# ---- ID card -------------------------------------------------------------------------


@FUZZ
@given(chunks)
def test_sam_decoder_never_raises(parts: list[bytes]) -> None:
    decoder = SamDecoder()
    for part in parts:
        for item in decoder.feed(part):
            if isinstance(item, SamFrame):
                parse_response(item)
                parse_request(item)


@FUZZ
@given(st.binary(max_size=40), st.binary(max_size=40), st.binary(max_size=64),
       st.integers(1, 7))
def test_sam_frame_survives_garbage(before: bytes, after: bytes, data: bytes, step: int) -> None:
    frame = encode_response(0x90, data)
    # Garbage that contains no preamble can't be mistaken for a frame start.
    before = before.replace(b"\xaa", b"\x00")
    stream = before + frame + after
    decoder = SamDecoder()
    out: list[Any] = []
    for i in range(0, len(stream), step):
        out += decoder.feed(stream[i : i + step])
    responses = [parse_response(f) for f in out if isinstance(f, SamFrame)]
    assert any(r is not None and r.sw3 == 0x90 and r.data == data for r in responses)


def reference_sam_decode(stream: bytes, max_frame: int) -> list[Any]:
    """The SAM framing rules written the obvious way (slow, whole stream at once)."""
    out: list[Any] = []
    pos = 0
    while True:
        start = stream.find(PREAMBLE, pos)
        if start < 0 or len(stream) - start < 7:
            return out
        length = int.from_bytes(stream[start + 5 : start + 7], "big")
        if not 1 <= length <= max_frame:
            pos = start + 1
            continue
        end = start + 7 + length
        if len(stream) < end:
            return out
        body = stream[start + 5 : end - 1]
        if xor_checksum(body) == stream[end - 1]:
            out.append(SamFrame(body[2:]))
            pos = end
        else:
            out.append(BadChecksum(body[2:]))
            pos = start + 1


# Streams rich in preambles: real frames, false preambles with any LEN, noise.
sam_pieces = st.lists(
    st.one_of(
        st.binary(max_size=12).map(lambda data: encode_response(0x90, data)),
        st.tuples(st.integers(0, 0xFFFF), st.binary(max_size=6)).map(
            lambda t: PREAMBLE + t[0].to_bytes(2, "big") + t[1]
        ),
        st.binary(max_size=16),
        st.just(PREAMBLE[:3]),
    ),
    max_size=30,
)


@FUZZ
@given(sam_pieces, st.integers(1, 64), st.sampled_from([8, 40, 4096]))
def test_sam_decoder_matches_the_reference_in_any_chunking(pieces: list[bytes], step: int,
                                                            max_frame: int) -> None:
    """The linear decoder (running XOR, bounded look-ahead) gives exactly the frames
    and bad checksums of the plain rules, however the bytes are split into reads."""
    stream = b"".join(pieces)
    decoder = SamDecoder(max_frame=max_frame)
    out: list[Any] = []
    for i in range(0, len(stream), step):
        out += decoder.feed(stream[i : i + step])
    assert out == reference_sam_decode(stream, max_frame)
    assert decoder.pending <= max(len(stream), 4) and decoder.pending <= max_frame + 7 + step


@FUZZ
@given(st.lists(st.binary(max_size=40), min_size=1, max_size=8),
       st.lists(st.binary(max_size=20), min_size=8, max_size=8), st.integers(1, 50))
def test_sam_frames_between_false_preambles_all_come_out(datas: list[bytes],
                                                        noise: list[bytes],
                                                        step: int) -> None:
    """Real frames separated by false preambles claiming too much are all decoded."""
    stream = b""
    for data, junk in zip(datas, noise, strict=False):
        stream += PREAMBLE + b"\xff\xff" + junk.replace(b"\xaa", b"") + encode_response(0x90, data)
    decoder = SamDecoder()
    out: list[Any] = []
    for i in range(0, len(stream), step):
        out += decoder.feed(stream[i : i + step])
    got = [parse_response(f) for f in out if isinstance(f, SamFrame)]
    assert [r.data for r in got if r is not None] == datas


@FUZZ
@given(st.binary(min_size=256, max_size=256), st.binary(max_size=1024))
def test_card_text_decoder_never_raises(text: bytes, photo: bytes) -> None:
    card = decode_card_text(text, photo)
    if card is not None:
        card.to_dict()


@FUZZ
@given(st.binary(max_size=2000), st.booleans())
def test_read_data_split_never_raises(data: bytes, fingerprint: bool) -> None:
    split_read_data(data, fingerprint)


# ---- pad ------------------------------------------------------------------------------


@FUZZ
@given(chunks, st.lists(st.floats(0, 2), min_size=24, max_size=24))
def test_pad_decoder_and_link_never_raise(parts: list[bytes], gaps: list[float]) -> None:
    decoder = PadDecoder(gap_timeout=0.5)
    link = ReliableLink(lambda data: None)
    now = 0.0
    for part, gap in zip(parts, gaps, strict=False):
        now += gap
        for item in decoder.feed(part, now) + decoder.poll(now + 0.6):
            link.receive(item, now)
            if isinstance(item, Frame):
                decode_message(item)
        link.poll(now)


@FUZZ
@given(st.binary(max_size=48), st.binary(max_size=48), st.integers(0, 255),
       st.integers(0, 255), st.binary(max_size=32), st.integers(1, 9))
def test_pad_frame_survives_garbage(before: bytes, after: bytes, seq: int, cmd: int,
                                    payload: bytes, step: int) -> None:
    frame = Frame(seq, cmd, payload)
    stream = before + encode_frame(frame) + after
    decoder = PadDecoder(gap_timeout=0.5)
    out: list[Any] = []
    t = 0.0
    for i in range(0, len(stream), step):
        t += 0.001
        out += decoder.feed(stream[i : i + step], t)
    out += decoder.poll(t + 1.0)  # the gap timeout clears any false start
    assert frame in out


@FUZZ
@given(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=64))
def test_pad_messages_decode_or_none(seq: int, cmd: int, payload: bytes) -> None:
    decode_message(Frame(seq, cmd, payload))


# ---- printer --------------------------------------------------------------------------


@FUZZ
@given(st.dictionaries(st.sampled_from([1, 2, 4]), st.one_of(st.none(), st.integers(0, 255)),
                       min_size=1))
def test_status_parse_never_raises_and_noise_is_never_ok(answers: dict[int, int | None]) -> None:
    status = parse_status(answers)
    if any(v is None or not is_status_byte(v) for v in answers.values()):
        assert not status.ok


@FUZZ
@given(st.text(max_size=80))
def test_gb18030_encoder_never_raises(text: str) -> None:
    data = encode_gb18030(text)
    assert b"\x1b" not in data and b"\x10" not in data
    EscPosBuilder().init().line(text).build()


@FUZZ
@given(chunks)
def test_printer_simulator_parser_never_raises(parts: list[bytes]) -> None:
    sim = PrinterSimulator(paced=False)
    sim.send_frame = lambda data: None  # type: ignore[method-assign]  # no port needed
    for part in parts:
        sim.on_bytes(part)
    assert len(sim.received) <= sum(map(len, parts))


# ---- scanner --------------------------------------------------------------------------


@FUZZ
@given(chunks)
def test_line_decoder_never_raises(parts: list[bytes]) -> None:
    decoder = LineDecoder(max_line=32)
    for part in parts:
        for code in decoder.feed(part):
            assert code and "\r" not in code and "\n" not in code


@FUZZ
@given(st.lists(st.tuples(st.text(min_size=1, max_size=6), st.floats(0, 1)), max_size=60))
def test_wedge_detector_never_raises(keys: list[tuple[str, float]]) -> None:
    detector = WedgeDetector()
    t = 0.0
    for key, gap in keys:
        t += gap
        result = detector.feed(key, t)
        if result is not None:
            assert len(result.text) >= detector.min_chars


# ---- social-security card -------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=40), st.integers(0, 255))
def test_record_helpers_never_raise(data: bytes, tag: int) -> None:
    parse_record(data, tag)
    decode_date(data)
    build_data({"name": data, "sex": data, "nation": data, "birth_date": data, "ssn": data})


@FUZZ
@given(st.lists(st.tuples(st.binary(max_size=40), st.integers(0, 255), st.integers(0, 255)),
                min_size=1, max_size=30))
def test_apdu_reader_with_a_card_answering_nonsense(answers) -> None:
    class Nonsense:
        def __init__(self) -> None:
            self.i = 0

        def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
            self.i += 1
            return answers[self.i % len(answers)]

    with contextlib.suppress(SsCardError):  # the only exception allowed out
        SsCardReader(Nonsense()).read()
