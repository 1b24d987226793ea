"""Request models for sign-up and sign-in (closed: unknown fields are refused).

Emails are normalised before they are checked (full-width letters, case), names cleaned of control and
bidi characters (mall.infra.text.Name); what a refused field says is in `field_messages`."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from mall.accounts.models import email_problem, normalize_email
from mall.infra.text import N_, Name

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)
EMAIL_MAX, PASSWORD_MIN, PASSWORD_MAX, NAME_MAX = 254, 8, 256, 80
EMAIL_PROBLEMS = {
    "hidden": N_("This email address contains hidden characters. Type it again."),
    "mixed_scripts": N_(
        "This email address mixes letters of different alphabets (such as Latin and Cyrillic). Type it in one alphabet."
    ),
}


def _normalised(value):
    return normalize_email(value) if isinstance(value, str) else value


def _one_alphabet(email: str) -> str:
    problem = email_problem(email)
    if problem:
        raise PydanticCustomError(problem, EMAIL_PROBLEMS[problem])
    return email


AccountEmail = Annotated[
    str,
    BeforeValidator(_normalised),
    Field(min_length=3, max_length=EMAIL_MAX, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(_one_alphabet),
]


class RegisterIn(BaseModel):
    model_config = Closed
    field_messages: ClassVar[dict[str, str]] = {"email": N_("Enter an email address such as name@example.com.")}
    email: AccountEmail
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    name: Annotated[Name, Field(min_length=1, max_length=NAME_MAX)]


class LoginIn(BaseModel):
    model_config = Closed
    email: Annotated[str, BeforeValidator(_normalised), Field(min_length=1, max_length=EMAIL_MAX)]
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class LoginForm(LoginIn):
    next: str = Field(default="/", max_length=500)


class TokenOut(BaseModel):
    token: str


class UserOut(BaseModel):
    id: str
    email: str
    name: str
    roles: list[str]
    shop_id: str | None = None
    shop_role: str | None = None
