"""统一社会信用代码 (GB 32100-2015), no I/O: the 18-character code of a unit.

1 registering authority, 1 organisation type, 6 area code, 9 organisation code and a
check character, all from the 31-character alphabet below (no I, O, S, V, Z). The
check: weights 3^i mod 31 for positions 0…16, each character counted by its index in
the alphabet, check = alphabet[(31 − Σ mod 31) mod 31]. A unit's code is public: it
is printed in full (domain.md §8).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 …
LENGTH = 18


class CreditCodeError(ValueError):
    """What is wrong with a code, in Chinese (never repeating the code)."""


def normalize(raw: str) -> str:
    """Upper case, blanks removed (the code is often read off a licence in groups)."""
    return "".join(raw.split()).upper()


def check_char(first17: str) -> str:
    """The check character of the first 17 characters."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(raw: str) -> str:
    """The normalised code, or CreditCodeError naming what is wrong."""
    code = normalize(raw)
    if len(code) != LENGTH:
        raise CreditCodeError(f"统一社会信用代码应为18位（现为{len(code)}位）")
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        hint = "（不使用字母 I、O、S、V、Z）" if any(ch in "IOSVZ" for ch in bad) else ""
        raise CreditCodeError(f"统一社会信用代码含有无效字符“{bad[0]}”{hint}")
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第3至8位应为登记管理机关行政区划码（数字）")
    expected = check_char(code[:17])
    if code[17] != expected:
        raise CreditCodeError("统一社会信用代码校验位不正确，请核对营业执照上的代码")
    return code


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except CreditCodeError:
        return False
    return True
