#!/usr/bin/env bash
# Assembles the images the real-cluster tests run, as `docker save` tarballs, from this machine's files and Debian's
# packages (no Docker engine, no registry):
#
#   tools/local-images.sh DIR [NAME...]      NAME: pause coredns jre backend (default: all four)
#
#   DIR/pause.tar    breakwater.local/pause:1       Debian's static catatonit (-P: the pod sandbox's pause process)
#   DIR/coredns.tar  breakwater.local/coredns:1     the CoreDNS that `tools/kube-binaries.sh --cluster` builds
#   DIR/jre.tar      breakwater.local/jre:<release> the base of both Breakwater images (Jib's `tar://` base): a
#                    jlink'd runtime of this machine's JDK at /opt/java/openjdk (as in eclipse-temurin), busybox for
#                    /bin/sh, sleep and base64, curl with the libraries it links, the C runtime (libc, libstdc++,
#                    libgcc_s, ...: what the native libraries in the jars need), a `nonroot` user 65532, /tmp
#   DIR/backend.tar  breakwater.local/e2e-backend:1 tools/e2e-backend (Go, static)
#
# The Java release is the root pom's <image.java.release> (the one setting for both images); its JDK is taken from
# IMAGE_JDK, else /usr/lib/jvm/java-<release>-openjdk-amd64, else /usr/lib/jvm/temurin-<release>-jdk-amd64.
# Prints DIR. An image whose tarball is newer than its inputs is not made again.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
log() { echo "local-images: $*" >&2; }
die() { log "$*"; exit 1; }

(( $# >= 1 )) || die "usage: $0 DIR [pause|coredns|jre|backend]..."
mkdir -p "$1"
dir=$(cd "$1" && pwd)
shift
names=("$@")
(( ${#names[@]} )) || names=(pause coredns jre backend)

mkimage() { python3 "$here/local-image.py" "$@"; }
release=$(sed -n 's:.*<image.java.release>\([0-9]*\)</image.java.release>.*:\1:p' "$root/pom.xml" | head -n 1)
[[ -n $release ]] || die "no <image.java.release> in $root/pom.xml"

# up to date: $1 exists and is newer than every other argument
fresh() { local out=$1 f; shift; [[ -f $out ]] || return 1; for f in "$@"; do [[ $f -ot $out ]] || return 1; done; }

for name in "${names[@]}"; do
    case $name in
    pause)
        cat=$(command -v catatonit) || die "catatonit is missing (apt-get install catatonit)"
        fresh "$dir/pause.tar" "$cat" "$here/local-image.py" && continue
        mkimage "$dir/pause.tar" --tag breakwater.local/pause:1 --add "$cat:/catatonit" \
            --entrypoint '["/catatonit","-P"]' --user 65535:65535
        ;;
    coredns)
        bin=${KUBE_BIN_DIR:-$("$here/kube-binaries.sh" --cluster)}/coredns
        [[ -x $bin ]] || die "$bin is missing (tools/kube-binaries.sh --cluster builds it)"
        fresh "$dir/coredns.tar" "$bin" "$here/local-image.py" && continue
        mkimage "$dir/coredns.tar" --tag breakwater.local/coredns:1 --add "$bin:/coredns" \
            --entrypoint '["/coredns"]' --user 0:0
        ;;
    jre)
        jdk=${IMAGE_JDK:-}
        if [[ -z $jdk ]]; then
            for c in /usr/lib/jvm/java-$release-openjdk-amd64 /usr/lib/jvm/temurin-$release-jdk-amd64; do
                [[ -x $c/bin/jlink ]] && { jdk=$c; break; }
            done
        fi
        [[ -n $jdk && -x $jdk/bin/jlink ]] || die "no JDK $release with jlink (set IMAGE_JDK)"
        busybox=$(command -v busybox) || die "busybox is missing (apt-get install busybox-static)"
        curl=$(command -v curl) || die "curl is missing"
        fresh "$dir/jre.tar" "$jdk/release" "$busybox" "$curl" "$here/local-image.py" "$here/local-images.sh" && continue
        work=$(mktemp -d "$dir/.jre.XXXXXX")
        trap 'rm -rf "$work"' EXIT
        # every module of the JDK except the tools': the operator and data plane load what their jars need
        log "jlink $jdk ($release)"
        "$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules ALL-MODULE-PATH --strip-debug --no-header-files \
            --no-man-pages --output "$work/openjdk" >&2
        rm -rf "$work/openjdk/lib/src.zip"
        cas=()   # the system's CA bundle when there is one (curl in the image trusts it; the Job passes its own CA)
        [[ -f /etc/ssl/certs/ca-certificates.crt ]] && cas=(--add /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt)
        # the C runtime native libraries in jars expect (netty's tcnative, epoll; brotli4j), as in distroless/cc:
        # they are unpacked at run time, so ldd cannot find what they need here
        libs=()
        for l in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libresolv.so.2 libutil.so.1 \
                 libgcc_s.so.1 libstdc++.so.6 libz.so.1; do
            [[ -e /lib/x86_64-linux-gnu/$l ]] && libs+=(--add "/lib/x86_64-linux-gnu/$l:/lib/x86_64-linux-gnu/$l")
        done
        links=()
        for a in $("$busybox" --list); do
            [[ $a == busybox ]] || links+=(--symlink "bin/$a=/bin/busybox")
        done
        mkimage "$dir/jre.tar" --tag "breakwater.local/jre:$release" --ldd \
            --add "$work/openjdk:/opt/java/openjdk" --add "$busybox:/bin/busybox" --add "$curl:/usr/bin/curl" \
            "${cas[@]}" "${libs[@]}" "${links[@]}" \
            --file 'etc/passwd=root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\n' \
            --file 'etc/group=root:x:0:\nnonroot:x:65532:\n' \
            --file 'etc/nsswitch.conf=hosts: files dns\n' \
            --dir tmp:1777 --dir home/nonroot:0755 --dir root:0700 \
            --env PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            --env JAVA_HOME=/opt/java/openjdk
        rm -rf "$work"
        trap - EXIT
        ;;
    backend)
        src=$here/e2e-backend
        fresh "$dir/backend.tar" "$src/main.go" "$src/go.mod" "$here/local-image.py" && continue
        work=$(mktemp -d "$dir/.backend.XXXXXX")
        (cd "$src" && GOWORK=off CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$work/e2e-backend" .) >&2
        mkimage "$dir/backend.tar" --tag breakwater.local/e2e-backend:1 --add "$work/e2e-backend:/e2e-backend" \
            --entrypoint '["/e2e-backend"]' --user 65532:65532
        rm -rf "$work"
        ;;
    *) die "unknown image $name (pause, coredns, jre, backend)" ;;
    esac
done
echo "$dir"
