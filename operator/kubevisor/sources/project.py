"""Reading a Featurevisor project folder (`featurevisor.config.js` + YAML/JSON definitions).

In sets mode (`sets: true`) every folder directly under `sets/` is a project of its own, with
its own definition folders, state folder `<state>/sets/<set>/` and datafiles folder
`<datafiles>/<set>/`; the config is shared. `project_layouts` gives the projects of a folder
(one per set, or the folder itself), which is what commands iterate over.

Listing order matters: features and segments appear in datafiles in the order upstream lists
their files (Node's `readdirSync`: byte-wise sorted names, depth-first into directories where
their names sort). Keys are relative paths without the extension, with `/` replaced by the
config's `namespaceCharacter`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kubevisor.core.definitions import JSON, Definitions, Kind, ProjectConfig
from kubevisor.core.jsjson import loads as js_loads
from kubevisor.sources.errors import SourceError, too_deep
from kubevisor.sources.jsconfig import CONFIG_FILE_NAME, FUNCTION_MARKER, evaluate_config
from kubevisor.sources.text_file import read_text
from kubevisor.sources.yaml12 import load_yaml

if TYPE_CHECKING:  # imported where used: few projects have a custom parser
    from kubevisor.sources.custom_parser import CustomParser

ROOT_DIR_PLACEHOLDER = "<rootDir>"

# Config key of each entity directory, and its default folder name.
ENTITY_DIRECTORIES: dict[Kind, tuple[str, str]] = {
    Kind.ATTRIBUTE: ("attributesDirectoryPath", "attributes"),
    Kind.SEGMENT: ("segmentsDirectoryPath", "segments"),
    Kind.FEATURE: ("featuresDirectoryPath", "features"),
    Kind.GROUP: ("groupsDirectoryPath", "groups"),
    Kind.SCHEMA: ("schemasDirectoryPath", "schemas"),
    Kind.TARGET: ("targetsDirectoryPath", "targets"),
    Kind.TEST: ("testsDirectoryPath", "tests"),
}
OTHER_DIRECTORIES = {
    "stateDirectoryPath": ".featurevisor",
    "datafilesDirectoryPath": "datafiles",
    "catalogDirectoryPath": "catalog",
    "setsDirectoryPath": "sets",
}


@dataclass(frozen=True)
class ProjectLayout:
    """Where a project keeps things, after `featurevisor.config.js` is applied."""

    root: Path
    config: ProjectConfig
    entity_directories: dict[Kind, Path]
    state_directory: Path
    datafiles_directory: Path
    custom_parser: CustomParser | None = None
    """A `parser: {extension, parse}` object of the config (None: the yml or json parser)."""
    sets_directory: Path | None = None
    """The `sets/` folder in sets mode (None: not a sets project)."""
    set_name: str | None = None
    """The set this layout is (None: the whole folder)."""

    @property
    def extension(self) -> str:
        return self.config.parser

    @property
    def is_sets_root(self) -> bool:
        """A sets project's root: its definitions live in the sets, not here."""
        return self.sets_directory is not None and self.set_name is None

    def set_names(self) -> list[str]:
        """The sets of a sets project (sorted folder names under `sets/`), else []."""
        if self.sets_directory is None:
            return []
        try:
            names = sorted(os.listdir(self.sets_directory))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [name for name in names if (self.sets_directory / name).is_dir()]

    def for_set(self, name: str) -> ProjectLayout:
        """The layout of one set of a sets project: its folders below `sets/<name>/`."""
        if self.sets_directory is None:
            raise SourceError(f"{self.root}: `sets` is not enabled, so it has no set {name!r}")
        if name not in self.set_names():
            known = ", ".join(self.set_names()) or "none"
            raise SourceError(f"{self.root}: no set {name!r} in {self.sets_directory} ({known})")
        set_root = self.sets_directory / name

        def inside_set(directory: Path, default: str) -> Path:
            try:  # a configured folder keeps its place relative to the project root
                return set_root / directory.relative_to(self.root)
            except ValueError:
                return set_root / default

        return replace(
            self,
            entity_directories={
                kind: inside_set(directory, ENTITY_DIRECTORIES[kind][1])
                for kind, directory in self.entity_directories.items()
            },
            state_directory=self.state_directory / "sets" / name,
            datafiles_directory=self.datafiles_directory / name,
            set_name=name,
        )


def is_project_folder(path: str | os.PathLike[str]) -> bool:
    """A Featurevisor project folder is a directory with `featurevisor.config.js`."""
    return (Path(path) / CONFIG_FILE_NAME).is_file()


