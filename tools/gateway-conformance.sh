#!/usr/bin/env bash
# Runs the upstream Gateway API conformance suite (sigs.k8s.io/gateway-api/conformance, from the Go module proxy)
# against Breakwater on the real single-node cluster of tools/kube-cluster-local.sh, with no registry: the echo
# backend is built from the same module and imported into the cluster's containerd under the names the suite's
# manifests use. Root only (the cluster needs it).
#
#   tools/gateway-conformance.sh [--run-test NAME] [--skip-tests A,B] [--report FILE] [--keep] [--no-build]
#
#   --run-test NAME    run one test of the suite (its -run-test flag), e.g. HTTPRouteWeight
#   --skip-tests A,B   skip these tests (its -skip-tests flag)
#   --report FILE      where the suite writes its report (default: $GWCONF_DIR/report.yaml); the script copies
#                      nothing anywhere else, the committed report under conformance/ is this file as written
#   --keep             leave the cluster and the release up afterwards (KUBECONFIG=/var/tmp/breakwater-cluster/
#                      kubeconfig; `tools/kube-cluster-local.sh down` removes it), e.g. to run one test again
#   --no-build         take the Breakwater images from the last build (operator/ and dataplane/target/jib-image.tar)
#
# Steps: the Kubernetes binaries (tools/kube-binaries.sh --cluster) and the helm CLI (go install, HELM_VERSION);
# the suite's test binary and echo-basic built in $GWCONF_DIR (a throwaway module requiring the conformance module);
# the images (tools/local-images.sh, then `mvn package` with Jib's local-images profile, then echo-basic and CoreDNS
# under the suite's image names); `kube-cluster-local.sh up`, load the images; the standard CRDs of the same
# release, the chart (local images, host ports 80/443 on the node address, where the suite sends its requests; the
# Gateways' addresses are the node's, --status-pods), the GatewayClass `breakwater`; the suite (profiles
# GATEWAY-HTTP, GATEWAY-GRPC, GATEWAY-TLS, GATEWAY-TCP and GATEWAY-UDP, the features in FEATURES below); `down` (unless --keep), also when a step fails.
# The chart runs with gatewayAPI.gatewayServices (type ClusterIP): each Gateway's address is its own Service's.
#
# Env: GWCONF_PROFILES (GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS,GATEWAY-TCP,GATEWAY-UDP), GATEWAY_API_VERSION (v1.6.3),
# GWCONF_DIR (~/.cache/breakwater/gateway-conformance/<version>), HELM_VERSION
# (v3.22.0), GWCONF_TIMEOUT (go test -timeout, 90m), BREAKWATER_VERSION (the report's implementation version:
# the root pom's), BREAKWATER_URL (the report's implementation URL, https://breakwater.dev).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
log() { echo "gateway-conformance: $(date -u +%H:%M:%S) $*" >&2; }
die() { log "$*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

version=${GATEWAY_API_VERSION:-v1.6.3}
helm_version=${HELM_VERSION:-v3.22.0}
work=${GWCONF_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/breakwater/gateway-conformance/$version}
images=$HOME/.cache/breakwater/images
node_ip=10.244.0.1
ns=breakwater-system
# The profiles run (GWCONF_PROFILES overrides): GATEWAY-GRPC's backends are the same echo-basic image, run with
# GRPC_ECHO_SERVER set, and its GRPCRoute CRD is one of the standard ones applied below. GATEWAY-TLS's and
# GATEWAY-TCP's backends are echo-basic with TCP_ECHO_SERVER, GATEWAY-UDP's the suite's CoreDNS.
PROFILES=${GWCONF_PROFILES:-GATEWAY-HTTP,GATEWAY-GRPC,GATEWAY-TLS,GATEWAY-TCP,GATEWAY-UDP}
# Extended features Breakwater claims (docs/gateway-api.md says what each covers); core: Gateway, HTTPRoute,
# GRPCRoute, TLSRoute, TCPRoute, UDPRoute, ReferenceGrant.
FEATURES=Gateway,HTTPRoute,GRPCRoute,TLSRoute,TCPRoute,UDPRoute,ReferenceGrant,GRPCRouteNamedRouteRule,HTTPRouteQueryParamMatching,\
HTTPRouteMethodMatching,\
HTTPRouteResponseHeaderModification,HTTPRouteHostRewrite,HTTPRoutePathRewrite,HTTPRouteSchemeRedirect,\
HTTPRoutePathRedirect,HTTPRoutePortRedirect,HTTPRoute303RedirectStatusCode,HTTPRoute307RedirectStatusCode,\
HTTPRoute308RedirectStatusCode,GatewayPort8080,HTTPRouteParentRefPort,HTTPRouteRequestTimeout,\
HTTPRouteBackendTimeout,HTTPRouteRequestMirror,HTTPRouteNamedRouteRule,HTTPRouteBackendProtocolWebSocket,\
HTTPRouteBackendProtocolH2C,HTTPRouteDestinationPortMatching,HTTPRouteCORS,BackendTLSPolicy,BackendTLSPolicySANValidation,\
HTTPRouteRequestPercentageMirror

run_test='' skip_tests='' report='' keep=0 build=1
while (( $# )); do
    case $1 in
    --run-test) run_test=${2:?}; shift 2 ;;
    --skip-tests) skip_tests=${2:?}; shift 2 ;;
    --report) report=${2:?}; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-build) build=0; shift ;;
    *) usage ;;
    esac
