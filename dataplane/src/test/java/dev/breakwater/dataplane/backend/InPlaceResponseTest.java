package dev.breakwater.dataplane.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keep-alive as decided while a response head is read in place, against Netty's reading of the same headers. */
class InPlaceResponseTest {

    @Test
    void decidesKeepAliveAsNettysHttpUtilDoes() {
        List<String> connections = List.of("", "Connection: close\r\n", "Connection: Close\r\n",
                "Connection: keep-alive\r\n", "Connection: Keep-Alive\r\n", "Connection: upgrade, close\r\n",
                "Connection:  foo ,\tclose \r\n", "Connection: closed\r\n", "Connection: x-close\r\n",
                "Connection: keep-alive, close\r\n", "Connection: ,close,\r\n", "Connection: \r\n",
                "Connection: keep-alive\r\nConnection: close\r\n", "Connection: foo\r\nConnection: keep-alive\r\n",
                "Connection: keep-alive-ish\r\n", "X-Connection: close\r\n");
        int checked = 0;
        for (String version : List.of("HTTP/1.1", "HTTP/1.0")) {
            for (String connection : connections) {
                String wire = version + " 200 OK\r\n" + connection + "Content-Length: 0\r\n\r\n";
                EmbeddedChannel ch = new EmbeddedChannel(new UpstreamHttpCodec(new HttpDecoderConfig()));
                ch.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.US_ASCII));
                List<Object> out = new ArrayList<>();
                Object o;
                while ((o = ch.readInbound()) != null) {
                    out.add(o);
                }
                HttpResponse head = (HttpResponse) out.get(0);
                assertThat(head).as(wire).isInstanceOf(InPlaceResponse.class);
                assertThat(InPlaceResponse.keepAlive(head)).as(wire).isEqualTo(HttpUtil.isKeepAlive(head));
                checked++;
                out.forEach(ReferenceCountUtil::release);
                assertThat(ch.finishAndReleaseAll()).isFalse();
            }
        }
        assertThat(checked).isEqualTo(2 * connections.size());
    }
}