def read_layout(path: str | os.PathLike[str]) -> ProjectLayout:
    """Evaluate the project's config and resolve its directories."""
    root = Path(path)
    config_path = root / CONFIG_FILE_NAME
    if not config_path.is_file():
        raise SourceError(f"{root}: no {CONFIG_FILE_NAME} here; is this a Featurevisor project?")
    raw = evaluate_config(config_path)
    config = project_config_from(raw, config_path)
    parser = raw.get("parser")
    custom_parser = None
    if isinstance(parser, dict):
        from kubevisor.sources.custom_parser import custom_parser_from

        custom_parser = custom_parser_from(parser, config_path)

    def directory(key: str, default: str) -> Path:
        value = raw.get(key)
        if value is None:
            return root / default
        if not isinstance(value, str):
            raise SourceError(f"{config_path}: `{key}` must be a string path")
        resolved = value.replace(ROOT_DIR_PLACEHOLDER, str(root), 1)
        return root / resolved  # relative paths are taken from the project folder

    return ProjectLayout(
        root=root,
        config=config,
        entity_directories={
            kind: directory(key, default) for kind, (key, default) in ENTITY_DIRECTORIES.items()
        },
        state_directory=directory("stateDirectoryPath", OTHER_DIRECTORIES["stateDirectoryPath"]),
        datafiles_directory=directory(
            "datafilesDirectoryPath", OTHER_DIRECTORIES["datafilesDirectoryPath"]
        ),
        custom_parser=custom_parser,
        sets_directory=(
            directory("setsDirectoryPath", OTHER_DIRECTORIES["setsDirectoryPath"])
            if raw.get("sets")
            else None
        ),
    )


def project_layouts(path: str | os.PathLike[str]) -> list[ProjectLayout]:
    """The projects of a Featurevisor folder: one per set in sets mode (sorted by name), else
    the folder itself. Commands that work on definitions loop over these."""
    layout = read_layout(path)
    if layout.sets_directory is None:
        return [layout]
    names = layout.set_names()
    if not names:
        raise SourceError(
            f"{layout.root}: `sets: true` but {layout.sets_directory} has no set folders; "
            "add sets/<name>/ with the definition folders, or remove `sets`"
        )
    return [layout.for_set(name) for name in names]


def project_config_from(raw: dict[str, Any], config_path: Path) -> ProjectConfig:
    """Validate the settings upstream validates and map them onto `ProjectConfig`."""

    raw = {key: value for key, value in raw.items() if value is not None}

    def fail(message: str) -> SourceError:
        return SourceError(f"{config_path}: {message}")

    def setting(key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool) and kind is not bool:
            raise fail(f"`{key}` has the wrong type")
        if not isinstance(value, kind):
            raise fail(f"`{key}` has the wrong type ({type(value).__name__})")
        return value

    sets = raw.get("sets", False)
    if not isinstance(sets, bool):
        raise fail(f"Invalid sets: {sets}. It must be a boolean.")
    environments = raw.get("environments")
    valid_environments = isinstance(environments, list) and all(
        isinstance(env, str) for env in environments
    )
    if environments is not None and not valid_environments:
        raise fail(
            f"Invalid environments: {environments}. It must be an array of strings when defined."
        )
    namespace_character = raw.get("namespaceCharacter", ".")
    if not isinstance(namespace_character, str) or not namespace_character:
        raise fail(
            f"Invalid namespaceCharacter: {namespace_character}. It must be a non-empty string."
        )
    parser = raw.get("parser", "yml")
    if isinstance(parser, dict):
        parser = parser.get("extension")  # checked with the rest of it by custom_parser_from
    elif parser not in ("yml", "json"):
        raise fail(f"Invalid parser: {parser}")
    if raw.get("adapter") is not None:
        raise fail("custom adapters are not supported; remove `adapter`")
    default_bucket_by = raw.get("defaultBucketBy", "userId")
    if not isinstance(default_bucket_by, str):
        raise fail("`defaultBucketBy` must be an attribute name (a string) in kubevisor")
    tags = setting("tags", list, ["all"])
    if not all(isinstance(tag, str) for tag in tags):
        raise fail("`tags` must be a list of strings")
    if FUNCTION_MARKER in (raw.get("datafileNamePattern"), raw.get("revisionFileName")):
        raise fail("`datafileNamePattern` and `revisionFileName` must be strings")
    return ProjectConfig(
        environments=None if environments is None else tuple(environments),
        tags=tuple(tags),
        namespace_character=namespace_character,
        default_bucket_by=default_bucket_by,
        stringify=setting("stringify", bool, True),
        pretty_datafile=setting("prettyDatafile", bool, False),
        pretty_state=setting("prettyState", bool, True),
        datafile_name_pattern=setting("datafileNamePattern", str, "featurevisor-%s.json"),
        revision_file_name=setting("revisionFileName", str, "REVISION"),
        parser=parser,
        enforce_catch_all_rule=setting("enforceCatchAllRule", bool, False),
        max_variable_string_length=setting("maxVariableStringLength", int, None),
        max_variable_array_stringified_length=setting(
            "maxVariableArrayStringifiedLength", int, None
        ),
        max_variable_object_stringified_length=setting(
            "maxVariableObjectStringifiedLength", int, None
        ),
        max_variable_json_stringified_length=setting("maxVariableJSONStringifiedLength", int, None),
    )


