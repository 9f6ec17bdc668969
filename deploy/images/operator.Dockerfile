# The operator image: the shaded jar on a maintained JRE, run as a non-root user.
# Build from the repository root after `mvn -B -DskipTests package`:
#   docker build -f deploy/images/operator.Dockerfile -t REGISTRY/breakwater-operator:VERSION .
FROM eclipse-temurin:17-jre-noble

COPY operator/target/breakwater-operator.jar /opt/breakwater/breakwater-operator.jar

USER 65532:65532
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp"
ENTRYPOINT ["java", "-jar", "/opt/breakwater/breakwater-operator.jar"]
CMD ["run"]
