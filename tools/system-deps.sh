#!/usr/bin/env bash
# Make sure the system packages pia needs are present (Debian/Ubuntu package names).
#
#   tools/system-deps.sh report   what rendering a report needs (the default):
#     libpango-1.0-0, libpangoft2-1.0-0  WeasyPrint's text layout
#     libharfbuzz-subset0                font subsetting; without it PDFs are not byte-reproducible
#     fontconfig                         font lookup (pia pins it to its bundled fonts)
#     graphviz                           draws the data-flow diagram in the report
#   tools/system-deps.sh test     the above, and what only the tests use:
#     poppler-utils                      pdftoppm/pdftotext: the tests read rendered pages back
#     chromium, chromium-driver          the end-to-end test of `pia preview` in a headless browser
#
# As root, installs what is missing with apt-get; otherwise prints the exact command and fails.
set -euo pipefail
report=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig graphviz)
tests=(poppler-utils chromium chromium-driver)
case "${1:-report}" in
  report) packages=("${report[@]}") ;;
  test) packages=("${report[@]}" "${tests[@]}") ;;
  *) echo "usage: $0 [report|test]" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "pia needs these system packages: ${missing[*]} (Debian names); install them with your package manager." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "pia needs system packages that are missing. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
