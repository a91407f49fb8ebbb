"""The previous release's bundle and the new handbook in, the release's changelog out (or a refusal).

`changelog.json` is part of every bundle: what changed since the previous release, by item, with
the SemVer level each change needs (the classification of `skillbook.bundle.diff`). Without a
previous release to compare with, it says so (`previous: null`). A build given a previous release
refuses to publish when the release or an item changed more than its version says: a `url|version`
then always names one content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from skillbook.bundle.diff import diff_bundles
from skillbook.bundle.errors import BundleError
from skillbook.bundle.export import FORMAT_VERSION, changelog_json
from skillbook.bundle.loader import bundle_of, load
from skillbook.bundle.writer import bundle_documents
from skillbook.errors import ConfigError, ReleaseError
from skillbook.reading.models import Handbook
from skillbook.reading.project import Project


def release_changelog(project: Project, handbook: Handbook, previous: Path | None) -> dict[str, Any]:
    """The changelog of this build against the bundle folder `previous`; ReleaseError when the
    release's `version`, or an item's own, did not grow as much as its changes need."""
    version = project.config.version
    if previous is None:
        return changelog_json(version)
    try:
        old = load(previous)
    except BundleError as exc:
        raise ConfigError(f"the previous release {previous} cannot be read: {exc}") from None
    documents = bundle_documents(project, handbook)
    new = bundle_of(documents, name=project.config.bundle_name, title=project.config.title, version=version,
                    format_version=FORMAT_VERSION)
    diff = diff_bundles(old, new)
    if not diff.sufficient:
        raise ReleaseError("this release cannot be published as it is:\n" + diff.to_text().rstrip()
                           + f"\n(compared with the previous release in {previous}; skillbook.version is in "
                             "_config.yml, each page's version in its front matter)")
    return changelog_json(version, diff.to_json())
