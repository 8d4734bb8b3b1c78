#!/usr/bin/env bash
# Debian packages only `make bench` needs (not `make run`): LibreOffice for the DOCX→PDF peer,
# qpdf for the dossier merge's peer.
set -euo pipefail
needed=()
command -v soffice >/dev/null 2>&1 || needed+=(libreoffice-writer-nogui)
command -v qpdf >/dev/null 2>&1 || needed+=(qpdf)
if [ ${#needed[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "Installation des paquets Debian du banc d'essai : ${needed[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${needed[@]}" >/dev/null
