#!/usr/bin/env bash
# Makes a private CA and a server certificate it signed, for the mail server of the tests:
#   make_certs.sh DIR [NAME]   → DIR/ca.pem, DIR/server.pem, DIR/server.key (the certificate names NAME,
#                                localhost by default, and 127.0.0.1 for localhost)
set -euo pipefail
dir="$1"
name="${2:-localhost}"
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Enoki test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=$name" 2>/dev/null
san="DNS:$name"
if [ "$name" = localhost ]; then san="$san,IP:127.0.0.1"; fi
printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$san" > ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
    -extfile ext.cnf 2>/dev/null
