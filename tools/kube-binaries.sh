#!/usr/bin/env bash
# Builds a real kube-apiserver, kubectl (k8s.io/kubernetes) and etcd (go.etcd.io/etcd/server/v3) from the Go
# module proxy -- no Docker and no release downloads needed -- and installs them where fabric8's kube-api-test
# (io.fabric8:kube-api-test) looks for them:
#     ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<kube version without v>-<os>-<arch>/{kube-apiserver,etcd,kubectl}
# Prints that directory on stdout (all progress goes to stderr). Idempotent: when the three binaries are there and
# report the wanted versions it only prints the directory.
#
#   tools/kube-binaries.sh            kube-apiserver, kubectl, etcd (what the API-server tests need)
#   tools/kube-binaries.sh --cluster  also kubelet, kube-controller-manager, kube-scheduler, kube-proxy (same module,
#                                     same build cache) and CoreDNS (github.com/coredns/coredns), into the same
#                                     directory: what tools/kube-cluster-local.sh runs
#
# Knobs (env):
#   KUBE_VERSION         Kubernetes release to build (default v1.34.4); "1.34.4" works too
#   ETCD_VERSION         etcd release to build (default v3.6.16)
#   COREDNS_VERSION      CoreDNS release to build with --cluster (default v1.15.0)
#   KUBE_API_TEST_DIR    kube-api-test's base dir (default ~/.kubeapitest, as in kube-api-test)
#   KUBE_BUILD_DIR       throwaway Go modules (default ${XDG_CACHE_HOME:-~/.cache}/breakwater/kube-build)
#   KUBE_BUILD_NICE      niceness of the go commands (default 10)
#   KUBE_BUILD_PARALLEL  go build -p (default: Go's, the number of CPUs)
#   KUBE_BINARIES_FORCE  1 = rebuild even if the installed binaries report the right versions
set -euo pipefail

log() { echo "kube-binaries: $*" >&2; }
die() { log "$*"; exit 1; }

KUBE_VERSION=${KUBE_VERSION:-v1.34.4}; KUBE_VERSION=v${KUBE_VERSION#v}
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}; ETCD_VERSION=v${ETCD_VERSION#v}
KUBE_API_TEST_DIR=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}
KUBE_BUILD_DIR=${KUBE_BUILD_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/breakwater/kube-build}
KUBE_BUILD_NICE=${KUBE_BUILD_NICE:-10}
KUBE_BUILD_PARALLEL=${KUBE_BUILD_PARALLEL:-}
KUBE_BINARIES_FORCE=${KUBE_BINARIES_FORCE:-0}
COREDNS_VERSION=${COREDNS_VERSION:-v1.15.0}; COREDNS_VERSION=v${COREDNS_VERSION#v}

cluster=0
case ${1:-} in
    "") ;;
    --cluster) cluster=1 ;;
    *) die "usage: $0 [--cluster]" ;;
esac
kube_cmds=(kube-apiserver kubectl)
(( cluster )) && kube_cmds+=(kubelet kube-controller-manager kube-scheduler kube-proxy)

[[ $KUBE_VERSION =~ ^v1\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.]+)?$ ]] || die "KUBE_VERSION=$KUBE_VERSION is not v1.MINOR.PATCH"
kube_minor=${BASH_REMATCH[1]}
staging_version=v0.${KUBE_VERSION#v1.}   # k8s.io/api etc. are tagged v0.<minor>.<patch> for Kubernetes v1.<minor>.<patch>
[[ $ETCD_VERSION =~ ^v3\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || die "ETCD_VERSION=$ETCD_VERSION is not v3.MINOR.PATCH"

# kube-api-test's naming: "-" + lower-cased os.name + "-" + arch (amd64 unless aarch64 -> arm64, ppc64 -> ppc64le).
os=$(uname -s | tr '[:upper:]' '[:lower:]')
case $(uname -m) in
    aarch64|arm64) arch=arm64 ;;
    ppc64*) arch=ppc64le ;;
    *) arch=amd64 ;;
esac
install_dir=$KUBE_API_TEST_DIR/k8s/${KUBE_VERSION#v}-$os-$arch

# --- what is already installed and right ------------------------------------------------------------------------
# (output captured, not piped into grep -q: with pipefail, a SIGPIPE'd binary would fail the check at random)
reports() { local v; v=$("$@" 2>/dev/null) || return 1; [[ $'\n'$v$'\n' == *$'\n'$want$'\n'* ]]; }
# kube_ok CMD: the installed CMD reports KUBE_VERSION
kube_ok() {
    [[ -x $install_dir/$1 ]] || return 1
    case $1 in
        kubectl) want="Client Version: $KUBE_VERSION" reports "$install_dir/kubectl" version --client ;;
        *) want="Kubernetes $KUBE_VERSION" reports "$install_dir/$1" --version ;;
    esac
}
etcd_ok() { [[ -x $install_dir/etcd ]] && want="etcd Version: ${ETCD_VERSION#v}" reports "$install_dir/etcd" --version; }
coredns_ok() { [[ -x $install_dir/coredns ]] && want="CoreDNS-${COREDNS_VERSION#v}" reports "$install_dir/coredns" -version; }