done
mkdir -p "$work"
work=$(cd "$work" && pwd)
[[ -n $report ]] || report=$work/report.yaml
mkdir -p "$(dirname "$report")"
report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
(( EUID == 0 )) || die "needs root (the cluster does)"
command -v go >/dev/null || die "Go is needed (the suite, echo-basic and helm are built from the Go module proxy)"
why=$("$here/kube-cluster-local.sh" can-run) || die "this machine cannot run the cluster: $why"
start=$(date +%s)

export KUBE_BIN_DIR=${KUBE_BIN_DIR:-$("$here/kube-binaries.sh" --cluster)}
kubectl=$KUBE_BIN_DIR/kubectl

# --- helm CLI -------------------------------------------------------------------------------------------------
helm=${GOBIN:-${GOPATH:-$HOME/go}/bin}/helm
if ! [[ -x $helm ]] || ! go version -m "$helm" | grep -qE "^\s+mod\s+helm.sh/helm/v3\s+$helm_version\s"; then
    log "go install helm.sh/helm/v3/cmd/helm@$helm_version"
    (cd /tmp && GOFLAGS=-mod=mod nice -n 10 go install "helm.sh/helm/v3/cmd/helm@$helm_version") >&2
fi

# --- the suite and echo-basic ---------------------------------------------------------------------------------
# The conformance module requires sigs.k8s.io/gateway-api at v0.0.0 and replaces it by ../ (its repository):
# the throwaway module replaces it by the same release instead.
mod=$work/module
mkdir -p "$mod"
if ! [[ -f $mod/go.mod ]] || ! grep -q "sigs.k8s.io/gateway-api/conformance $version" "$mod/go.mod"; then
    log "module for sigs.k8s.io/gateway-api/conformance@$version"
    rm -f "$mod/go.mod" "$mod/go.sum" "$mod/conformance.test" "$mod/echo-basic"
    (cd "$mod" && go mod init breakwater.local/gateway-conformance \
        && go mod edit -replace "sigs.k8s.io/gateway-api=sigs.k8s.io/gateway-api@$version" \
        && go get "sigs.k8s.io/gateway-api/conformance@$version") >&2
fi
if ! [[ -x $mod/conformance.test && -x $mod/echo-basic ]]; then
    log "building the suite's test binary and echo-basic"
    (cd "$mod" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags '-s -w' -o echo-basic \
            sigs.k8s.io/gateway-api/conformance/echo-basic \
        && nice -n 10 go test -c -o conformance.test sigs.k8s.io/gateway-api/conformance) >&2
fi
suite_dir=$(cd "$mod" && go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api/conformance)
crds=$(cd "$mod" && go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api)/config/crd/standard
[[ -d $crds ]] || die "no $crds"

# --- images ---------------------------------------------------------------------------------------------------
"$here/local-images.sh" "$images" >/dev/null
if (( build )); then
    log "mvn package (Jib writes operator/ and dataplane/target/jib-image.tar on $images/jre.tar)"
    (cd "$root" && mvn -B -ntp -q -DskipTests -pl operator,dataplane -am pre-integration-test) >&2
