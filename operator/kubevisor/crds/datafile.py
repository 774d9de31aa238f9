"""`Datafile.spec`: one Featurevisor target built for one environment, and where to publish it."""

from __future__ import annotations

from kubevisor.crds.common import description_field, key_reference
from kubevisor.crds.openapi import (
    DNS_LABEL_PATTERN,
    DNS_SUBDOMAIN_PATTERN,
    Node,
    any_object,
    array,
    boolean,
    obj,
    rule,
    string,
    union,
)

OBJECT_STORE_URL_RULE = (
    "self.url.matches('^(s3|gs|az)://[a-z0-9][-a-z0-9._]*(/.*)?$') || "
    "self.url.matches('^file:///.*$')"
)


def feature_patterns(description: str) -> Node:
    return union(
        description + ' `"*"`, or a non-empty list of glob patterns (`*` matches any run of '
        "characters).",
        items=string("A glob pattern over feature keys.", min_length=1, max_length=253),
    )


def tag_selector() -> Node:
    tag_list = array("Tags.", string("A tag.", max_length=253), min_items=1, max_items=100)
    return union(
        "Select features by tags: a non-empty list or `{or: [...]}` (any of them), or "
        "`{and: [...]}` (all of them). Mutually exclusive with tag.",
        items=string("A tag.", max_length=253),
        properties={"or": tag_list, "and": tag_list},
    )


def config_map_output() -> Node:
    return obj(
        "The ConfigMap the datafile is published to (always; these fields only adjust it): "
        "one in this namespace, plus copies in other namespaces.",
        {
            "name": string(
                "Name of the ConfigMap (a DNS subdomain); defaults to the Datafile's name.",
                pattern=DNS_SUBDOMAIN_PATTERN,
                min_length=1,
                max_length=253,
            ),
            "key": string(
                "Data key of the datafile in the ConfigMap; defaults to `datafile.json`.",
                pattern=r"^[-._a-zA-Z0-9]+$",
                min_length=1,
                max_length=253,
            ),
            "namespaces": array(
                "Other namespaces that get a copy (apps can only mount ConfigMaps of their own); "
                "each must consent with a DatafileGrant, unless an admin allows all copies.",
                string("A namespace name.", pattern=DNS_LABEL_PATTERN, max_length=63),
                max_items=100,
                list_type="set",
            ),
        },
    )


def object_store_output() -> Node:
    return obj(
        "Publish the datafile to an object store: first under `revisions/<revision>/`, then at "
        "the path SDKs poll.",
        {
            "url": string(
                "Where to write: `s3://bucket/prefix`, `gs://bucket/prefix`, "
                "`az://container/prefix`, or `file:///path` where an admin allows it.",
                min_length=1,
                max_length=2048,
            ),
            "endpoint": string(
                "Endpoint of an S3-compatible server (http or https URL), only one an admin "
                "allowed; empty for the provider's default.",
                pattern=r"^https?://[^\s]+$",
                max_length=2048,
            ),
            "region": string("Region of the bucket, when the provider needs one.", max_length=63),
            "credentialsSecret": obj(
                "Secret in this namespace with the credentials of the object store. Without it "
                "the operator's own identity is used, only under URL prefixes an admin allowed "
                "for this namespace.",
                {
                    "name": string(
                        "Name of the Secret.",
                        pattern=DNS_SUBDOMAIN_PATTERN,
                        min_length=1,
                        max_length=253,
                    )
                },
                required=["name"],
            ),
        },
        required=["url"],
        rules=[
            rule(
                OBJECT_STORE_URL_RULE,
                "url must start with s3://, gs://, az:// (followed by a bucket name) or file:///",
                field_path=".url",
            )
        ],
    )


def datafile_spec() -> Node:
    return obj(
        "One Featurevisor target built for one environment, and where to publish the result.",
        {
            "target": key_reference(
                "The Featurevisor target key (datafile `featurevisor-<target>.json`); "
                "defaults to metadata.name."
            ),
            "environment": string(
                "The environment to build; omit in no-environments mode.",
                pattern=r"^[a-zA-Z0-9_\-.]+$",
                min_length=1,
                max_length=253,
            ),
            "description": description_field("datafile"),
            "tag": string("Select features carrying this tag.", min_length=1, max_length=253),
            "tags": tag_selector(),
            "includeFeatures": feature_patterns("Only features whose key matches."),
            "excludeFeatures": feature_patterns("Leave out features whose key matches."),
            "context": any_object(
                "Build-time context applied to the datafile (values known for every reader)."
            ),
            "defaultBucketBy": string(
                "bucketBy for features that have none (featurevisor.config.js `defaultBucketBy`).",
                min_length=1,
                max_length=253,
            ),
            "stringify": boolean(
                "Write conditions and segment expressions as JSON strings (default true)."
            ),
            "pretty": boolean("Indent the datafile JSON with two spaces (default false)."),
            "configMap": config_map_output(),
            "objectStore": object_store_output(),
        },
        # `tag` vs `tags` is checked by the admission policy: CEL here cannot see the union `tags`.
    )
