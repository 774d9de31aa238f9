"""A small, valid project built in code; each lint test breaks one thing in a copy of it."""

from __future__ import annotations

import copy
from typing import Any

from kubevisor.core.definitions import Definitions, ProjectConfig

ATTRIBUTES: dict[str, Any] = {
    "userId": {"description": "user", "type": "string"},
    "country": {"description": "country", "type": "string", "enum": ["de", "nl", "us"]},
    "age": {"description": "age", "type": "integer", "minimum": 0},
    "account": {
        "description": "account",
        "type": "object",
        "properties": {"plan": {"type": "string", "enum": ["free", "pro"]}},
        "required": ["plan"],
    },
    "permissions": {"description": "perms", "type": "array", "items": {"type": "string"}},
    "version": {"description": "app version", "type": "semver"},
    "signup": {"description": "signup day", "type": "date"},
}
SEGMENTS: dict[str, Any] = {
    "germany": {
        "description": "DE",
        "conditions": [{"attribute": "country", "operator": "equals", "value": "de"}],
    },
    "adults": {
        "description": "18+",
        "conditions": {
            "and": [{"attribute": "age", "operator": "greaterThanOrEquals", "value": 18}]
        },
    },
}
SCHEMAS: dict[str, Any] = {
    "link": {
        "description": "a link",
        "type": "object",
        "properties": {"title": {"type": "string"}, "url": {"type": "string"}},
        "required": ["title", "url"],
    },
    "tagList": {"description": "tags", "type": "array", "items": {"type": "string"}},
}
FEATURES: dict[str, Any] = {
    "checkout": {
        "description": "checkout",
        "tags": ["all", "web"],
        "bucketBy": "userId",
        "required": ["banner"],
        "variablesSchema": {
            "title": {"type": "string", "defaultValue": "Hi"},
            "config": {
                "type": "object",
                "properties": {"theme": {"type": "string"}, "width": {"type": "integer"}},
                "required": ["theme"],
                "defaultValue": {"theme": "light", "width": 1},
            },
            "link": {"schema": "link", "defaultValue": {"title": "a", "url": "b"}},
            "items": {"type": "array", "items": {"type": "string"}, "defaultValue": ["a"]},
        },
        "variations": [
            {"value": "control", "weight": 50},
            {
                "value": "treatment",
                "weight": 50,
                "variables": {"title": "T"},
                "variableOverrides": {"title": [{"segments": "germany", "value": "DE"}]},
            },
        ],
        "rules": {
            "staging": [{"key": "everyone", "segments": "*", "percentage": 100}],
            "production": [
                {
                    "key": "de",
                    "segments": "germany",
                    "percentage": 50,
                    "variables": {"config.width": 2},
                },
                {
                    "key": "everyone",
                    "segments": "*",
                    "percentage": 40,
                    "variationWeights": {"control": 50, "treatment": 50},
                },
            ],
        },
        "force": {
            "production": [
                {
                    "conditions": [{"attribute": "userId", "operator": "equals", "value": "u1"}],
                    "variation": "treatment",
                }
            ]
        },
        "expose": {"production": ["web"]},
    },
    "banner": {
        "description": "banner",
        "bucketBy": ["userId"],
        "rules": {
            "staging": [{"key": "everyone", "segments": "*", "percentage": 50}],
            "production": [{"key": "everyone", "segments": ["adults"], "percentage": 50}],
        },
    },
}
GROUPS: dict[str, Any] = {
    "promos": {
        "description": "promos",
        "slots": [{"feature": "banner", "percentage": 50}, {"percentage": 50}],
    }
}
TARGETS: dict[str, Any] = {
    "all": {"description": "all", "tag": "all"},
    "web": {"description": "web", "tags": {"or": ["web"]}, "includeFeatures": ["check*"]},
}
TESTS: dict[str, Any] = {
    "features.checkout.spec": {
        "feature": "checkout",
        "assertions": [
            {
                "environment": "production",
                "at": 10,
                "context": {"userId": "u"},
                "expectedToBeEnabled": True,
            }
        ],
    },
    "segments.germany.spec": {
        "segment": "germany",
        "assertions": [{"context": {"country": "de"}, "expectedToMatch": True}],
    },
}


def valid_definitions() -> Definitions:
    return Definitions(
        config=ProjectConfig(environments=("staging", "production"), tags=("all", "web")),
        attributes=copy.deepcopy(ATTRIBUTES),
        segments=copy.deepcopy(SEGMENTS),
        features=copy.deepcopy(FEATURES),
        groups=copy.deepcopy(GROUPS),
        schemas=copy.deepcopy(SCHEMAS),
        targets=copy.deepcopy(TARGETS),
        tests=copy.deepcopy(TESTS),
    )
