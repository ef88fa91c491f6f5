#!/usr/bin/env bash
# Makes the certificates for a Sweep cluster's mutual TLS (see the Security section of README.md): one CA for the
# cluster, a certificate per silo host (client and server authentication, SAN = the host's addresses and names)
# and a certificate per user or machine that only submits and cancels (client authentication). Keys are ECDSA
# P-256, unencrypted PEM, readable by their owner only: copy each to its host and chown it to the user the silo or
# the CLI runs as. Needs openssl (1.1.1 or 3.x).
#
#   deploy/make-certs.sh ca     DIR [NAME]            DIR/ca.key + DIR/ca.crt (valid 10 years; NAME default sweep-cluster-ca)
#   deploy/make-certs.sh host   DIR NAME ADDR...      DIR/NAME.key + DIR/NAME.crt signed by DIR/ca.*, for a silo reached at ADDR
#                                                     (IPv4/IPv6 addresses become IP SANs, anything else DNS SANs; valid 825 days)
#   deploy/make-certs.sh client DIR NAME              DIR/NAME.key + DIR/NAME.crt for a client only (valid 825 days)
#
# A silo then runs with  --tls-cert DIR/NAME.crt --tls-key DIR/NAME.key --tls-ca DIR/ca.crt
# (sweep-silo: SWEEP_TLS_CERT, SWEEP_TLS_KEY, SWEEP_TLS_CA). Keep DIR/ca.key offline: only this script needs it.
set -euo pipefail
umask 077

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 2 ] || usage
command -v openssl >/dev/null 2>&1 || { echo "make-certs.sh: openssl is not installed (apt-get install openssl)" >&2; exit 1; }
kind=$1
dir=$2
shift 2
mkdir -p "$dir"

new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# Signs DIR/NAME.crt for DIR/NAME.key with the cluster CA; $2 = extended key usages, $3 = subjectAltName or "".
issue() {
  local name=$1 usages=$2 san=$3
  [ -f "$dir/ca.key" ] && [ -f "$dir/ca.crt" ] || { echo "make-certs.sh: no CA in $dir; run: $0 ca $dir" >&2; exit 1; }
  [ ! -e "$dir/$name.crt" ] || { echo "make-certs.sh: $dir/$name.crt exists; remove it first to make a new one" >&2; exit 1; }
  new_key "$dir/$name.key"
  local extensions
  extensions=$(mktemp)
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$usages"
    echo "subjectKeyIdentifier=hash"
    echo "authorityKeyIdentifier=keyid"
    [ -z "$san" ] || echo "subjectAltName=$san"
  } >"$extensions"
  local output
  if ! output=$(openssl req -new -key "$dir/$name.key" -subj "/CN=$name" \
      | openssl x509 -req -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
          -days 825 -sha256 -extfile "$extensions" -out "$dir/$name.crt" 2>&1); then
    rm -f "$extensions" "$dir/$name.key" "$dir/$name.crt"
    echo "make-certs.sh: openssl could not sign $name: $output" >&2
    exit 1
  fi
  rm -f "$extensions"
  chmod 644 "$dir/$name.crt"
  echo "made $dir/$name.crt and $dir/$name.key (signed by $dir/ca.crt)"
}

case "$kind" in
  ca)
    name=${1:-sweep-cluster-ca}
    [ ! -e "$dir/ca.crt" ] || { echo "make-certs.sh: $dir/ca.crt exists; a new CA goes in a new directory (see rotation in README.md)" >&2; exit 1; }
    new_key "$dir/ca.key"
    openssl req -x509 -new -key "$dir/ca.key" -subj "/CN=$name" -days 3650 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -addext "subjectKeyIdentifier=hash" \
      -out "$dir/ca.crt"
    chmod 644 "$dir/ca.crt"
    echo "made $dir/ca.crt and $dir/ca.key"
    ;;
  host)
    [ $# -ge 2 ] || usage
    name=$1
    shift
    san=""
    for address in "$@"; do
      if [[ $address =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ || $address == *:* ]]; then
        entry="IP:$address"
      else
        entry="DNS:$address"
      fi
      san=${san:+$san,}$entry
    done
    issue "$name" "serverAuth,clientAuth" "$san"
    ;;
  client)
    [ $# -eq 1 ] || usage
    issue "$1" "clientAuth" ""
    ;;
  *)
    usage
    ;;
esac
