"""The SAM frame codec and the card text layouts, on the byte transcripts of
idcard-sam.md."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import date

import pytest

from devices.idcard.cardtext import decode_card_text, encode_card_text
from devices.idcard.frames import (
    FIND_CARD,
    READ_ADDRESS,
    READ_BASE,
    READ_BASE_FP,
    SAM_ID,
    SAM_RESET,
    SAM_STATUS,
    SELECT_CARD,
    BadChecksum,
    FrameDecoder,
    SamFrame,
    build_read_data,
    encode_request,
    encode_response,
    parse_request,
    parse_response,
    split_read_data,
)
from devices.idcard.model import CardType
from devices.idcard.samples import SAMPLE_CARDS, sample_card
from devices.idcard.tables import NATIONS, SW3_MESSAGES, sw3_message

H = bytes.fromhex

# The complete requests table of idcard-sam.md.
REQUESTS = {
    SAM_RESET: "AA AA AA 96 69 00 03 10 FF EC",
    SAM_STATUS: "AA AA AA 96 69 00 03 11 FF ED",
    SAM_ID: "AA AA AA 96 69 00 03 12 FF EE",
    FIND_CARD: "AA AA AA 96 69 00 03 20 01 22",
    SELECT_CARD: "AA AA AA 96 69 00 03 20 02 21",
    READ_BASE: "AA AA AA 96 69 00 03 30 01 32",
    READ_ADDRESS: "AA AA AA 96 69 00 03 30 03 30",
    READ_BASE_FP: "AA AA AA 96 69 00 03 30 10 23",
}

FIND_OK = H("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
SELECT_OK = H("AA AA AA 96 69 00 0C 00 00 90") + bytes(8) + H("9C")
READ_FAILED = H("AA AA AA 96 69 00 04 00 00 41 45")


@pytest.mark.parametrize(("cmd", "transcript"), REQUESTS.items())
def test_requests_match_the_table(cmd: tuple[int, int], transcript: str) -> None:
    assert encode_request(*cmd) == H(transcript)
    (frame,) = FrameDecoder().feed(H(transcript))
    request = parse_request(frame)  # type: ignore[arg-type]
    assert request is not None and (request.cmd, request.para) == cmd


def test_example_responses_decode() -> None:
    frames = FrameDecoder().feed(FIND_OK + SELECT_OK + READ_FAILED)
    responses = [parse_response(f) for f in frames]  # type: ignore[arg-type]
    assert [r.sw3 for r in responses if r] == [0x9F, 0x90, 0x41]
    assert responses[0] is not None and responses[0].data == bytes(4)
    assert responses[1] is not None and responses[1].ok
    assert responses[2] is not None and responses[2].message == "读证件失败"


def test_example_responses_are_what_we_encode() -> None:
    assert encode_response(0x9F, bytes(4)) == FIND_OK
    assert encode_response(0x90, bytes(8)) == SELECT_OK
    assert encode_response(0x41) == READ_FAILED


def test_read_answer_is_1295_bytes_with_the_documented_head() -> None:
    card = sample_card(CardType.RESIDENT)
    frame = encode_response(0x90, build_read_data(encode_card_text(card), card.photo_wlt))
    assert len(frame) == 1295
    assert frame[:14] == H("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")


def test_decoder_skips_garbage_and_reassembles_pieces() -> None:
    decoder = FrameDecoder()
    stream = b"\x00\xaa\x13\xaa\xaa" + FIND_OK + b"noise\xaa\xaa\xaa" + SELECT_OK
    out = []
    for i in range(0, len(stream), 3):
        out += decoder.feed(stream[i : i + 3])
    assert [f.payload[2] for f in out if isinstance(f, SamFrame)] == [0x9F, 0x90]


def test_bad_checksum_is_reported_and_the_next_frame_still_decodes() -> None:
    broken = FIND_OK[:-1] + bytes([FIND_OK[-1] ^ 1])
    out = FrameDecoder().feed(broken + SELECT_OK)
    assert isinstance(out[0], BadChecksum)
    assert isinstance(out[1], SamFrame) and out[1].payload[2] == 0x90


def test_a_false_preamble_claiming_too_much_does_not_hold_up_the_next_frame() -> None:
    """Bounded look-ahead: a LEN no SAM answer has is noise at once, so the real
    answer right behind it comes out of the same read, not 64 KB later."""
    decoder = FrameDecoder()
    out = decoder.feed(H("AA AA AA 96 69 FF FF 00") + FIND_OK)
    assert [type(f) for f in out] == [SamFrame] and out[0].payload[2] == 0x9F
    assert decoder.pending == 0


def test_the_longest_answer_still_fits() -> None:
    """Text + photo + a 1024-byte fingerprint: LEN 2314, inside the look-ahead."""
    data = build_read_data(b"t" * 256, b"p" * 1024, b"f" * 1024)
    frame = encode_response(0x90, data)
    assert int.from_bytes(frame[5:7], "big") == 2314
    decoder = FrameDecoder()
    out = []
    for i in range(0, len(frame), 100):
        out += decoder.feed(frame[i : i + 100])
    (got,) = out
    assert isinstance(got, SamFrame) and parse_response(got).data == data  # type: ignore[union-attr]


def test_split_read_data_checks_the_lengths() -> None:
    data = build_read_data(b"t" * 256, b"p" * 1024)
    parts = split_read_data(data)
    assert parts is not None and parts.text == b"t" * 256 and parts.photo == b"p" * 1024
    assert split_read_data(data[:-1]) is None
    with_fp = build_read_data(b"t" * 256, b"p" * 1024, b"f" * 512)
    fp_parts = split_read_data(with_fp, with_fingerprint=True)
    assert fp_parts is not None and fp_parts.fingerprint == b"f" * 512


def test_every_documented_status_code_has_a_chinese_message() -> None:
    documented = [0x90, 0x9F, 0x80, 0x81, 0x41, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32,
                  0x33, 0x40, 0x47, 0x60, 0x66, 0x91]
    assert sorted(SW3_MESSAGES) == sorted(documented)
    for code in documented:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in sw3_message(code))
    assert sw3_message(0x80) == "未检测到证件"
    assert "0x77" in sw3_message(0x77)


def test_nation_table_is_complete() -> None:
    assert len(NATIONS) == 58
    assert NATIONS["01"] == "汉" and NATIONS["56"] == "基诺" and NATIONS["98"].startswith("外国")


# ---- card text ---------------------------------------------------------------------


@pytest.mark.parametrize("card_type", list(CardType))
def test_card_text_round_trips_for_every_card_type(card_type: CardType) -> None:
    card = SAMPLE_CARDS[card_type]
    text = encode_card_text(card)
    assert len(text) == 256
    assert decode_card_text(text, card.photo_wlt) == card


def test_resident_layout_offsets_by_hand() -> None:
    def field(value: str, n: int) -> bytes:
        raw = value.encode("utf-16-le")
        return raw + " ".encode("utf-16-le") * ((n - len(raw)) // 2)

    text = (
        field("张三", 30) + field("1", 2) + field("01", 4) + field("19900307", 16)
        + field("山东省济南市历下区泉城路1号", 70) + field("370102199003070019", 36)
        + field("济南市公安局历下分局", 30) + field("20150101", 16) + field("长期", 16)
        + field("", 36)
    )
    card = decode_card_text(text)
    assert card is not None
    assert card.card_type is CardType.RESIDENT
    assert (card.name, card.sex, card.nation) == ("张三", "男", "汉")
    assert card.birth_date == date(1990, 3, 7)
    assert card.id_number == "370102199003070019"
    assert card.valid_to is None and card.long_term and card.valid_to_text == "长期"


def test_names_with_middle_dot_and_long_term() -> None:
    card = decode_card_text(encode_card_text(SAMPLE_CARDS[CardType.RESIDENT]))
    assert card is not None and card.name == "阿依古丽·买买提" and card.nation == "维吾尔"
    assert card.to_dict()["valid_to"] == "长期"


def test_gat_permit_fields() -> None:
    card = decode_card_text(encode_card_text(SAMPLE_CARDS[CardType.GAT]))
    assert card is not None
    assert card.card_type is CardType.GAT and card.id_number.startswith("810000")
    assert (card.pass_number, card.issue_count, card.nation) == ("H12345678", "01", "")


def test_foreign_2017_layout() -> None:
    text = encode_card_text(SAMPLE_CARDS[CardType.FOREIGN_2017])
    assert text[248:250].decode("utf-16-le") == "I"
    assert text[152:158].decode("utf-16-le") == "USA"
    card = decode_card_text(text)
    assert card is not None
    assert card.english_name == "SMITH, JOHN WILLIAM" and card.nationality_name == "美国"
    assert card.id_number == "USA310000850620" and card.authority == "1500"


def test_foreign_2023_english_name_spans_both_parts() -> None:
    long_name = "ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFGHIJKLM"  # 40 chars: 35 + 5
    card = replace(SAMPLE_CARDS[CardType.FOREIGN_2023], english_name=long_name)
    text = encode_card_text(card)
    assert text[52:122].decode("utf-16-le") == long_name[:35]
    assert text[220:230].decode("utf-16-le") == long_name[35:]
    decoded = decode_card_text(text)
    assert decoded is not None and decoded.english_name == long_name
    assert decoded.id_number.startswith("9") and decoded.nationality == "ESP"


def test_unknown_type_mark_or_bad_dates_are_not_a_card() -> None:
    text = bytearray(encode_card_text(SAMPLE_CARDS[CardType.RESIDENT]))
    text[248:250] = "Z".encode("utf-16-le")
    assert decode_card_text(bytes(text)) is None
    bad_date = bytearray(encode_card_text(SAMPLE_CARDS[CardType.GAT]))
    bad_date[36:52] = "19901399".encode("utf-16-le")
    assert decode_card_text(bytes(bad_date)) is None
    assert decode_card_text(b"short") is None


def test_photo_stays_out_of_repr_dict_equality_and_pickles() -> None:
    card = SAMPLE_CARDS[CardType.RESIDENT]
    assert len(card.photo_wlt) == 1024
    assert "photo" not in repr(card)
    assert "photo_wlt" not in card.to_dict()
    assert replace(card, photo_wlt=b"") == card
    clone = pickle.loads(pickle.dumps(card))
    assert clone.photo_wlt == b"" and clone.name == card.name


def test_card_type_parse() -> None:
    assert CardType.parse("j") is CardType.GAT
    assert CardType.parse("resident") is CardType.RESIDENT
    with pytest.raises(ValueError, match="未知证件类型"):
        CardType.parse("X")
