"""Pinyin initials, the way workers type names on a phone keyboard."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=8192)
def pinyin_initials(name: str) -> str:
    """张三丰 → zsf: lets a worker find a person (or a township) by typing the initials."""
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
