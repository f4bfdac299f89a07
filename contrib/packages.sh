#!/bin/sh
# SPDX-License-Identifier: ISC
# Installs what guichet needs to build, test and run its demo on Debian 12
# (as root; skipped when everything is there already).
set -e
PKGS="libetpan-dev libsqlite3-dev libpcre2-dev libcurl4-gnutls-dev
libgnutls28-dev nettle-dev libxml2-dev libjansson-dev autoconf automake libtool
pkg-config gcc make openssl ca-certificates dovecot-imapd dovecot-lmtpd
python3 python3-aiosmtpd sqlite3 procps time"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
