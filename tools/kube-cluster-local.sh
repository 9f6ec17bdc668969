#!/usr/bin/env bash
# A real single-node Kubernetes cluster on this machine, for the end-to-end tests on real Pods: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, a kubelet on Debian's containerd/runc with the CNI
# plugins bridge + host-local + portmap, kube-proxy (iptables) and CoreDNS. Needs root and cgroups.
#
#   tools/kube-cluster-local.sh up [DIR]      start it (idempotent: a running cluster is left as it is); waits until
#                                             the node is Ready, the default ServiceAccount exists and CoreDNS
#                                             answers; prints DIR/kubeconfig (admin) on stdout
#   tools/kube-cluster-local.sh load TAR...   import docker-save/OCI tarballs into the cluster's containerd
#   tools/kube-cluster-local.sh down [DIR]    delete every pod (through the kubelet, so that CNI releases its
#                                             addresses and namespaces), stop every process it started (by pid),
#                                             remove the bridge, its iptables rules and chains, cgroups, mounts,
#                                             the host paths it created, restore the kernel settings, delete DIR
#   tools/kube-cluster-local.sh status [DIR]  exit 0 when the API server is ready and the node is Ready
#   tools/kube-cluster-local.sh can-run       exit 0 when this machine can run it (else prints why)
#
# Addresses: the bridge bw0 holds the node's address 10.244.0.1/24 (KUBE_NODE_IP); pods get 10.244.0.2-254 and a
# route to the Service range 10.245.0.0/24 only (no default route); a rule in the mangle table drops anything from
# the pod range (or from the bridge) that would be forwarded out of another interface. The API server listens on the node address, port
# 23443; the kubelet on 23250; everything else on 127.0.0.1 (23xxx). CoreDNS: 10.245.0.10.
#
# Env: KUBE_CLUSTER_DIR (default /var/tmp/breakwater-cluster), KUBE_BIN_DIR (default: what
# `tools/kube-binaries.sh --cluster` prints), KUBE_CLUSTER_TIMEOUT (s, default 180).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { echo "kube-cluster-local: $*" >&2; }
die() { log "$*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

cmd=${1:-}; [[ -n $cmd ]] || usage
shift || true
if [[ $cmd == load ]]; then dir=${KUBE_CLUSTER_DIR:-/var/tmp/breakwater-cluster}; else dir=${1:-${KUBE_CLUSTER_DIR:-/var/tmp/breakwater-cluster}}; fi
dir=${dir%/}

BRIDGE=bw0
NODE_IP=${KUBE_NODE_IP:-10.244.0.1}
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.245.0.0/24
API_SERVICE_IP=10.245.0.1
DNS_IP=10.245.0.10
NODE=breakwater-node
API_PORT=23443 ETCD_PORT=23379 ETCD_PEER_PORT=23380 KCM_PORT=23257 SCHED_PORT=23259
KUBELET_PORT=23250 KUBELET_HEALTH_PORT=23248 PROXY_HEALTH_PORT=23256 PROXY_METRICS_PORT=23249
CGROUP_ROOT=breakwater-rc
TIMEOUT=${KUBE_CLUSTER_TIMEOUT:-180}
# the kernel settings this script or the kubelet/kube-proxy may change; `up` saves them, `down` puts them back
SYSCTLS=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
    vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys
    kernel.keys.root_maxbytes net.netfilter.nf_conntrack_max net.ipv4.conf.all.route_localnet)
# host paths the kubelet, containerd and libcni create whatever their flags say; removed by `down` if `up` made them
HOST_PATHS=(/var/lib/kubelet /var/log/pods /var/log/containers /run/containerd /run/netns /var/lib/cni /etc/cni
    /opt/cni /run/flannel /var/run/netns)
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)

sock=$dir/containerd/containerd.sock
kc() { "$KUBECTL" --kubeconfig "$dir/kubeconfig" --request-timeout=10s "$@"; }

bins() {
    if [[ -z ${KUBE_BIN_DIR:-} ]]; then KUBE_BIN_DIR=$("$here/kube-binaries.sh" --cluster); fi
    KUBECTL=$KUBE_BIN_DIR/kubectl
}

