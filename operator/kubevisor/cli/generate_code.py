"""`kubevisor generate-code SOURCE --language typescript|python --out-dir DIR`: typed
accessors for features, their variations and variables (like `featurevisor generate-code`,
which only has TypeScript). Python writes `features.py`, usable with the official Python SDK
(`featurevisor.create_featurevisor`) or kubevisor's Evaluator; TypeScript writes one file per
feature plus `Context.ts`, `instance.ts` and `index.ts` for `@featurevisor/sdk`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kubevisor.cli.output import examples, fail
from kubevisor.cli.projects import load_one_project
from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.sources.errors import SourceError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "generate-code",
        help="typed accessors for features (TypeScript or Python)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "kubevisor generate-code ./project --language python --out-dir app/flags",
            "kubevisor generate-code ./project --language typescript --out-dir src/flags --tag web",
        ),
    )
    parser.add_argument("source", metavar="SOURCE", help="project folder, or manifests")
    parser.add_argument("--language", required=True, choices=["typescript", "python"])
    parser.add_argument("--out-dir", "--outDir", dest="out_dir", required=True, metavar="DIR")
    parser.add_argument("--tag", action="append", default=[], help="only features with this tag")
    parser.add_argument("-N", "--namespace", help="namespace of the manifests to use")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from kubevisor.core.codegen import python_files, typescript_files  # not needed by --help

    try:
        project = load_one_project(args.source, args.namespace)
    except SourceError as error:
        return fail("generate-code", str(error))
    defs = project.definitions
    keys = [
        key
        for key, feature in defs.features.items()
        if all(tag in _tags(feature) for tag in args.tag)
    ]
    generate = python_files if args.language == "python" else typescript_files
    files = generate(defs, keys)
    out = Path(args.out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
    except OSError as error:
        return fail("generate-code", f"cannot write {error.filename}: {error.strerror}")
    print(f"wrote {len(files)} file(s) for {len(keys)} feature(s) to {out}")
    return 0


def _tags(feature: JSONObject) -> list[JSON]:
    tags = feature.get("tags")
    return tags if isinstance(tags, list) else []