def list_entity_files(directory: Path, extension: str) -> Iterator[Path]:
    """Entity files below `directory` in upstream listing order (see module docstring)."""
    try:
        # scandir knows which entries are directories without a stat call per file
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except FileNotFoundError:
        return
    except NotADirectoryError:
        return
    suffix = "." + extension
    for entry in entries:
        path = directory / entry.name
        if entry.is_dir():
            yield from list_entity_files(path, extension)
        elif entry.name.endswith(suffix):
            yield path


def entity_key(directory: Path, file_path: Path, extension: str, namespace_character: str) -> str:
    """Upstream key of an entity file: relative path, extension removed, separators replaced."""
    prefix = str(directory) + os.sep
    text = str(file_path)
    if text.startswith(prefix):  # as `list_entity_files` makes them: cheaper than relative_to
        relative = text[len(prefix) :].replace(os.sep, "/")
    else:
        relative = file_path.relative_to(directory).as_posix()
    # upstream removes the first occurrence of ".<ext>", wherever it is
    without_extension = relative.replace("." + extension, "", 1)
    return without_extension.replace("/", namespace_character)


def parse_json_file(text: str, path: str) -> JSON:
    try:
        return js_loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(
            f"{path}: line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except ValueError as error:
        raise SourceError(f"{path}: {error}") from None


def parser_for(extension: str) -> Callable[[str, str], JSON]:
    return load_yaml if extension == "yml" else parse_json_file


def read_definition(path: Path, parse: Callable[[str, str], JSON]) -> dict[str, JSON]:
    """One entity file as a mapping; anything else is a `SourceError` naming the file."""
    text = read_text(path)
    try:
        value = parse(text, str(path))
    except RecursionError:  # JSON deeper than Python's parser recurses; YAML is cut off sooner
        raise too_deep(path) from None
    return as_definition(value, path)


def as_definition(value: JSON, path: Path) -> dict[str, JSON]:
    """A parsed file as a definition (a mapping); anything else is a `SourceError`."""
    if not isinstance(value, dict):
        shown = "empty" if value is None else f"a {type(value).__name__}"
        raise SourceError(f"{path}: a definition must be a mapping of fields, this is {shown}")
    return value


@dataclass(frozen=True)
class EntityFile:
    """One definition file of a project, in listing order."""

    kind: Kind
    key: str
    path: Path


def list_entities(layout: ProjectLayout) -> list[EntityFile]:
    """Every definition file of the project, kind by kind, each kind in listing order."""
    extension = layout.extension
    namespace_character = layout.config.namespace_character
    return [
        EntityFile(kind, entity_key(directory, path, extension, namespace_character), path)
        for kind, directory in layout.entity_directories.items()
        for path in list_entity_files(directory, extension)
    ]


def read_entities(layout: ProjectLayout, entities: list[EntityFile]) -> list[dict[str, JSON]]:
    """The parsed definitions of `entities`, in the same order."""
    if layout.custom_parser is not None:
        from kubevisor.sources.custom_parser import parse_files

        values = parse_files(layout.custom_parser, [entity.path for entity in entities])
        return [
            as_definition(value, entity.path)
            for entity, value in zip(entities, values, strict=True)
        ]
    parse = parser_for(layout.extension)
    return [read_definition(entity.path, parse) for entity in entities]


def assemble(
    layout: ProjectLayout, entities: list[EntityFile], values: list[dict[str, JSON]]
) -> Definitions:
    """`Definitions` from listed entities and their parsed values."""
    definitions = Definitions(config=layout.config)
    for entity, value in zip(entities, values, strict=True):
        definitions.of_kind(entity.kind)[entity.key] = value
        definitions.origins[(entity.kind, entity.key)] = str(entity.path)
    return definitions


def load_layout(layout: ProjectLayout) -> Definitions:
    """All definitions of a project whose layout is already known."""
    entities = list_entities(layout)
    return assemble(layout, entities, read_entities(layout, entities))


def load_project(path: str | os.PathLike[str], set_name: str | None = None) -> Definitions:
    """Read a Featurevisor project folder (or one set of it) into `Definitions` (raises
    `SourceError`; a sets project needs `set_name`, see `project_layouts` for all sets)."""
    layout = read_layout(path)
    if set_name is not None:
        return load_layout(layout.for_set(set_name))
    if layout.sets_directory is not None:
        raise SourceError(
            f"{layout.root}: a sets project (`sets: true`) has no definitions of its own; "
            f"name one of its sets ({', '.join(layout.set_names()) or 'none yet'})"
        )
    return load_layout(layout)


def load_specs(directory: Path, namespace_character: str = ".") -> dict[str, dict[str, JSON]]:
    """Featurevisor test specs (`*.yml`) of a folder, keyed like a project's `tests/` are; for
    specs kept beside Kubernetes manifests, which have no project folder."""
    return {
        entity_key(directory, path, "yml", namespace_character): read_definition(path, load_yaml)
        for path in list_entity_files(directory, "yml")
    }
