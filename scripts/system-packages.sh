#!/usr/bin/env bash
# Debian packages the tests need: Chromium and CJK fonts for the browser tests, a Song face (小标宋's stand-in)
# and a Kai face (仿宋's) for the PDFs,
# poppler-utils to render PDF pictures. Installs only what is missing (needs root or sudo then).
set -euo pipefail
PACKAGES=(chromium fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai poppler-utils)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "• installing system packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q >/dev/null || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