# why this machine cannot run the cluster (nothing when it can)
cannot_run() {
    (( EUID == 0 )) || { echo "not root (kubelet, containerd and the bridge need root)"; return; }
    local c
    for c in containerd ctr runc iptables ip conntrack openssl python3 catatonit busybox; do
        command -v "$c" >/dev/null || { echo "$c is missing (apt-get install containerd runc containernetworking-plugins iptables conntrack catatonit busybox-static)"; return; }
    done
    for c in bridge host-local portmap loopback; do
        [[ -x /usr/lib/cni/$c ]] || { echo "CNI plugin /usr/lib/cni/$c is missing (apt-get install containernetworking-plugins)"; return; }
    done
    [[ -d /sys/fs/cgroup/memory || -f /sys/fs/cgroup/cgroup.controllers ]] || { echo "no memory cgroup"; return; }
    ip link add bwcheck0 type bridge 2>/dev/null && ip link del bwcheck0 || { echo "cannot create a bridge"; return; }
}

# pid recorded in $dir/run/$1.pid, if that process still runs and was started for this dir
live_pid() {
    local f=$dir/run/$1.pid pid
    [[ -f $f ]] || return 1
    pid=$(<"$f")
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF -- "$dir/" || return 1
    echo "$pid"
}

start() { # NAME COMMAND... : runs it in the background, logs to DIR/log/NAME.log
    local name=$1; shift
    if live_pid "$name" >/dev/null; then return 0; fi
    log "starting $name"
    setsid "$@" >>"$dir/log/$name.log" 2>&1 </dev/null &
    echo $! >"$dir/run/$name.pid"
}

stop_pid() { # NAME PID
    local i
    kill -TERM "$2" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do [[ -d /proc/$2 ]] || return 0; sleep 0.1; done
    log "$1 ($2) did not stop on TERM within 10 s; killing it"
    kill -KILL "$2" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do [[ -d /proc/$2 ]] || return 0; sleep 0.1; done
}

stop() {
    local pid
    if pid=$(live_pid "$1"); then stop_pid "$1" "$pid"; log "stopped $1 ($pid)"; fi
    rm -f "$dir/run/$1.pid"
}

wait_for() { # WHAT SECONDS COMMAND...
    local what=$1 secs=$2 t=$SECONDS; shift 2
    until "$@" >/dev/null 2>&1; do
        local c
        for c in "${COMPONENTS[@]}"; do
            if [[ -f $dir/run/$c.pid ]] && ! live_pid "$c" >/dev/null; then
                tail -n 30 "$dir/log/$c.log" >&2 || true
                die "$c exited while waiting for $what (log: $dir/log/$c.log)"
            fi
        done
        (( SECONDS - t < secs )) || die "timed out after $secs s waiting for $what"
        sleep 0.5
    done
}

# --- certificates and kubeconfigs ----------------------------------------------------------------------------------
pki() {
    local p=$dir/pki
    [[ -f $p/done ]] && return 0
    mkdir -p "$p"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=breakwater-cluster-ca" \
        -keyout "$p/ca.key" -out "$p/ca.crt" 2>/dev/null
    # cert NAME SUBJECT [SAN]
    cert() {
        local ext=$p/$1.ext
        { echo "basicConstraints=CA:FALSE"; echo "keyUsage=digitalSignature,keyEncipherment"
          if [[ -n ${3:-} ]]; then echo "extendedKeyUsage=serverAuth,clientAuth"; echo "subjectAltName=$3"
          else echo "extendedKeyUsage=clientAuth"; fi; } >"$ext"
        openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$p/$1.key" -out "$p/$1.csr" 2>/dev/null
        openssl x509 -req -in "$p/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 30 \
            -extfile "$ext" -out "$p/$1.crt" 2>/dev/null
        rm -f "$p/$1.csr" "$ext"
    }
    cert apiserver "/CN=kube-apiserver" "IP:$NODE_IP,IP:$API_SERVICE_IP,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
    cert admin "/O=system:masters/CN=breakwater-admin"
    cert controller-manager "/CN=system:kube-controller-manager"
    cert scheduler "/CN=system:kube-scheduler"
    cert proxy "/CN=system:kube-proxy"
    cert kubelet-client "/O=system:nodes/CN=system:node:$NODE"
    cert kubelet "/CN=$NODE" "IP:$NODE_IP,DNS:$NODE"
    openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
    openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
    local n
    for n in admin controller-manager scheduler proxy kubelet-client; do
        cat >"$dir/$n.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: breakwater
  cluster:
    server: https://$NODE_IP:$API_PORT
    certificate-authority-data: $(base64 -w0 <"$p/ca.crt")
users:
- name: $n
  user:
    client-certificate-data: $(base64 -w0 <"$p/$n.crt")
    client-key-data: $(base64 -w0 <"$p/$n.key")
contexts:
- name: breakwater
  context: {cluster: breakwater, user: $n}
current-context: breakwater
EOF
    done
    cp "$dir/admin.kubeconfig" "$dir/kubeconfig"
    touch "$p/done"
}

