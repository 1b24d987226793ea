"""Request models for sign-up and sign-in (closed: unknown fields are refused)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Closed = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegisterIn(BaseModel):
    model_config = Closed
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=8, max_length=256)
    name: str = Field(min_length=1, max_length=80)


class LoginIn(BaseModel):
    model_config = Closed
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=256)


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
