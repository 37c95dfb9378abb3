#!/usr/bin/env bash
# Makes a private CA and one server certificate for a local or test CkptFS cluster, with openssl:
#   scripts/make-certs.sh DIR [HOSTNAME...]
#   scripts/make-certs.sh DIR --client USER    a client certificate (CN=USER) for mutual TLS:
#                                              DIR/USER.crt and DIR/USER.key (CKPTFS_TLS_CERT, CKPTFS_TLS_KEY)
# DIR/ca.pem    the CA certificate: the bundle clients and DataNodes trust (CKPTFS_TLS_CA, --tls-ca)
# DIR/ca.key    the CA's key (kept to issue more node certificates; never given to a server)
# DIR/node.crt  a server certificate for the NameNode (and any server), signed by the CA; its names
#               (SAN): localhost, 127.0.0.1, ::1 and every HOSTNAME given (a name or an IP address)
# DIR/node.key  its key (PKCS#8 PEM, unencrypted, mode 600)
# An existing CA in DIR is reused, so running it again issues a new node certificate (a new serial)
# that clients already trust: the way to rehearse a rotation. ECDSA P-256; CA 10 years, node 1 year.
# For production use cert-manager or your PKI instead (README: Security, TLS).
set -euo pipefail
if [[ $# -lt 1 || "$1" == -* || ( "${2:-}" == --client && ! "${3:-}" =~ ^[A-Za-z0-9._@-]+$ ) ]]; then
  echo "usage: $0 DIR [HOSTNAME...] | $0 DIR --client USER" >&2
  exit 2
fi
command -v openssl >/dev/null 2>&1 || { echo "make-certs: openssl is not installed (apt-get install openssl, or scripts/setup.sh)" >&2; exit 1; }
dir="$1"
shift
mkdir -p "$dir"
umask 077

if [[ ! -f "$dir/ca.pem" || ! -f "$dir/ca.key" ]]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 3650 \
    -subj "/CN=CkptFS local CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A random 128-bit serial (leading 1: positive): every run's certificate differs from the last.
serial() { echo "0x1$(openssl rand -hex 15)"; }

if [[ "${1:-}" == --client ]]; then
  user="$2"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
    -subj "/CN=$user" -keyout "$work/client.key" -out "$work/client.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' >"$work/ext.cnf"
  openssl x509 -req -in "$work/client.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -sha256 -days 365 \
    -set_serial "$(serial)" -extfile "$work/ext.cnf" -out "$work/client.crt" 2>/dev/null
  chmod 644 "$work/client.crt"
  mv -f "$work/client.key" "$dir/$user.key"
  mv -f "$work/client.crt" "$dir/$user.crt"
  echo "make-certs: client certificate $dir/$user.crt (key $dir/$user.key) for CN=$user, signed by $dir/ca.pem"
  exit 0
fi

san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in "$@"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then
    san+=",IP:$name"
  else
    san+=",DNS:$name"
  fi
done

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
  -subj "/CN=${1:-localhost}" -keyout "$work/node.key" -out "$work/node.csr" 2>/dev/null
cat >"$work/ext.cnf" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$san
EXT
openssl x509 -req -in "$work/node.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -sha256 -days 365 \
  -set_serial "$(serial)" -extfile "$work/ext.cnf" -out "$work/node.crt" 2>/dev/null
chmod 644 "$work/node.crt" "$dir/ca.pem"
# Each file replaced in one rename: a server reading them meanwhile sees the old or the new one.
mv -f "$work/node.key" "$dir/node.key"
mv -f "$work/node.crt" "$dir/node.crt"
echo "make-certs: CA $dir/ca.pem; node certificate $dir/node.crt (key $dir/node.key) for $san"
