#!/usr/bin/env bash
# Debian packages the tests need: Chromium and CJK fonts for the browser tests, a Song face (小标宋's stand-in)
# and a Kai face (仿宋's) for the PDFs,
# poppler-utils to render PDF pictures, node and npm for the OpenID provider of the 统一身份认证 tests (tests/oidc;
# npm is Debian's package unless the nodejs installed already brings it, as NodeSource's does). Installs only what is
# missing (needs root or sudo then).
set -euo pipefail
PACKAGES=(chromium fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai poppler-utils nodejs)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "• installing system packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q >/dev/null || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
