"""`Attribute.spec`: a Featurevisor attribute (`attributes/<key>.yml`, docs/featurevisor.md
§2.1)."""

from __future__ import annotations

from kubevisor.crds.common import archived_field, description_field, key_field, promotable_field
from kubevisor.crds.openapi import Node, obj, rule
from kubevisor.crds.vocabulary import ATTRIBUTE_TYPES, bounds_rules, shape_fields


def attribute_spec() -> Node:
    return obj(
        "A context attribute that conditions and bucketBy may refer to. Attributes never reach "
        "datafiles; they drive linting.",
        {
            "key": key_field("attribute"),
            "description": description_field("attribute"),
            "archived": archived_field("attribute"),
            "promotable": promotable_field(),
            **shape_fields(ATTRIBUTE_TYPES, min_one_of=2),
        },
        required=["description"],
        rules=[
            rule(
                "has(self.type) != has(self.oneOf)",
                "exactly one of type or oneOf must be set",
            ),
            *bounds_rules(),
        ],
    )