# --- host state: saved once by up, restored by down --------------------------------------------------------------
save_host_state() {
    [[ -f $dir/host/saved ]] && return 0
    mkdir -p "$dir/host"
    local s p
    for s in "${SYSCTLS[@]}"; do
        p=/proc/sys/${s//.//}
        [[ -f $p ]] && echo "$s=$(<"$p")" >>"$dir/host/sysctls"
    done
    for p in "${HOST_PATHS[@]}"; do [[ -e $p ]] || echo "$p" >>"$dir/host/new-paths"; done
    touch "$dir/host/new-paths" "$dir/host/sysctls" "$dir/host/saved"
}

network_up() {
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
        ip link add "$BRIDGE" type bridge
        echo created >"$dir/host/bridge"
    fi
    ip addr replace "$NODE_IP/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
    sysctl -qw net.ipv4.ip_forward=1
    # bridged pod-to-pod replies of Service traffic must see kube-proxy's NAT
    [[ -f /proc/sys/net/bridge/bridge-nf-call-iptables ]] && sysctl -qw net.bridge.bridge-nf-call-iptables=1
    # pod traffic never leaves through another interface (pods have no default route either)
    if ! iptables -t mangle -nL BREAKWATER-CLUSTER >/dev/null 2>&1; then
        # (forwarded packets only: what the host itself sends to the node address goes through lo)
        iptables -t mangle -N BREAKWATER-CLUSTER
        iptables -t mangle -A BREAKWATER-CLUSTER -i "$BRIDGE" ! -o "$BRIDGE" -j DROP
        iptables -t mangle -A BREAKWATER-CLUSTER -s "$POD_CIDR" ! -o "$BRIDGE" -j DROP
        iptables -t mangle -I FORWARD -j BREAKWATER-CLUSTER
    fi
}

# deletes the rules of built-in chains that jump to our chains (KUBE-*, CNI-*, BREAKWATER-*), then those chains
iptables_clean() {
    local ipt=$1 table rule chain
    for table in filter nat mangle raw; do
        "$ipt"-save -t "$table" >/dev/null 2>&1 || continue
        while read -r rule; do
            eval "$ipt -t $table ${rule/-A /-D }" 2>/dev/null || true
        done < <("$ipt"-save -t "$table" | grep -E '^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) .*-j (KUBE-|CNI-|BREAKWATER-)')
        for chain in $("$ipt"-save -t "$table" | sed -n 's/^:\(\(KUBE-\|CNI-\|BREAKWATER-\)[^ ]*\) .*/\1/p'); do
            "$ipt" -t "$table" -F "$chain" 2>/dev/null || true
        done
        for chain in $("$ipt"-save -t "$table" | sed -n 's/^:\(\(KUBE-\|CNI-\|BREAKWATER-\)[^ ]*\) .*/\1/p'); do
            "$ipt" -t "$table" -X "$chain" 2>/dev/null || true
        done
    done
}

# --- components ----------------------------------------------------------------------------------------------------
# put FILE: writes stdin to FILE unless FILE already holds exactly that (kube-proxy exits when its config changes)
put() {
    local tmp=$1.tmp
    cat >"$tmp"
    if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

write_configs() {
    mkdir -p "$dir/containerd" "$dir/cni/net.d" "$dir/cni/ipam" "$dir/cni/cache" "$dir/kubelet" "$dir/pod-logs" \
        "$dir/etcd" "$dir/coredns"
    put "$dir/containerd/config.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "breakwater.local/pause:1"
  # this VM's bounding set lacks CAP_SYS_RESOURCE: runc cannot lower a sandbox's oom_score_adj below ours
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  max_container_log_line_size = 16384
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$dir/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni/net.d"
    max_conf_num = 1
EOF
    put "$dir/cni/net.d/10-breakwater.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "breakwater",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
        "routes": [{"dst": "$SERVICE_CIDR"}],
        "dataDir": "$dir/cni/ipam"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
    printf 'nameserver %s\n' "$NODE_IP" | put "$dir/kubelet/resolv.conf"   # pods' upstream: nothing answers, on purpose
    put "$dir/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTH_PORT
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $dir/pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $dir/pki/kubelet.crt
tlsPrivateKeyFile: $dir/pki/kubelet.key
containerRuntimeEndpoint: unix://$sock
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
cgroupsPerQOS: true
failCgroupV1: false
failSwapOn: false
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: $dir/kubelet/resolv.conf
podLogsDir: $dir/pod-logs
registerNode: true
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
evictionPressureTransitionPeriod: 10s
syncFrequency: 10s
fileCheckFrequency: 10s
nodeStatusUpdateFrequency: 5s
maxPods: 60
enableControllerAttachDetach: true
EOF
    put "$dir/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $dir/proxy.kubeconfig}
hostnameOverride: $NODE
mode: iptables
clusterCIDR: $POD_CIDR
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:$PROXY_HEALTH_PORT
metricsBindAddress: 127.0.0.1:$PROXY_METRICS_PORT
nodePortAddresses: ["$NODE_IP/32"]
iptables: {masqueradeAll: false, syncPeriod: 30s, minSyncPeriod: 0s}
# 0: leave the kernel's conntrack settings alone
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
}

start_all() {
    local b=$KUBE_BIN_DIR c
    # a component that died since the last `up` is started again
    for c in "${COMPONENTS[@]}"; do live_pid "$c" >/dev/null || rm -f "$dir/run/$c.pid"; done
    start etcd "$b/etcd" --name default --data-dir "$dir/etcd" --unsafe-no-fsync \
        --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster "default=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn
    start kube-apiserver "$b/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
        --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$API_PORT" \
        --service-cluster-ip-range "$SERVICE_CIDR" --authorization-mode Node,RBAC \
        --client-ca-file "$dir/pki/ca.crt" --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
        --kubelet-client-certificate "$dir/pki/apiserver-kubelet-client.crt" --kubelet-client-key "$dir/pki/apiserver-kubelet-client.key" \
        --service-account-issuer https://kubernetes.default.svc.cluster.local \
        --service-account-key-file "$dir/pki/sa.pub" --service-account-signing-key-file "$dir/pki/sa.key" \
        --enable-admission-plugins NodeRestriction --allow-privileged=true --profiling=false \
        --kubelet-preferred-address-types InternalIP \
        --cert-dir "$dir/pki/apiserver-generated"
    start containerd containerd --config "$dir/containerd/config.toml"
    wait_for "containerd" 30 ctr --address "$sock" version
    local t
    for t in pause coredns; do ctr --address "$sock" -n k8s.io images import --no-unpack=false "$dir/images/$t.tar" >/dev/null; done
    wait_for "the API server" 60 kc get --raw /readyz
    start kube-controller-manager "$b/kube-controller-manager" --kubeconfig "$dir/controller-manager.kubeconfig" \
        --authentication-kubeconfig "$dir/controller-manager.kubeconfig" --authorization-kubeconfig "$dir/controller-manager.kubeconfig" \
        --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --leader-elect=false \
        --service-account-private-key-file "$dir/pki/sa.key" --root-ca-file "$dir/pki/ca.crt" \
        --use-service-account-credentials=true --service-cluster-ip-range "$SERVICE_CIDR" \
        --cluster-signing-cert-file "$dir/pki/ca.crt" --cluster-signing-key-file "$dir/pki/ca.key" \
        --cert-dir "$dir/pki/kcm-generated"
    start kube-scheduler "$b/kube-scheduler" --kubeconfig "$dir/scheduler.kubeconfig" \
        --authentication-kubeconfig "$dir/scheduler.kubeconfig" --authorization-kubeconfig "$dir/scheduler.kubeconfig" \
        --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --leader-elect=false --cert-dir "$dir/pki/sched-generated"
    # the kubelet wants its cgroup root to exist in every hierarchy (cgroup v1) or in the one (v2)
    local h
    for h in $(awk '$3 == "cgroup" || $3 == "cgroup2" {print $2}' /proc/self/mounts); do
        [[ -d $h/$CGROUP_ROOT ]] && continue
        mkdir "$h/$CGROUP_ROOT"
        if [[ -f $h/cpuset.cpus && ! -s $h/$CGROUP_ROOT/cpuset.cpus ]]; then
            cat "$h/cpuset.cpus" >"$h/$CGROUP_ROOT/cpuset.cpus"
            cat "$h/cpuset.mems" >"$h/$CGROUP_ROOT/cpuset.mems"
        fi
    done
    start kubelet "$b/kubelet" --config "$dir/kubelet/config.yaml" --kubeconfig "$dir/kubelet-client.kubeconfig" \
        --root-dir "$dir/kubelet/root" --cert-dir "$dir/kubelet/pki" --hostname-override "$NODE" --node-ip "$NODE_IP" \
        --v 1
    start kube-proxy "$b/kube-proxy" --config "$dir/kube-proxy.yaml"
}

coredns_manifest() {
    cat <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "breakwater-cluster:coredns"}
rules:
- apiGroups: [""]
  resources: [services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "breakwater-cluster:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "breakwater-cluster:coredns"}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors
        health :8080
        ready :8181
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
            ttl 5
        }
        cache 5
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  replicas: 1
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      serviceAccountName: coredns
      dnsPolicy: Default
      containers:
      - name: coredns
        image: breakwater.local/coredns:1
        imagePullPolicy: Never
        args: [-conf, /etc/coredns/Corefile]
        ports:
        - {name: dns, containerPort: 53, protocol: UDP}
        - {name: dns-tcp, containerPort: 53, protocol: TCP}
        readinessProbe: {httpGet: {path: /ready, port: 8181}, periodSeconds: 2}
        livenessProbe: {httpGet: {path: /health, port: 8080}, periodSeconds: 10}
        resources: {requests: {cpu: 50m, memory: 32Mi}, limits: {memory: 128Mi}}
        securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
        volumeMounts: [{name: config, mountPath: /etc/coredns, readOnly: true}]
      volumes:
      - name: config
        configMap: {name: coredns}
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: $DNS_IP
  selector: {k8s-app: kube-dns}
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP}
EOF
}

