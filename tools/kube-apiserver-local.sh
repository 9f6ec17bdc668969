#!/usr/bin/env bash
# Runs a real, throwaway Kubernetes API server (etcd + kube-apiserver, no controllers, no nodes) on 127.0.0.1.
#
#   tools/kube-apiserver-local.sh start DIR   start both with all state in DIR (created if missing); waits until
#                                             /readyz is ok and the default namespace exists, writes DIR/kubeconfig
#                                             (admin: system:masters via client cert) and prints its path on stdout
#   tools/kube-apiserver-local.sh stop DIR    stops the two processes started for DIR (by their recorded pids)
#   tools/kube-apiserver-local.sh status DIR  exit 0 when both run and the API server is ready
#
# Also written to DIR: env (KUBECONFIG, KUBE_APISERVER_URL, KUBE_TOKEN, KUBE_BIN_DIR, ports: source it), ca.crt,
# admin.crt/admin.key, token (a static bearer token of the same admin), etcd.log, kube-apiserver.log.
# A started DIR is reusable: `start` on a running DIR only prints the kubeconfig; after `stop`, `start` again
# keeps the etcd data and certificates (delete DIR for a fresh cluster).
#
# Env: KUBE_BIN_DIR (dir with kube-apiserver, etcd, kubectl; default: what tools/kube-binaries.sh prints, which
# builds them the first time), KUBE_APISERVER_PORT / ETCD_PORT (default: free ports), KUBE_START_TIMEOUT (s,
# default 90), ETCD_UNSAFE_NO_FSYNC (default 1: tests don't need durability), KUBE_APISERVER_EXTRA_ARGS (added
# to the kube-apiserver command line, split on spaces).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { echo "kube-apiserver-local: $*" >&2; }
die() { log "$*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

(( $# == 2 )) || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

# pid recorded in $dir/$1.pid, if that process still runs and is the one started for this dir
live_pid() {
    local f=$dir/$1.pid pid
    [[ -f $f ]] || return 1
    pid=$(<"$f")
    [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF -- "$dir/" || return 1
    echo "$pid"
}

stop_one() {
    local name=$1 pid i
    if pid=$(live_pid "$name"); then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
        if [[ -d /proc/$pid ]]; then
            log "$name ($pid) did not stop on TERM within 10 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        log "stopped $name ($pid)"
    fi
    rm -f "$dir/$name.pid"
}

ready() { [[ -f $dir/kubeconfig ]] && "$KUBECTL" --kubeconfig "$dir/kubeconfig" --request-timeout=5s get --raw /readyz >/dev/null 2>&1; }

bin_dir() {
    if [[ -z ${KUBE_BIN_DIR:-} ]]; then
        KUBE_BIN_DIR=$("$here/kube-binaries.sh")
    fi
    for b in etcd kube-apiserver kubectl; do [[ -x $KUBE_BIN_DIR/$b ]] || die "no $b in $KUBE_BIN_DIR"; done
    KUBECTL=$KUBE_BIN_DIR/kubectl
}

# a port on 127.0.0.1 that nothing listens on now (and not one we already picked)
picked=" "
free_port() {
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 30000))
        [[ $picked == *" $p "* ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then picked+="$p "; echo "$p"; return; fi
    done
    die "found no free port"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

etcd_healthy() {
    local resp
    resp=$(exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && timeout 5 cat <&3) || return 1
    [[ $resp == *'"health":"true"'* ]]
}

b64() { base64 -w0 <"$1"; }

make_certs() {
    local c=$dir/pki
    [[ -f $c/done ]] && return
    mkdir -p "$c"
    log "creating a CA, serving/admin certificates and a service-account key in $c"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=breakwater-local-ca" \
        -keyout "$c/ca.key" -out "$c/ca.crt" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    issue() { # name subject extensions
        openssl req -new -newkey rsa:2048 -nodes -subj "$2" -keyout "$c/$1.key" -out "$c/$1.csr" 2>/dev/null
        openssl x509 -req -in "$c/$1.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial -days 3650 \
            -out "$c/$1.crt" -extfile <(printf '%s\n' "$3") 2>/dev/null
        rm -f "$c/$1.csr"
    }
    issue apiserver "/CN=kube-apiserver" "$(printf '%s\n' 'basicConstraints=CA:FALSE' \
        'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' \
        'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1')"
    issue admin "/O=system:masters/CN=admin" "$(printf '%s\n' 'basicConstraints=CA:FALSE' \
        'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=clientAuth')"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$c/sa.key" 2>/dev/null
    openssl pkey -in "$c/sa.key" -pubout -out "$c/sa.pub" 2>/dev/null
    # static token of the same admin (user admin, group system:masters)
    od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$c/token"
    printf '%s,admin,admin-uid,"system:masters"\n' "$(<"$c/token")" >"$c/tokens.csv"
    chmod 600 "$c"/*.key "$c/token" "$c/tokens.csv"
    cp "$c/ca.crt" "$c/admin.crt" "$c/admin.key" "$c/token" "$dir/"
    touch "$c/done"
}

write_kubeconfig() {
    local url=$1 c=$dir/pki
    cat >"$dir/kubeconfig.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: $url
    certificate-authority-data: $(b64 "$c/ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(b64 "$c/admin.crt")
    client-key-data: $(b64 "$c/admin.key")
contexts:
- name: local
  context:
    cluster: local
    user: admin
    namespace: default
current-context: local
EOF
    chmod 600 "$dir/kubeconfig.tmp"
    mv -f "$dir/kubeconfig.tmp" "$dir/kubeconfig"
}

start() {
    bin_dir
    if live_pid etcd >/dev/null && live_pid kube-apiserver >/dev/null && ready; then
        log "already running in $dir"
        echo "$dir/kubeconfig"
        return
    fi
    stop_one kube-apiserver
    stop_one etcd
    make_certs
    local etcd_port=${ETCD_PORT:-$(free_port)}
    local peer_port; peer_port=$(free_port)
    local api_port=${KUBE_APISERVER_PORT:-$(free_port)}
    # free_port runs in a subshell each time, so it cannot remember what it gave: keep the three apart here
    while [[ $peer_port == "$etcd_port" ]]; do peer_port=$(free_port); done
    while [[ $api_port == "$etcd_port" || $api_port == "$peer_port" ]]; do api_port=$(free_port); done
    local timeout=${KUBE_START_TIMEOUT:-90} deadline pid
    local url=https://127.0.0.1:$api_port
    port_open "$etcd_port" && die "port $etcd_port (etcd) is in use"
    port_open "$api_port" && die "port $api_port (kube-apiserver) is in use"
    deadline=$((SECONDS + timeout))
    fail() {
        log "$1"
        for f in etcd kube-apiserver; do [[ -f $dir/$f.log ]] && { log "--- last lines of $dir/$f.log:"; tail -n 25 "$dir/$f.log" >&2; }; done
        stop_one kube-apiserver
        stop_one etcd
        exit 1
    }

    local nofsync=()
    [[ ${ETCD_UNSAFE_NO_FSYNC:-1} == 1 ]] && nofsync=(--unsafe-no-fsync)
    mkdir -p -m 700 "$dir/etcd-data"
    setsid "$KUBE_BIN_DIR/etcd" --name=local --data-dir="$dir/etcd-data" \
        --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
        --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
        --initial-cluster="local=http://127.0.0.1:$peer_port" --initial-cluster-state=new \
        --log-level=warn "${nofsync[@]}" </dev/null >"$dir/etcd.log" 2>&1 &
    local etcd_pid=$!
    echo "$etcd_pid" >"$dir/etcd.pid"
    log "etcd pid $etcd_pid on 127.0.0.1:$etcd_port"
    # the process we started is asked directly: live_pid's check of its command line (against a pid file's pid
    # reused by another process) fails in the moment before setsid has exec'd etcd, when the pid is still this
    # script's subshell; under load that moment was long enough to report a healthy start as "etcd exited"
    until etcd_healthy "$etcd_port"; do
        kill -0 "$etcd_pid" 2>/dev/null || fail "etcd exited"
        ((SECONDS < deadline)) || fail "etcd not healthy after ${timeout}s"
        sleep 0.2
    done

    local extra=()
    [[ -n ${KUBE_APISERVER_EXTRA_ARGS:-} ]] && read -r -a extra <<<"$KUBE_APISERVER_EXTRA_ARGS"
    local c=$dir/pki
    mkdir -p "$dir/apiserver-certs"
    # No controller-manager runs, so no "default" service account is ever made: the ServiceAccount admission
    # plugin would refuse every pod. The advertise address is loopback, which the endpoints of the "kubernetes"
    # service may not hold: without --endpoint-reconciler-type=none the server re-tries writing them every 10 s.
    setsid "$KUBE_BIN_DIR/kube-apiserver" \
        --etcd-servers="http://127.0.0.1:$etcd_port" \
        --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
        --cert-dir="$dir/apiserver-certs" --tls-cert-file="$c/apiserver.crt" --tls-private-key-file="$c/apiserver.key" \
        --client-ca-file="$c/ca.crt" --token-auth-file="$c/tokens.csv" \
        --authorization-mode=RBAC \
        --service-account-issuer=https://kubernetes.default.svc.cluster.local \
        --service-account-key-file="$c/sa.pub" --service-account-signing-key-file="$c/sa.key" \
        --service-cluster-ip-range=10.0.0.0/24 \
        --disable-admission-plugins=ServiceAccount --endpoint-reconciler-type=none \
        --allow-privileged=true --profiling=false \
        "${extra[@]}" </dev/null >"$dir/kube-apiserver.log" 2>&1 &
    local api_pid=$!
    echo "$api_pid" >"$dir/kube-apiserver.pid"
    log "kube-apiserver pid $api_pid on $url"
    write_kubeconfig "$url"
    until ready; do
        kill -0 "$api_pid" 2>/dev/null || fail "kube-apiserver exited"
        ((SECONDS < deadline)) || fail "kube-apiserver not ready (/readyz) after ${timeout}s"
        sleep 0.3
    done
    # /readyz is ok before the system namespaces are written; clients expect "default"
    until "$KUBECTL" --kubeconfig "$dir/kubeconfig" get namespace default >/dev/null 2>&1; do
        ((SECONDS < deadline)) || fail "namespace default did not appear within ${timeout}s"
        sleep 0.3
    done
    cat >"$dir/env" <<EOF
KUBECONFIG=$dir/kubeconfig
KUBE_APISERVER_URL=$url
KUBE_APISERVER_PORT=$api_port
ETCD_PORT=$etcd_port
KUBE_TOKEN=$(<"$c/token")
KUBE_BIN_DIR=$KUBE_BIN_DIR
EOF
    log "ready: $url (KUBECONFIG=$dir/kubeconfig)"
    echo "$dir/kubeconfig"
}

case $cmd in
    start) start ;;
    stop) stop_one kube-apiserver; stop_one etcd ;;
    status)
        KUBECTL=${KUBE_BIN_DIR:+$KUBE_BIN_DIR/kubectl}
        if [[ -z ${KUBECTL:-} ]]; then
            [[ -f $dir/env ]] && KUBECTL=$(sed -n 's/^KUBE_BIN_DIR=//p' "$dir/env")/kubectl || KUBECTL=kubectl
        fi
        live_pid etcd >/dev/null && live_pid kube-apiserver >/dev/null && ready ;;
    *) usage ;;
esac
