"""The image's file tree and environment, without Docker (used by .ci/image-check and by
tests/kitos/test_deployment.py, so both read the same rules).

    python .ci/image_tree.py copy DEST           copy the project as `COPY . .` would,
                                                  honouring .dockerignore
    python .ci/image_tree.py env [NAME=VALUE..]  the web service's environment from
                                                  docker-compose.yml, one NAME=VALUE a line
                                                  (the given ones stand in for .env)
    python .ci/image_tree.py healthcheck SERVICE the service's healthcheck command, as
                                                  one shell line
    python .ci/image_tree.py command SERVICE     the service's command, as one shell line

.dockerignore follows Docker's rules: patterns relative to the project folder, `*` and
`?` within one path element, `**` across any number of them, `!` re-includes, the last
matching line wins, and a pattern that matches a folder excludes all below it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pattern_regex(pattern: str) -> re.Pattern:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def ignore_rules(root: Path = ROOT) -> list[tuple[bool, str, re.Pattern]]:
    """(re-include?, pattern, regex) per line of .dockerignore, in order."""
    rules = []
    for line in (root / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        rules.append((negate, pattern, _pattern_regex(pattern)))
    return rules


def is_ignored(relative: str, rules) -> bool:
    parts = relative.split("/")
    # A path is matched by a pattern that matches it or any folder above it.
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for negate, _pattern, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            ignored = not negate
    return ignored


def image_files(root: Path = ROOT) -> list[str]:
    """Every file `COPY . .` puts into the image, relative to the project folder."""
    rules = ignore_rules(root)
    reincluded = [pattern for negate, pattern, _ in rules if negate]
    files = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder).relative_to(root).as_posix()
        here = "" if here == "." else here + "/"
        # An ignored folder is skipped whole unless a `!` line names something inside.
        dirs[:] = sorted(
            d for d in dirs
            if not is_ignored(here + d, rules)
            or any(p.startswith(here + d + "/") for p in reincluded)
        )
        files += [here + n for n in sorted(names) if not is_ignored(here + n, rules)]
    return files


def copy_tree(dest: Path, root: Path = ROOT) -> int:
    files = image_files(root)
    for relative in files:
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, target, follow_symlinks=False)
    return len(files)


def compose(root: Path = ROOT) -> dict:
    import yaml

    return yaml.safe_load((root / "docker-compose.yml").read_text())


_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}|\$(\w+)")


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error} and $$."""

    def value(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, argument = match.group(2), match.group(3)
        given = env.get(name)
        if operator == ":-":
            return given if given else argument
        if operator == "-":
            return argument if given is None else given
        if operator in (":?", "?") and not given:
            raise KeyError(f"{name}: {argument}")
        return given or ""

    return _VARIABLE.sub(value, text)


def service_environment(service: str = "web", dotenv: dict[str, str] | None = None,
                        root: Path = ROOT) -> dict[str, str]:
    """The service's environment with `dotenv` standing in for .env."""
    raw = compose(root)["services"][service]["environment"]
    return {name: interpolate(str(value), dotenv or {}) for name, value in raw.items()}


def _shell_line(command) -> str:
    if isinstance(command, str):
        return command
    if command and command[0] == "CMD-SHELL":
        return command[1]
    if command and command[0] == "CMD":
        command = command[1:]
    return shlex.join(command)


def healthcheck(service: str, root: Path = ROOT) -> str:
    # $$ in compose is a literal $ for the container's shell.
    return interpolate(_shell_line(compose(root)["services"][service]["healthcheck"]["test"]), {})


def command(service: str, root: Path = ROOT) -> str:
    return interpolate(_shell_line(compose(root)["services"][service]["command"]), {})


def main(argv: list[str]) -> int:
    what, rest = argv[0], argv[1:]
    if what == "copy":
        count = copy_tree(Path(rest[0]))
        print(f"{count} files copied", file=sys.stderr)
    elif what == "env":
        dotenv = dict(item.split("=", 1) for item in rest)
        for name, value in service_environment("web", dotenv).items():
            print(f"{name}={value}")
    elif what == "healthcheck":
        print(healthcheck(rest[0]))
    elif what == "command":
        print(command(rest[0]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
