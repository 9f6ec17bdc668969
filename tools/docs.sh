#!/usr/bin/env bash
# Builds the documentation site (docs/, mkdocs.yml) with MkDocs and the Material theme at the versions pinned in
# tools/docs-requirements.txt, installed from PyPI into a virtualenv of the build (target/docs-venv).
#
#   tools/docs.sh          mkdocs build --strict into target/site: any warning (a broken link or anchor, a page
#                          missing from the navigation) fails
#   tools/docs.sh serve    the same site, served on http://127.0.0.1:8000 and rebuilt as files change
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/docs-venv
requirements=tools/docs-requirements.txt
if [[ ! -x $venv/bin/mkdocs ]] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
    python3 -m venv "$venv" || {
        echo "docs.sh: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
fi

if [[ ${1:-build} == serve ]]; then
    NO_MKDOCS_2_WARNING=1 exec "$venv/bin/mkdocs" serve --strict -a 127.0.0.1:8000
fi
# Material prints a notice about MkDocs 2.0 on every build; it is not a warning of this site
NO_MKDOCS_2_WARNING=1 "$venv/bin/mkdocs" build --strict --clean 2>&1 | tee target/docs-build.log
if grep -E "^(WARNING|ERROR)" target/docs-build.log; then
    echo "docs.sh: the build printed warnings" >&2
    exit 1
fi
echo "docs.sh: site built in target/site ($(find target/site -name '*.html' | wc -l) pages)"