fi
tars=("$root/operator/target/jib-image.tar" "$root/dataplane/target/jib-image.tar")
for t in "${tars[@]}"; do [[ -f $t ]] || die "$t is missing (run without --no-build)"; done
# every echo-basic tag the suite's manifests name, and its CoreDNS (the UDP backend, deployed by the base manifests)
mapfile -t echo_tags < <(grep -rhoE 'registry\.k8s\.io/gateway-api/echo-basic:[^ "]+' "$suite_dir" --include='*.yaml' | sort -u)
mapfile -t dns_tags < <(grep -rhoE 'registry\.k8s\.io/coredns/coredns:[^ "]+' "$suite_dir" --include='*.yaml' | sort -u)
imgdir=$work/images
mkdir -p "$imgdir"
for tag in "${echo_tags[@]}"; do
    out=$imgdir/echo-basic-${tag##*:}.tar
    [[ -f $out && $mod/echo-basic -ot $out ]] || python3 "$here/local-image.py" "$out" --tag "$tag" \
        --add "$mod/echo-basic:/echo-basic" --entrypoint '["/echo-basic"]' --user 65532:65532
    tars+=("$out")
done
for tag in "${dns_tags[@]}"; do
    out=$imgdir/coredns-${tag##*:}.tar
    [[ -f $out && $KUBE_BIN_DIR/coredns -ot $out ]] || python3 "$here/local-image.py" "$out" --tag "$tag" \
        --add "$KUBE_BIN_DIR/coredns:/coredns" --entrypoint '["/coredns"]' --user 0:0
    tars+=("$out")
done

# --- cluster, CRDs, chart, GatewayClass -----------------------------------------------------------------------
cleanup() {
    local rc=$?
    if (( keep )); then
        log "cluster left up (--keep): KUBECONFIG=$kubeconfig; tools/kube-cluster-local.sh down removes it"
    else
        "$here/kube-cluster-local.sh" down >&2 || rc=1
    fi
    log "done in $(( $(date +%s) - start )) s (exit $rc)"
    exit "$rc"
}
kubeconfig=/var/tmp/breakwater-cluster/kubeconfig
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
t=$(date +%s)
kubeconfig=$("$here/kube-cluster-local.sh" up | tail -n 1)
export KUBECONFIG=$kubeconfig
"$here/kube-cluster-local.sh" load "${tars[@]}"
log "cluster up and images loaded in $(( $(date +%s) - t )) s"

"$kubectl" apply --server-side -f "$crds" >&2
"$kubectl" wait --for condition=Established --timeout=60s crd --all >&2
values=$work/values.yaml
cat >"$values" <<EOF
operator:
  replicas: 1
  image: {repository: breakwater.local/breakwater-operator, tag: e2e, pullPolicy: Never}
  resources: {requests: {cpu: 50m, memory: 192Mi}, limits: {memory: 512Mi}}
dataplane:
  image: {repository: breakwater.local/breakwater-dataplane, tag: e2e, pullPolicy: Never}
  hostIP: "$node_ip"
  ports: {http: 80, https: 443}
  resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 1Gi}}
gatewayAPI:
  # each Gateway its own ClusterIP Service (reached from the node through kube-proxy), so that each Gateway's
  # address serves its own listeners only
  gatewayServices: {enabled: true, type: ClusterIP, firstPort: 20000, lastPort: 20999}
EOF
existed=0
"$helm" status breakwater --namespace "$ns" >/dev/null 2>&1 && existed=1
"$helm" upgrade --install breakwater "$root/charts/breakwater" --namespace "$ns" --create-namespace \
    --values "$values" --wait --timeout 5m >&2
if (( existed )); then
    # a cluster kept from a run before (--keep): the images were imported again under the same tags
    "$kubectl" -n "$ns" rollout restart deploy/breakwater-operator ds/breakwater-dataplane >&2
fi
"$kubectl" -n "$ns" rollout status deploy/breakwater-operator --timeout=180s >&2
"$kubectl" -n "$ns" rollout status ds/breakwater-dataplane --timeout=180s >&2
"$kubectl" apply -f - >&2 <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: breakwater}
spec:
  controllerName: breakwater.dev/gateway-controller
EOF
"$kubectl" wait --for condition=Accepted --timeout=120s gatewayclass/breakwater >&2

# --- the suite ------------------------------------------------------------------------------------------------
bw_version=${BREAKWATER_VERSION:-$(sed -n '0,/<version>/s:.*<version>\([^<]*\)</version>.*:\1:p' "$root/pom.xml")}
args=(--gateway-class=breakwater --conformance-profiles="$PROFILES" --supported-features="$FEATURES"
    --organization=breakwater --project=breakwater --url="${BREAKWATER_URL:-https://breakwater.dev}"
    --version="$bw_version" --contact=breakwater-maintainers --mode=default --report-output="$report"
    --cleanup-base-resources=false)
[[ -z $run_test ]] || args+=(--run-test="$run_test")
[[ -z $skip_tests ]] || args+=(--skip-tests="$skip_tests")
t=$(date +%s)
log "conformance suite $version: ${args[*]}"
rm -f "$report"
set +e
(cd "$suite_dir" && "$mod/conformance.test" -test.run '^TestConformance$' -test.timeout "${GWCONF_TIMEOUT:-90m}" \
    -test.v "${args[@]}") 2>&1 | tee "$work/suite.log" >&2
suite_rc=${PIPESTATUS[0]}
set -e
log "suite finished in $(( $(date +%s) - t )) s (exit $suite_rc); log $work/suite.log, report $report"
[[ -f $report ]] && sed -n '/^profiles:/,$p' "$report" | grep -E '^  - name:|^    (result|statistics)|^      (Passed|Failed|Skipped)' >&2
exit "$suite_rc"
