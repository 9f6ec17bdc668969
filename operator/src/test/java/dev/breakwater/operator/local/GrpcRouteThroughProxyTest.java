package dev.breakwater.operator.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.operator.compile.CompilerOptions;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Gateway and a GRPCRoute in a local-mode folder, served by a real data plane, called by a real grpc-java client
 * in h2c (HTTP/2 with prior knowledge on the plain port, as gRPC without TLS speaks) and answered by two real
 * grpc-java servers in h2c: a method match with a header match picks one backend, a service match the other with
 * its request and response header modifiers; a method no rule takes is {@code UNIMPLEMENTED} (the 404 of gRPC).
 * No code generation: string messages.
 */
class GrpcRouteThroughProxyTest {

    private static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };
    private static final Metadata.Key<String> ENV = Metadata.Key.of("x-env", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> PICK = Metadata.Key.of("x-pick", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> SERVED_BY = Metadata.Key.of("x-served-by",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> ENV_SEEN = Context.key("x-env");

    @TempDir
    Path dir;
    private Server a;
    private Server b;
    private DataPlane proxy;
    private LocalMode local;
    private ManagedChannel channel;
    private final List<String> reported = new CopyOnWriteArrayList<>();

    private static MethodDescriptor<String, String> method(String fullName) {
        return MethodDescriptor.<String, String>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullName).setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
    }

    /** test.Echo/Say and test.Echo/Shout, answering {@code name: request env=<x-env as received>}. */
    private static Server server(String name) throws IOException {
        ServerServiceDefinition.Builder echo = ServerServiceDefinition.builder("test.Echo");
        for (String m : List.of("Say", "Shout")) {
            echo.addMethod(method("test.Echo/" + m), ServerCalls.asyncUnaryCall((String req,
                    StreamObserver<String> out) -> {
                out.onNext(name + ": " + req + " env=" + ENV_SEEN.get());
                out.onCompleted();
            }));
        }
        ServerServiceDefinition other = ServerServiceDefinition.builder("other.Svc")
                .addMethod(method("other.Svc/Do"), ServerCalls.asyncUnaryCall((String req,
                        StreamObserver<String> out) -> {
                    out.onNext(name + " other");
                    out.onCompleted();
                })).build();
        ServerInterceptor env = new ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
                                                                      io.grpc.ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(ENV_SEEN, headers.get(ENV)), call, headers,
                        next);
            }
        };
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(echo.build(), env)).addService(other).build().start();
    }

    @BeforeEach
    void start() throws Exception {
        a = server("a");
        b = server("b");
        Files.writeString(dir.resolve("gateway.yaml"), """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata: {name: breakwater}
                spec: {controllerName: breakwater.dev/gateway-controller}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: edge}
                spec:
                  gatewayClassName: breakwater
                  listeners:
                  - {name: http, protocol: HTTP, port: 80, hostname: "*.test"}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: echo}
                spec:
                  parentRefs: [{name: edge}]
                  hostnames: [grpc.test]
                  rules:
                  - matches:
                    - method: {service: test.Echo, method: Say}
                      headers: [{name: x-pick, value: b}]
                    backendRefs: [{name: b, port: 9000}]
                  - matches:
                    - method: {service: test.Echo}
                    filters:
                    - type: RequestHeaderModifier
                      requestHeaderModifier: {set: [{name: x-env, value: prod}]}
                    - type: ResponseHeaderModifier
                      responseHeaderModifier: {add: [{name: x-served-by, value: gateway}]}
                    backendRefs: [{name: a, port: 9000}]
                """ + service("a", a.getPort()) + service("b", b.getPort()));
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(1)
                .build().start();
        local = new LocalMode(dir, proxy::apply, CompilerOptions.local(), reported::add);
        assertThat(local.reload().outcome()).isEqualTo(LocalMode.Outcome.APPLIED);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.httpPort()).usePlaintext()
                .overrideAuthority("grpc.test").build();
    }

    private static String service(String name, int port) {
        return """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: %s}
                spec:
                  ports: [{name: grpc, port: 9000, appProtocol: kubernetes.io/h2c}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: %s-1, labels: {kubernetes.io/service-name: %s}}
                addressType: IPv4
                ports: [{name: grpc, port: %d}]
                endpoints: [{addresses: ["127.0.0.1"]}]
                """.formatted(name, name, name, port);
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (local != null) {
            local.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        a.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        b.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private String call(String method, String request, Metadata headers, AtomicReference<Metadata> answered) {
        Channel ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers),
                MetadataUtils.newCaptureMetadataInterceptor(answered, new AtomicReference<>()));
        return ClientCalls.blockingUnaryCall(ch, method(method), CallOptions.DEFAULT.withDeadlineAfter(10,
                TimeUnit.SECONDS), request);
    }

    @Test
    void methodAndHeaderMatchesPickTheBackendAndTheFiltersApply() {
        AtomicReference<Metadata> answered = new AtomicReference<>();
        assertThat(call("test.Echo/Say", "hi", new Metadata(), answered)).isEqualTo("a: hi env=prod");
        assertThat(answered.get().get(SERVED_BY)).isEqualTo("gateway");
        assertThat(call("test.Echo/Shout", "hey", new Metadata(), answered)).isEqualTo("a: hey env=prod");

        Metadata pickB = new Metadata();
        pickB.put(PICK, "b");
        AtomicReference<Metadata> fromB = new AtomicReference<>();
        assertThat(call("test.Echo/Say", "hi", pickB, fromB)).isEqualTo("b: hi env=null");
        assertThat(fromB.get().get(SERVED_BY)).isNull();
        // the header match is for Say only: Shout with x-pick still goes to a
        assertThat(call("test.Echo/Shout", "yo", pickB, new AtomicReference<>())).isEqualTo("a: yo env=prod");
        assertThat(reported).isEmpty();
    }

    @Test
    void aMethodNoRuleTakesIsUnimplemented() {
        assertThatThrownBy(() -> call("other.Svc/Do", "x", new Metadata(), new AtomicReference<>()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    }
}
