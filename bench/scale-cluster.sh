#!/usr/bin/env bash
# Breakwater with N Ingresses on the real single-node cluster (tools/kube-cluster-local.sh): the chart installed
# from the local images, N generated Ingresses applied with kubectl, then new hosts and endpoint removals applied
# with kubectl and timed through the DaemonSet's host port. bench/scale_cluster.py says what is measured and how;
# its options pass through. Root only (the cluster needs it).
#
#   bench/scale-cluster.sh                                   # N = 1000, 20 changes of each kind
#   bench/scale-cluster.sh --sizes 1000,10000 --samples 20   # one after the other on the same cluster
#   bench/scale-cluster.sh --no-build --sizes 10000          # the images of the last build
#
#   --no-build   take the Breakwater images from the last build (operator/ and dataplane/target/jib-image.tar)
#
# Steps: tools/kube-binaries.sh --cluster; the helm CLI (go install, HELM_VERSION, when missing); the images
# (tools/local-images.sh, then `mvn pre-integration-test` of operator and dataplane: Jib's local-images profile
# writes target/jib-image.tar); `kube-cluster-local.sh up`, `load` (both images and the e2e backend); the chart as
# release breakwater in breakwater-system (one operator replica, the local images, host ports 23080/23444 on the
# node address 10.244.0.1, memory limits 2 GiB for the operator and the data plane so that N = 10,000 fits); then
# bench/scale_cluster.py; `kube-cluster-local.sh down` always (trap), also when a step fails or on ^C.
#
# Env: HELM_VERSION (v3.22.0), KUBE_BIN_DIR, SCALE_CLUSTER_OUT (bench/run/scale-cluster). Results: the table on
# stdout, a JSON file and the operator's and data plane's logs in SCALE_CLUSTER_OUT.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
log() { echo "scale-cluster: $(date -u +%H:%M:%S) $*" >&2; }
die() { log "$*"; exit 1; }

helm_version=${HELM_VERSION:-v3.22.0}
images=$HOME/.cache/breakwater/images
out=${SCALE_CLUSTER_OUT:-$here/run/scale-cluster}
ns=breakwater-system
node_ip=10.244.0.1
http_port=23080
https_port=23444

build=1
pass=()
while (( $# )); do
    case $1 in
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    *) pass+=("$1"); shift ;;
    esac
done
(( EUID == 0 )) || die "needs root (the cluster does)"
why=$("$root/tools/kube-cluster-local.sh" can-run) || die "this machine cannot run the cluster: $why"
start=$(date +%s)
mkdir -p "$out"

export KUBE_BIN_DIR=${KUBE_BIN_DIR:-$("$root/tools/kube-binaries.sh" --cluster)}
kubectl=$KUBE_BIN_DIR/kubectl
helm=${GOBIN:-${GOPATH:-$HOME/go}/bin}/helm
if ! [[ -x $helm ]] || ! go version -m "$helm" | grep -qE "^\s+mod\s+helm.sh/helm/v3\s+$helm_version\s"; then
    log "go install helm.sh/helm/v3/cmd/helm@$helm_version"
    (cd /tmp && GOFLAGS=-mod=mod nice -n 10 go install "helm.sh/helm/v3/cmd/helm@$helm_version") >&2
fi

"$root/tools/local-images.sh" "$images" >/dev/null
if (( build )); then
    log "mvn pre-integration-test (Jib writes operator/ and dataplane/target/jib-image.tar on $images/jre.tar)"
    (cd "$root" && mvn -B -ntp -q -DskipTests -pl operator,dataplane -am pre-integration-test) >&2
fi
tars=("$root/operator/target/jib-image.tar" "$root/dataplane/target/jib-image.tar" "$images/backend.tar")
for t in "${tars[@]}"; do [[ -f $t ]] || die "$t is missing (run without --no-build)"; done

kubeconfig=/var/tmp/breakwater-cluster/kubeconfig
cleanup() {
    local rc=$?
    if [[ -f $kubeconfig ]]; then
        "$kubectl" --kubeconfig "$kubeconfig" -n "$ns" logs deploy/breakwater-operator --tail=-1 \
            >"$out/operator.log" 2>&1 || true
        "$kubectl" --kubeconfig "$kubeconfig" -n "$ns" logs ds/breakwater-dataplane --tail=-1 \
            >"$out/dataplane.log" 2>&1 || true
    fi
    "$root/tools/kube-cluster-local.sh" down >&2 || rc=1
    log "done in $(( $(date +%s) - start )) s (exit $rc)"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t=$(date +%s)
kubeconfig=$("$root/tools/kube-cluster-local.sh" up | tail -n 1)
export KUBECONFIG=$kubeconfig
"$root/tools/kube-cluster-local.sh" load "${tars[@]}" >&2
log "cluster up and images loaded in $(( $(date +%s) - t )) s"

values=$out/values.yaml
cat >"$values" <<EOF
operator:
  replicas: 1
  image: {repository: breakwater.local/breakwater-operator, tag: e2e, pullPolicy: Never}
  resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 2Gi}}
dataplane:
  image: {repository: breakwater.local/breakwater-dataplane, tag: e2e, pullPolicy: Never}
  hostIP: "$node_ip"
  ports: {http: $http_port, https: $https_port}
  resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 2Gi}}
EOF
t=$(date +%s)
"$helm" install breakwater "$root/charts/breakwater" --namespace "$ns" --create-namespace --values "$values" \
    --wait --timeout 5m >&2
# helm's --wait does not cover a DaemonSet pod that cannot start
"$kubectl" -n "$ns" rollout status deploy/breakwater-operator --timeout=300s >&2
"$kubectl" -n "$ns" rollout status ds/breakwater-dataplane --timeout=300s >&2
log "chart installed and rolled out in $(( $(date +%s) - t )) s"

python3 "$here/scale_cluster.py" --kubectl "$kubectl" --kubeconfig "$kubeconfig" --release-namespace "$ns" \
    --node-ip "$node_ip" --http-port "$http_port" --out "$out" ${pass[@]+"${pass[@]}"}
