"""The GradientTape syllabus as live cards: run_card(name, inputs) runs real TF and explains what happened."""

from __future__ import annotations

from typing import Any

from core.syllabus import advanced, basics, none_gradients
from core.syllabus.card import Card, CardInputError, error_dict

CARDS: dict[str, Card] = {card.name: card for module in (basics, none_gradients, advanced) for card in module.CARDS}


def card_listing() -> list[dict[str, Any]]:
    """Plain data for the page: each card's name, title, default inputs, field specs and presets, in order."""
    return [
        {
            "name": card.name,
            "title": card.title,
            "defaults": card.defaults(),
            "fields": {
                name: {
                    "kind": spec.kind,
                    "help": spec.help,
                    "choices": list(spec.choices),
                    "low": spec.low,
                    "high": spec.high,
                }
                for name, spec in card.fields.items()
            },
            "presets": card.presets,
        }
        for card in CARDS.values()
    ]


def run_card(name: str, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one card with plain-data inputs (defaults when None); bad names and inputs come back as "error"."""
    card = CARDS.get(name)
    response: dict[str, Any] = {
        "name": name,
        "title": None if card is None else card.title,
        "inputs": None,
        "code": None,
        "values": {},
        "gradients": {},
        "errors": {},
        "explanation": "",
        "error": None,
    }
    try:
        if card is None:
            raise CardInputError(f"unknown card {name!r}; allowed: {', '.join(CARDS)}")
        values = card.validate(inputs)
    except CardInputError as error:
        response["error"] = {"type": "CardInputError", "message": str(error)}
        return response
    response["inputs"] = values
    response["code"] = card.code(values)
    try:
        result = card.run(values)
    except Exception as error:  # a TF failure for these inputs is reported, never raised
        response["error"] = error_dict(error)
        return response
    response.update(values=result.values, gradients=result.gradients, errors=result.errors)
    response["explanation"] = result.explanation
    return response