node_ready() {
    [[ $(kc get node "$NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}
dns_ready() {
    [[ $(kc -n kube-system get deploy coredns -o 'jsonpath={.status.readyReplicas}' 2>/dev/null) == 1 ]]
}

up() {
    local why; why=$(cannot_run) && [[ -n $why ]] && die "cannot run a cluster here: $why"
    bins
    if live_pid kube-apiserver >/dev/null && live_pid kubelet >/dev/null && node_ready && dns_ready; then
        echo "$dir/kubeconfig"; return 0
    fi
    local t=$SECONDS
    mkdir -p "$dir/run" "$dir/log" "$dir/images"
    save_host_state
    "$here/local-images.sh" "$dir/images" pause coredns >/dev/null
    pki
    write_configs
    network_up
    start_all
    wait_for "node $NODE Ready" "$TIMEOUT" node_ready
    wait_for "the default ServiceAccount" 60 kc -n default get serviceaccount default
    coredns_manifest | kc apply -f - >/dev/null
    wait_for "CoreDNS" "$TIMEOUT" dns_ready
    log "up in $((SECONDS - t)) s; KUBECONFIG=$dir/kubeconfig"
    echo "$dir/kubeconfig"
}

load() {
    (( $# )) || die "load: no tarball"
    live_pid containerd >/dev/null || die "the cluster's containerd is not running"
    local f
    for f in "$@"; do
        ctr --address "$sock" -n k8s.io images import "$f" >&2
    done
}

status() {
    bins
    live_pid kube-apiserver >/dev/null && live_pid kubelet >/dev/null && kc get --raw /readyz >/dev/null 2>&1 && node_ready
}

down() {
    [[ -d $dir ]] || { log "nothing at $dir"; return 0; }
    local t=$SECONDS c pid
    bins
    # pods first, through the kubelet, so that CNI releases addresses, netns mounts and hostport rules
    if live_pid kubelet >/dev/null && kc get --raw /readyz >/dev/null 2>&1; then
        kc delete deploy,ds,statefulset,job,replicaset --all -A --wait=false >/dev/null 2>&1 || true
        kc delete pods --all -A --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
        local i
        for ((i = 0; i < 60; i++)); do
            [[ -z $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null) ]] && break
            sleep 0.5
        done
    fi
    for c in kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$c"; done
    # whatever containers are left: their tasks, then containerd, then the shims it started
    if live_pid containerd >/dev/null; then
        for c in $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
            ctr --address "$sock" -n k8s.io tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true
        done
        sleep 1
        for c in $(ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
            ctr --address "$sock" -n k8s.io tasks delete -f "$c" >/dev/null 2>&1 || true
        done
    fi
    stop containerd
    for pid in $(grep -lsF -- "$sock" /proc/[0-9]*/cmdline | cut -d/ -f3); do
        stop_pid containerd-shim "$pid"
    done
    # iptables (kube-proxy's own clean-up first, then every chain of ours and the jumps to them)
    [[ -x $KUBE_BIN_DIR/kube-proxy ]] && "$KUBE_BIN_DIR/kube-proxy" --cleanup --v 0 >/dev/null 2>&1 || true
    iptables_clean iptables
    command -v ip6tables >/dev/null && iptables_clean ip6tables
    # mounts: everything below DIR, the CNI namespaces
    local m
    for m in $(awk '{print $2}' /proc/self/mounts | grep -E "^($dir/|/run/netns/cni-|/var/run/netns/cni-)" | sort -r); do
        umount -l "$m" 2>/dev/null || true
    done
    rm -f /run/netns/cni-* 2>/dev/null || true
    # network interfaces: the pods' veths go with their namespaces; the bridge if we made it
    if [[ -f $dir/host/bridge ]]; then ip link del "$BRIDGE" 2>/dev/null || true; fi
    # cgroups the kubelet made under the cgroup root, deepest first
    local cg
    for cg in $(awk '$3 == "cgroup" || $3 == "cgroup2" {print $2}' /proc/self/mounts); do
        cg=$cg/$CGROUP_ROOT
        [[ -d $cg ]] || continue
        find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
    # kernel settings back to what they were
    if [[ -f $dir/host/sysctls ]]; then
        local kv
        while IFS= read -r kv; do sysctl -qw "$kv" >/dev/null 2>&1 || true; done <"$dir/host/sysctls"
    fi
    if [[ -f $dir/host/new-paths ]]; then
        local p
        while IFS= read -r p; do
            [[ -n $p && -e $p ]] || continue
            awk '{print $2}' /proc/self/mounts | grep -qE "^$p(/|$)" && { log "$p still has mounts; left"; continue; }
            rm -rf "$p"
        done <"$dir/host/new-paths"
    fi
    rm -rf "$dir"
    log "down in $((SECONDS - t)) s"
}

case $cmd in
    up) mkdir -p "$dir"; up ;;
    down) down ;;
    load) load "$@" ;;
    status) status ;;
    can-run) why=$(cannot_run); [[ -z $why ]] || { echo "$why"; exit 1; } ;;
    *) usage ;;
esac
