package dev.breakwater.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.dataplane.testing.TestPki;
import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.VirtualHost;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC through the proxy with a real grpc-java server and client (no code generation: string messages): the
 * client speaks HTTP/2 over TLS to the proxy, the proxy speaks HTTP/2 (h2c, or TLS) to the server; unary
 * and streaming calls, trailers and gRPC status preserved.
 */
class GrpcTest {

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
    private static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Echo/Say")
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
    private static final MethodDescriptor<String, String> COUNT = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING).setFullMethodName("test.Echo/Count")
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
    private static final MethodDescriptor<String, String> CHAT = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName("test.Echo/Chat")
            .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();

    private final TestPki pki = TestPki.create("gRPC CA");
    private final TestPki.Issued serverCert = pki.server("grpc.internal");
    private Server plainServer;
    private Server tlsServer;
    private DataPlane proxy;
    private ManagedChannel channel;

    private static ServerServiceDefinition service() {
        return ServerServiceDefinition.builder("test.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((String req, StreamObserver<String> out) -> {
                    if (req.equals("fail")) {
                        out.onError(Status.PERMISSION_DENIED.withDescription("not you").asRuntimeException());
                        return;
                    }
                    out.onNext("hello " + req);
                    out.onCompleted();
                }))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((String req, StreamObserver<String> out) -> {
                    for (int i = 1; i <= Integer.parseInt(req); i++) {
                        out.onNext("n" + i);
                    }
                    out.onCompleted();
                }))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall((StreamObserver<String> out) ->
                        new StreamObserver<String>() {
                            @Override
                            public void onNext(String value) {
                                out.onNext("re: " + value);
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                out.onCompleted();
                            }
                        }))
                .build();
    }

    @BeforeEach
    void start() throws Exception {
        plainServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service())
                .build().start();
        tlsServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service())
                .sslContext(GrpcSslContexts.forServer(new ByteArrayInputStream(serverCert.chainPem().getBytes()),
                        new ByteArrayInputStream(serverCert.keyPem().getBytes())).build())
                .build().start();
        proxy = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).httpsPort(0).adminPort(0).workers(2)
                .build().start();
        List<Route> routes = List.of(
                route("/test.Echo/Count", "grpc-tls"),
                route("/", "grpc-plain"));
        proxy.apply(RoutingTable.of(List.of(new VirtualHost("*", routes)), List.of(
                new Cluster("grpc-plain", Cluster.Protocol.H2C,
                        List.of(Endpoint.ready("127.0.0.1", plainServer.getPort()))),
                new Cluster("grpc-tls", Cluster.Protocol.H2,
                        List.of(Endpoint.ready("127.0.0.1", tlsServer.getPort())),
                        new Cluster.UpstreamTls(pki.caPem(), "grpc.internal")))));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.httpsPort())
                .sslContext(GrpcSslContexts.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build())
                .build();
    }

    private static Route route(String prefix, String cluster) {
        return new Route(prefix, "test", RouteMatch.path(PathMatch.prefix(prefix)), RouteAction.Forward.to(cluster), null);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        proxy.close();
        plainServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        tlsServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void unaryCallsGetTheAnswerOverH2c() {
        String answer = ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, "grpc");

        assertThat(answer).isEqualTo("hello grpc");
    }

    @Test
    void grpcStatusAndMessageTravelInTrailers() {
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, "fail"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("not you");
                });
    }

    @Test
    void serverStreamingOverTlsToAVerifiedEndpoint() {
        Iterator<String> it = ClientCalls.blockingServerStreamingCall(channel, COUNT, CallOptions.DEFAULT, "50");
        List<String> got = new ArrayList<>();
        it.forEachRemaining(got::add);

        assertThat(got).hasSize(50).startsWith("n1", "n2").endsWith("n50");
    }

    @Test
    void bidirectionalStreaming() throws Exception {
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(CHAT, CallOptions.DEFAULT), new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                        got.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        for (int i = 0; i < 20; i++) {
            requests.onNext("m" + i);
        }
        requests.onCompleted();

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(got).hasSize(20).contains("re: m0", "re: m19");
    }

    @Test
    void manyConcurrentCallsShareTheUpstreamConnection() throws Exception {
        List<io.grpc.stub.StreamObserver<String>> none = new ArrayList<>();
        List<java.util.concurrent.Future<String>> calls = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 200; i++) {
                String n = "c" + i;
                calls.add(pool.submit(() -> ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, n)));
            }
            for (int i = 0; i < 200; i++) {
                assertThat(calls.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("hello c" + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(none).isEmpty();
    }
}