build_kube=() need_etcd=1 need_coredns=$cluster
for c in "${kube_cmds[@]}"; do
    if [[ $KUBE_BINARIES_FORCE == 1 ]] || ! kube_ok "$c"; then build_kube+=("$c"); fi
done
if [[ $KUBE_BINARIES_FORCE != 1 ]]; then
    etcd_ok && need_etcd=0
    (( cluster )) && coredns_ok && need_coredns=0
fi
if (( ${#build_kube[@]} == 0 && !need_etcd && !need_coredns )); then
    echo "$install_dir"
    exit 0
fi

command -v go >/dev/null || die "Go is needed to build the Kubernetes binaries"
mkdir -p "$KUBE_BUILD_DIR"
# One build at a time per build dir (two concurrent builds would only fight over 2 cores).
exec 9>"$KUBE_BUILD_DIR/.lock"
flock 9
export GOWORK=off
gonice() { nice -n "$KUBE_BUILD_NICE" go "$@"; }
pflag=(); [[ -n $KUBE_BUILD_PARALLEL ]] && pflag=(-p "$KUBE_BUILD_PARALLEL")

# Downloads module M@V (outside any module) and prints `go mod download -json`.
mod_download() { (cd "$KUBE_BUILD_DIR" && go mod download -json "$1"); }
# A string field of JSON text ($1), e.g. "GoMod" or "Time".
json_field() { sed -n "s/.*\"$2\": *\"\([^\"]*\)\".*/\1/p" <<<"$1" | head -n 1; }
# The `go` and `godebug` lines of a go.mod (the godebug defaults follow the main module, so copy them).
go_lines() { grep -E '^(go|godebug)[[:space:]]' "$1"; }

out=$KUBE_BUILD_DIR/out-${KUBE_VERSION#v}-$ETCD_VERSION
mkdir -p "$out"
start=$SECONDS

# --- kube-apiserver, kubectl (and with --cluster the node's components) -------------------------------------
if (( ${#build_kube[@]} )); then
    mdir=$KUBE_BUILD_DIR/kubernetes-$KUBE_VERSION
    mkdir -p "$mdir"
    log "downloading k8s.io/kubernetes@$KUBE_VERSION"
    json=$(mod_download "k8s.io/kubernetes@$KUBE_VERSION") || die "k8s.io/kubernetes@$KUBE_VERSION: $json"
    kube_gomod=$(json_field "$json" GoMod)
    [[ -f $kube_gomod ]] || die "no go.mod for k8s.io/kubernetes@$KUBE_VERSION on the module proxy"
    # buildDate = the release's tag time (from the proxy's .info), so rebuilds are identical
    build_date=$(json_field "$(cat "$(json_field "$json" Info)" 2>/dev/null)" Time)
    build_date=${build_date:-1970-01-01T00:00:00Z}
    # Every k8s.io module the release requires at v0.0.0 is a staging module that its own go.mod replaces by
    # ./staging/src/...; those replaces don't apply outside the main module, so map them to the published tags.
    mapfile -t staging < <(awk '
        /^require[[:space:]]*\(/ { inreq = 1; next }
        inreq && /^\)/ { inreq = 0; next }
        /^require[[:space:]]/ && !/\(/ { if ($2 ~ /^k8s\.io\// && $3 == "v0.0.0") print $2; next }
        inreq && $1 ~ /^k8s\.io\// && $2 == "v0.0.0" { print $1 }' "$kube_gomod" | sort -u)
    (( ${#staging[@]} > 0 )) || die "found no k8s.io/* v0.0.0 requirements in $kube_gomod"
    {
        echo "// Generated by tools/kube-binaries.sh: builds Kubernetes $KUBE_VERSION commands (k8s.io/kubernetes/cmd/...)."
        echo "module breakwater.local/kube-build"
        echo
        go_lines "$kube_gomod"
        echo
        echo "require k8s.io/kubernetes $KUBE_VERSION"
        echo
        echo "replace ("
        for m in "${staging[@]}"; do echo "	$m => $m $staging_version"; done
        echo ")"
    } > "$mdir/go.mod"   # written anew each time; a go.sum left from an earlier run is only a head start
    log "${#staging[@]} staging modules -> $staging_version; resolving dependencies (go get)"
    # Main packages can't be imported (no blank-import file possible); `go get` of the command packages records
    # exactly the requirements and go.sum lines their builds need (all of kube_cmds, so that the go.sum is the
    # same whether or not --cluster was given).
    getargs=(); for c in "${kube_cmds[@]}"; do getargs+=("k8s.io/kubernetes/cmd/$c@$KUBE_VERSION"); done
    (cd "$mdir" && gonice get "${getargs[@]}") >&2
    # Mirror hack/lib/version.sh: both version packages carry the release.
    ldflags="-s -w"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor"
        ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date -X $pkg.gitCommit="  # no commit in module zips
    done
    for cmd in "${build_kube[@]}"; do
        log "building $cmd $KUBE_VERSION (nice $KUBE_BUILD_NICE; takes a while on 2 cores)"
        t=$SECONDS
        (cd "$mdir" && CGO_ENABLED=0 gonice build "${pflag[@]}" -trimpath -ldflags "$ldflags" \
            -o "$out/$cmd" "k8s.io/kubernetes/cmd/$cmd") >&2
        log "built $cmd in $((SECONDS - t)) s"
    done
fi

# --- etcd --------------------------------------------------------------------------------------------------------
if (( need_etcd )); then
    mdir=$KUBE_BUILD_DIR/etcd-$ETCD_VERSION
    mkdir -p "$mdir"
    log "downloading go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    json=$(mod_download "go.etcd.io/etcd/server/v3@$ETCD_VERSION") || die "go.etcd.io/etcd/server/v3@$ETCD_VERSION: $json"
    etcd_gomod=$(json_field "$json" GoMod)
    [[ -f $etcd_gomod ]] || die "no go.mod for go.etcd.io/etcd/server/v3@$ETCD_VERSION on the module proxy"
    # server/go.mod replaces its sibling modules (api, client/pkg, client/v3, pkg) by ../<dir>: require the
    # published ones at the same version instead.
    mapfile -t siblings < <(awk -v v="$ETCD_VERSION" '$1 ~ /^go\.etcd\.io\/etcd\// && $2 == v { print $1 }' "$etcd_gomod" | sort -u)
    {
        echo "// Generated by tools/kube-binaries.sh: builds etcd $ETCD_VERSION."
        echo "module breakwater.local/etcd-build"
        echo
        go_lines "$etcd_gomod"
        echo
        echo "require ("
        echo "	go.etcd.io/etcd/server/v3 $ETCD_VERSION"
        for m in "${siblings[@]}"; do echo "	$m $ETCD_VERSION"; done
        echo ")"
    } > "$mdir/go.mod"
    (cd "$mdir" && gonice get "go.etcd.io/etcd/server/v3@$ETCD_VERSION") >&2
    log "building etcd $ETCD_VERSION"
    t=$SECONDS
    (cd "$mdir" && CGO_ENABLED=0 gonice build "${pflag[@]}" -trimpath -ldflags "-s -w" \
        -o "$out/etcd" go.etcd.io/etcd/server/v3) >&2
    log "built etcd in $((SECONDS - t)) s"
fi

# --- CoreDNS (--cluster) ----------------------------------------------------------------------------------------
if (( need_coredns )); then
    # its go.mod has no replace directives, so `go install module@version` builds it as released
    log "building coredns $COREDNS_VERSION"
    t=$SECONDS
    (cd "$KUBE_BUILD_DIR" && CGO_ENABLED=0 GOBIN=$out gonice install "${pflag[@]}" -trimpath -ldflags "-s -w" \
        "github.com/coredns/coredns@$COREDNS_VERSION") >&2
    log "built coredns in $((SECONDS - t)) s"
fi

# --- install (only once everything built, so kube-api-test never sees a half-filled version dir) ---------------
mkdir -p "$install_dir"
for b in "${kube_cmds[@]}" etcd coredns; do
    [[ -f $out/$b ]] || continue
    install -m 0755 "$out/$b" "$install_dir/.$b.tmp"
    mv -f "$install_dir/.$b.tmp" "$install_dir/$b"
done
for c in "${kube_cmds[@]}"; do
    kube_ok "$c" || die "$install_dir/$c does not report $KUBE_VERSION: $("$install_dir/$c" --version 2>&1 || true)"
done
etcd_ok || die "$install_dir/etcd does not report etcd ${ETCD_VERSION#v}"
(( !cluster )) || coredns_ok || die "$install_dir/coredns does not report CoreDNS ${COREDNS_VERSION#v}"
rm -rf "$out"
log "installed ${kube_cmds[*]} $KUBE_VERSION, etcd $ETCD_VERSION$( (( cluster )) && echo " and coredns $COREDNS_VERSION") in $((SECONDS - start)) s"
echo "$install_dir"
