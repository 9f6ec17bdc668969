# The data plane image: the shaded jar on a maintained JRE, run as a non-root user.
# Build from the repository root after `mvn -B -DskipTests package`:
#   docker build -f deploy/images/dataplane.Dockerfile -t REGISTRY/breakwater-dataplane:VERSION .
FROM eclipse-temurin:17-jre-noble

# With hostNetwork the data plane binds ports 80 and 443 itself: the java binary gets only
# CAP_NET_BIND_SERVICE as a file capability (the pod adds that one capability and drops the rest). A binary
# with file capabilities runs in secure-execution mode, where the loader ignores the JDK's relative library
# path, so the JDK's library folders are registered with the loader instead.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcap2-bin \
 && setcap cap_net_bind_service=+ep "$JAVA_HOME/bin/java" \
 && printf '%s\n' "$JAVA_HOME/lib" "$JAVA_HOME/lib/server" > /etc/ld.so.conf.d/java.conf \
 && ldconfig \
 && apt-get purge -y libcap2-bin && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

COPY dataplane/target/breakwater-dataplane.jar /opt/breakwater/breakwater-dataplane.jar

# 65532: the conventional "nonroot" id; the root filesystem can be read-only (temporary files go to /tmp,
# mount an emptyDir there)
USER 65532:65532
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp"
EXPOSE 8080 8443 9090
ENTRYPOINT ["java", "-jar", "/opt/breakwater/breakwater-dataplane.jar"]
