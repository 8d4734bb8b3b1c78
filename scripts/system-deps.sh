#!/usr/bin/env bash
# Install the Debian packages the service and its tests need, only when missing.
set -euo pipefail
needed=()
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || needed+=(poppler-utils)
command -v pdfsig >/dev/null 2>&1 || needed+=(poppler-utils)
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || needed+=(libharfbuzz-subset0)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || needed+=(libpango-1.0-0 libpangoft2-1.0-0)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || needed+=(fonts-dejavu-core)
command -v cc >/dev/null 2>&1 || needed+=(gcc)  # builds service/native/frame_chunks.c
# ClamAV's daemon: the tests scan uploads with a real clamd (tests/uploads/test_antivirus.py).
command -v clamd >/dev/null 2>&1 || needed+=(clamav-daemon)
if [ ${#needed[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "Installation des paquets Debian manquants : ${needed[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${needed[@]}" >/dev/null
