"""Texts in Chinese and, optionally, English: the one model every config name, definition and goal uses."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, WithJsonSchema

from campuseval.i18n import Lang

MAX_TEXT = 2000  # characters in one name, definition or note; the longest shipped definition has ~200
PLAIN_TEXT = "^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"


class LocalText(BaseModel):
    """A text in Chinese and optionally English; a plain string is taken as the Chinese text."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    # Stripped, so that a text of blanks is refused as empty. Bounded, and free of control and bidi
    # characters: a name reaches terminals, xlsx cells and chart labels laid out character by character.
    zh: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT, strip_whitespace=True,
                                         pattern=PLAIN_TEXT)]
    en: Annotated[str, StringConstraints(max_length=MAX_TEXT, strip_whitespace=True, pattern=PLAIN_TEXT)] | None = None

    def get(self, lang: Lang) -> str:
        return (self.en or self.zh) if lang == "en" else self.zh

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en or self.zh}


def _text(v: Any) -> Any:
    return {"zh": v} if isinstance(v, str) else v


# The schema says what may be written: a plain string (the Chinese) or {zh, en}. The model's own
# schema would show only the mapping, and an editor would flag `name: 越城区`.
_TEXT_SCHEMA = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "properties": {"zh": {"type": "string", "minLength": 1}, "en": {"type": "string"}},
            "required": ["zh"],
            "additionalProperties": False,
        },
    ]
}

Text = Annotated[LocalText, BeforeValidator(_text), WithJsonSchema(_TEXT_SCHEMA)]
