package dev.breakwater.dataplane.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * The HTTP/1.1 codec of a connection to an endpoint, which carries one request at a time. Beside encoding requests
 * and decoding responses (a response to HEAD has no body), it watches the endpoint's framing: an endpoint that sends
 * anything after the end of a final response (more bytes than its Content-Length, a second response), or anything
 * at all while the connection idles in the pool, has lost track of the exchange, and such a connection must never
 * carry another request: the next one would read those bytes as its answer (response desync).
 */
public final class UpstreamHttpCodec
        extends CombinedChannelDuplexHandler<UpstreamHttpCodec.ResponseDecoder, UpstreamHttpCodec.RequestEncoder> {

    private boolean headRequest;
    private boolean overrun;
    private boolean idle;

    public UpstreamHttpCodec(HttpDecoderConfig config) {
        init(new ResponseDecoder(config), new RequestEncoder());
    }

    /** True once the endpoint sent bytes beyond a complete response, or while idle: not to be reused. */
    public boolean overrun() {
        return overrun;
    }

    /** The connection idles in its pool (true) or carries a request (false). */
    void idle(boolean value) {
        idle = value;
    }

    /** Encodes requests, noting whether the one in flight is HEAD. */
    public final class RequestEncoder extends HttpRequestEncoder {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpRequest request) {
                headRequest = HttpMethod.HEAD.equals(request.method());
            }
            super.encode(ctx, msg, out);
        }
    }

    /** Decodes responses, noting bytes that follow a complete final response. */
    public final class ResponseDecoder extends HttpResponseDecoder {
        private boolean interim;

        ResponseDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (idle && msg instanceof ByteBuf) {
                // nothing was asked: whatever this is, the connection is out of step
                overrun = true;
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            super.channelRead(ctx, msg);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            int from = out.size();
            super.decode(ctx, in, out);
            for (int i = from; i < out.size(); i++) {
                Object m = out.get(i);
                if (m instanceof HttpResponse response) {
                    interim = response.status().code() < 200;
                }
                if (m instanceof LastHttpContent && !interim && in.isReadable()) {
                    overrun = true;
                }
            }
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            if (headRequest && ((HttpResponse) msg).status().code() >= 200) {
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }
}
