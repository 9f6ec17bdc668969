package dev.breakwater.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.routing.Cluster;
import dev.breakwater.routing.Endpoint;
import dev.breakwater.routing.PathMatch;
import dev.breakwater.routing.Route;
import dev.breakwater.routing.RouteAction;
import dev.breakwater.routing.RouteMatch;
import dev.breakwater.routing.VirtualHost;
import dev.breakwater.routing.RoutingTable;
import dev.breakwater.routing.TableCodec;
import dev.breakwater.routing.TableDelta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The push channel's messages and frames, without sockets. */
class TableChannelCodecTest {

    private static final RoutingTable TABLE = RoutingTable.of(
            List.of(new VirtualHost("site.example.com", List.of(new Route("site.example.com/#0", "test",
                    RouteMatch.path(PathMatch.prefix("/")), RouteAction.Forward.to("web"), null, List.of())))),
            List.of(new Cluster("web", Cluster.Protocol.HTTP1, List.of(Endpoint.ready("127.0.0.1", 8080)))),
            List.of()).withVersion(7);

    @Test
    void everyMessageSurvivesItsJson() {
        for (ChannelMessage m : List.of(new ChannelMessage.Hello(1, "node-a", "pod-b", 3, "abc"),
                new ChannelMessage.Hello(1, "node-a", "pod-b", 0, null), new ChannelMessage.Ack(4),
                new ChannelMessage.Nack(5, "route r: cluster \"x\" is not in the table\nsecond line"),
                new ChannelMessage.Hello(1, "node-a", "pod-b", 3, "abc", ChannelMessage.MAX_PROTOCOL),
                new ChannelMessage.Nack(6, "its base is not the table served", true),
                new ChannelMessage.Ping(), new ChannelMessage.Pong())) {
            assertThat(MessageCodec.decode(MessageCodec.encode(m))).isEqualTo(m);
        }
    }

    @Test
    void aTableTravelsAsItsTableCodecJsonAndDecodesToTheSameTable() {
        ChannelMessage.Table message = ChannelMessage.Table.of(TABLE);
        byte[] frame = concat(MessageCodec.encode(message), message.tableJson(), MessageCodec.TABLE_SUFFIX);

        ChannelMessage.Table decoded = (ChannelMessage.Table) MessageCodec.decode(frame);

        assertThat(new String(frame, StandardCharsets.UTF_8)).startsWith("{\"type\":\"TABLE\",\"version\":7,\"hash\":\"")
                .endsWith("}}");
        assertThat(decoded.version()).isEqualTo(7);
        assertThat(decoded.hash()).isEqualTo(TABLE.hash());
        assertThat(decoded.tableJson()).isEqualTo(TableCodec.encode(TABLE));
        assertThat(decoded.decode()).isEqualTo(TABLE);
    }

    @Test
    void membersAReaderDoesNotKnowAreIgnored() {
        ChannelMessage m = MessageCodec.decode(("{\"future\":{\"a\":[1,2]},\"type\":\"ACK\",\"version\":9,"
                + "\"also\":\"new\"}").getBytes(StandardCharsets.UTF_8));

        assertThat(m).isEqualTo(new ChannelMessage.Ack(9));
    }

