"""The bodies of error answers: every error's, and the 422 of validation in FastAPI's shape."""

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every error except validation errors."""

    detail: str
    code: str
    request_id: str | None = Field(default=None, description="Echoes X-Request-ID, for support.")


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorBody(BaseModel):
    """422, in the shape FastAPI clients parse."""

    detail: list[ValidationIssue]
    code: str = "validation_error"
