#!/usr/bin/env bash
# Debian packages the test suite needs beyond Python: a PostgreSQL server (tests marked
# `postgres`) and Chromium (the html memo is checked in a real browser). Installs only what is
# missing, and only when it can (root with apt-get, as on CI); otherwise it says what is
# missing and those tests skip with a reason.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The web app: WeasyPrint's text layout (Pango) and fonts for PDFs; pdftotext reads them in tests.
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "system_deps: installing ${need[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
else
  echo "system_deps: missing ${need[*]} and cannot install (not root): those tests will skip" >&2
fi