    @Test
    void whatIsNotAMessageIsRefusedWithTheReason() {
        assertThatThrownBy(() -> decode("[1]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> decode("{\"version\":1}")).hasMessageContaining("no type");
        assertThatThrownBy(() -> decode("{\"type\":\"SHOUT\"}")).hasMessageContaining("unknown message type SHOUT");
        assertThatThrownBy(() -> decode("{\"type\":\"ACK\"}")).hasMessageContaining("ACK needs a version");
        assertThatThrownBy(() -> decode("{\"type\":\"ACK\",\"version\":\"1\"}")).hasMessageContaining("version");
        assertThatThrownBy(() -> decode("{\"type\":\"HELLO\",\"node\":\"n\"}")).hasMessageContaining("node and pod");
        assertThatThrownBy(() -> decode("{\"type\":\"TABLE\",\"version\":1,\"hash\":\"h\",\"table\":[]}"))
                .hasMessageContaining("table: expected an object");
        assertThatThrownBy(() -> decode("{\"type\":")).hasMessageContaining("not JSON");
    }

    @Test
    void aTableWhoseEnvelopeDoesNotMatchItsContentIsRefused() {
        ChannelMessage.Table honest = ChannelMessage.Table.of(TABLE);
        ChannelMessage.Table lying = new ChannelMessage.Table(8, TABLE.hash(), honest.tableJson());

        assertThatThrownBy(lying::decode).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TABLE v8").hasMessageContaining("carries table v7");
    }

    @Test
    void aHelloOfProtocolOneAloneSpeaksOneAndAHelloOfTwoStillSaysOneFirst() {
        ChannelMessage.Hello old = (ChannelMessage.Hello) decode(
                "{\"type\":\"HELLO\",\"protocol\":1,\"node\":\"n\",\"pod\":\"p\",\"lastVersion\":0}");
        String now = new String(MessageCodec.encode(new ChannelMessage.Hello(ChannelMessage.PROTOCOL, "n", "p", 0,
                null, ChannelMessage.MAX_PROTOCOL)), StandardCharsets.UTF_8);

        assertThat(old.maxProtocol()).isEqualTo(1);
        assertThat(now).contains("\"protocol\":1").contains("\"maxProtocol\":2");
        assertThat(((ChannelMessage.Nack) decode("{\"type\":\"NACK\",\"version\":3,\"reason\":\"r\"}")).resync())
                .isFalse();
    }

    @Test
    void aDeltaTravelsAsItsJsonAndDecodesToTheDeltaAnnounced() {
        RoutingTable next = RoutingTable.of(TABLE.virtualHosts(), List.of(new Cluster("web", Cluster.Protocol.HTTP1,
                List.of(Endpoint.ready("127.0.0.2", 8080)))), List.of()).withVersion(8);
        ChannelMessage.Delta message = ChannelMessage.Delta.of(TableDelta.between(TABLE, next));
        byte[] frame = concat(MessageCodec.encode(message), message.deltaJson(), MessageCodec.TABLE_SUFFIX);

        ChannelMessage.Delta decoded = (ChannelMessage.Delta) MessageCodec.decode(frame);
        ChannelMessage.Delta lying = new ChannelMessage.Delta(9, next.hash(), 7, TABLE.hash(), message.deltaJson());

        assertThat(new String(frame, StandardCharsets.UTF_8)).startsWith("{\"type\":\"DELTA\",\"version\":8,");
        assertThat(decoded.baseVersion()).isEqualTo(7);
        assertThat(decoded.baseHash()).isEqualTo(TABLE.hash());
        assertThat(decoded.decode().applyTo(TABLE).hash()).isEqualTo(next.hash());
        assertThatThrownBy(lying::decode).hasMessageContaining("DELTA v7 -> v9 carries delta v7 -> v8");
    }

    @Test
    void aCompressedFrameIsReadAsTheMessageItCarries() {
        EmbeddedChannel sender = messaging(1024 * 1024);
        EmbeddedChannel receiver = messaging(1024 * 1024);
        CompressedFrame compressed = CompressedFrame.of(ChannelMessage.Table.of(TABLE));

        sender.writeOutbound(compressed, new ChannelMessage.Ack(3));
        for (Object frame; (frame = sender.readOutbound()) != null; ) {
            receiver.writeInbound(frame);
        }

        assertThat(compressed.body()[0]).isEqualTo((byte) 0x1f);
        assertThat(((ChannelMessage.Table) receiver.readInbound()).decode()).isEqualTo(TABLE);
        assertThat((Object) receiver.readInbound()).isEqualTo(new ChannelMessage.Ack(3));
        assertThat(sender.finishAndReleaseAll()).isFalse();
        assertThat(receiver.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aCompressedFrameThatInflatesBeyondTheLargestFrameFailsTheConnection() {
        EmbeddedChannel ch = messaging(4096);
        // 1 MiB of one byte compresses to about a kilobyte: small on the wire, far above the limit inflated
        byte[] body = CompressedFrame.of(new ChannelMessage.Nack(1, "x".repeat(1024 * 1024))).body();
        assertThat(body.length).isLessThan(4096);

        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeInt(body.length).writeBytes(body)))
                .hasMessageContaining("inflates to more than 4096 bytes");
        ch.finishAndReleaseAll();
    }

    @Test
    void messagesCrossThePipelineAsLengthPrefixedFrames() {
        EmbeddedChannel sender = messaging(1024 * 1024);
        EmbeddedChannel receiver = messaging(1024 * 1024);

        sender.writeOutbound(ChannelMessage.Table.of(TABLE), new ChannelMessage.Ack(3));
        for (Object frame; (frame = sender.readOutbound()) != null; ) {
            receiver.writeInbound(frame);
        }

        ChannelMessage.Table table = receiver.readInbound();
        assertThat(table.decode()).isEqualTo(TABLE);
        assertThat((Object) receiver.readInbound()).isEqualTo(new ChannelMessage.Ack(3));
        assertThat(sender.finishAndReleaseAll()).isFalse();
        assertThat(receiver.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aPingIsAnsweredWithAPongAndPassedOn() {
        EmbeddedChannel ch = messaging(1024);

        ch.writeInbound(frame("{\"type\":\"PING\"}"));

        assertThat((Object) ch.readInbound()).isEqualTo(new ChannelMessage.Ping());
        ByteBuf length = ch.readOutbound();
        ByteBuf body = ch.readOutbound();
        assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"PONG\"}");
        assertThat(length.readInt()).isEqualTo(body.readableBytes());
        length.release();
        body.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aFrameAboveTheLimitFailsTheConnection() {
        EmbeddedChannel ch = messaging(1024);

        assertThatThrownBy(() -> ch.writeInbound(frame("{\"type\":\"NACK\",\"version\":1,\"reason\":\""
                + "x".repeat(2000) + "\"}"))).isInstanceOf(TooLongFrameException.class);
        ch.finishAndReleaseAll();
    }

    private static EmbeddedChannel messaging(int maxFrame) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ChannelPipelines.addMessaging(ch.pipeline(), maxFrame, Duration.ofHours(1));
        return ch;
    }

    private static ByteBuf frame(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeInt(bytes.length).writeBytes(bytes);
    }

    private static ChannelMessage decode(String json) {
        return MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
