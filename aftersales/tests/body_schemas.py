"""The walk over every JSON body schema of the API, shared by the tests that hold each kind of field to its JSON
type (``test_input_booleans``, ``test_input_integers``)."""

import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _nested_models(arg)]


def _schemas(sources: tuple[str, ...], *, params_too: bool) -> dict[type[BaseModel], str]:
    from aftersales.api import api

    found: dict[type[BaseModel], str] = {}
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for params in operation.models:
                    if getattr(params, "__ninja_param_source__", None) not in sources:
                        continue
                    todo = [params] if params_too else []
                    todo += [m for field in params.model_fields.values() for m in _nested_models(field.annotation)]
                    while todo:
                        model = todo.pop()
                        if model not in found:
                            found[model] = f"{operation.methods[0]} {path}"
                            todo += [m for f in model.model_fields.values() for m in _nested_models(f.annotation)]
    return found


def body_schemas() -> dict[type[BaseModel], str]:
    """Every model a JSON body of the API is read into, nested ones too, with one operation naming it."""
    return _schemas(("body",), params_too=False)


def text_schemas() -> dict[type[BaseModel], str]:
    """Every model a query string or a form is read into, with one operation naming it."""
    return _schemas(("query", "form"), params_too=True)


def lax_fields(model: type[BaseModel], wrong_values: Callable[[FieldInfo], list[Any]], types: set[str]) -> list[str]:
    """Each field of ``model`` that takes one of its ``wrong_values`` instead of refusing it with an error of
    one of ``types`` at that field, named with the first value it took."""
    lax = []
    for name, field in model.model_fields.items():
        for value in wrong_values(field):
            try:
                model.model_validate({name: value})
            except ValidationError as error:
                if any(name in e["loc"][:1] + e["loc"][-1:] and e["type"] in types for e in error.errors()):
                    continue
            lax.append(f"{name} takes {value!r}")
            break
    return lax


def lax_schemas(schemas: dict[type[BaseModel], str], check: Callable[[type[BaseModel]], list[str]]) -> dict[str, list]:
    """``check``'s findings per schema, keyed by the schema and one operation that reads it."""
    return {
        f"{model.__module__}.{model.__name__} ({where})": found
        for model, where in schemas.items()
        if (found := check(model))
    }
