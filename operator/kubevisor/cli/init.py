"""`kubevisor init DIR`: scaffold a new project that lints, builds and tests clean.

`--kind project` (default) writes a Featurevisor project folder (what `featurevisor init`
downloads, kept small and offline): config, two attributes, a segment, a feature with
variations and a variable, a target and test specs. `--kind manifests` writes the same
definitions as kubevisor manifests (one file per object, plus a Datafile per environment) for
`kubectl apply -f DIR -R`. DIR must not exist or be empty.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kubevisor.cli.output import examples, fail
from kubevisor.sources.errors import SourceError

PROJECT_FILES = {
    "featurevisor.config.js": """\
/** @type {import('@featurevisor/core').ProjectConfig} */
module.exports = {
  environments: ["staging", "production"],
  tags: ["all", "web"],
};
""",
    "attributes/userId.yml": """\
description: The signed-in user's ID
type: string
""",
    "attributes/country.yml": """\
description: Two-letter country code in lower case
type: string
""",
    "segments/netherlands.yml": """\
description: Users in the Netherlands
conditions:
  - attribute: country
    operator: equals
    value: nl
""",
    "features/newCheckout.yml": """\
description: The redesigned checkout
tags: [all, web]
bucketBy: userId

variablesSchema:
  buttonColor:
    type: string
    defaultValue: blue

variations:
  - value: control
    weight: 50
  - value: treatment
    weight: 50
    variables:
      buttonColor: green

rules:
  staging:
    - key: everyone
      segments: "*"
      percentage: 100
  production:
    - key: netherlands
      segments: [netherlands]
      percentage: 50
    - key: everyone
      segments: "*"
      percentage: 0
""",
    "targets/web.yml": """\
description: The web app's datafile
tag: web
""",
    "tests/features/newCheckout.spec.yml": """\
feature: newCheckout
assertions:
  - description: everyone gets it in staging
    environment: staging
    at: 90
    context: { userId: "1" }
    expectedToBeEnabled: true
    expectedVariation: treatment
    expectedVariables:
      buttonColor: green
  - description: half of the Dutch users get it in production
    environment: production
    at: 20
    context: { userId: "1", country: nl }
    expectedToBeEnabled: true
    expectedVariation: control
  - description: nobody else yet
    environment: production
    at: 20
    context: { userId: "1", country: de }
    expectedToBeEnabled: false
""",
    "tests/segments/netherlands.spec.yml": """\
segment: netherlands
assertions:
  - context: { country: nl }
    expectedToMatch: true
  - context: { country: de }
    expectedToMatch: false
""",
    ".gitignore": "datafiles/\n",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "init",
        help="scaffold a new project (Featurevisor folder or manifests)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "kubevisor init my-flags && kubevisor test my-flags && kubevisor build my-flags",
            "kubevisor init my-manifests --kind manifests --namespace shop && "
            "kubevisor lint my-manifests",
        ),
    )
    parser.add_argument("directory", metavar="DIR", help="folder to create (must be empty)")
    parser.add_argument("--kind", choices=["project", "manifests"], default="project")
    parser.add_argument("--namespace", help="namespace of the manifests (--kind manifests)")
    parser.set_defaults(handler=run)


def write_project(root: Path) -> None:
    for relative, text in PROJECT_FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def manifest_files(namespace: str | None) -> dict[str, str]:
    """The scaffold as manifests: the project written to a scratch folder, then exported."""
    import tempfile

    from kubevisor.sources.export import export_definitions
    from kubevisor.sources.project import load_project

    with tempfile.TemporaryDirectory() as scratch:
        write_project(Path(scratch))
        definitions = load_project(scratch)
    return export_definitions(definitions, namespace=namespace).files


def run(args: argparse.Namespace) -> int:
    root = Path(args.directory)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        return fail("init", f"{root} exists and is not an empty folder; pick a new one")
    try:
        if args.kind == "project":
            root.mkdir(parents=True, exist_ok=True)
            write_project(root)
            print(f"created a Featurevisor project in {root}")
            print(f"next: kubevisor lint {root} && kubevisor test {root} && kubevisor build {root}")
            return 0
        files = manifest_files(args.namespace)
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except (OSError, SourceError) as error:
        return fail("init", str(error))
    print(f"created {len(files)} manifests in {root}")
    print(f"next: kubevisor lint {root} && kubectl apply -R -f {root}")
    return 0
