package dev.breakwater.dataplane.backend;

import dev.breakwater.dataplane.http1.LengthFramedBody;
import dev.breakwater.dataplane.http1.LineHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
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
 * carry another request: the next one would read those bytes as its answer (response desync). Plain response heads
 * are read in place ({@link ResponseHeadParser}); every other response is read by Netty's decoder as it always was.
 * A request head read in place from the client ({@link LineHeaders}) has the lines nothing removed or changed
 * written as the bytes they arrived in (they are in the form the encoder writes), then the edited headers.
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

        @Override
        protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
            if (headers instanceof LineHeaders lines) {
                lines.writeTo(buf); // the client's lines as they came, then what the exchange changed
                return;
            }
            super.encodeHeaders(headers, buf);
        }
    }

    /**
     * Decodes responses, noting bytes that follow a complete final response. A plain head with a body framed by
     * Content-Length (or none) is read by a {@link ResponseHeadParser} and its body cut here; any other response is
     * read whole by Netty's decoder (this class's superclass), from its first byte, as before.
     */
    public final class ResponseDecoder extends HttpResponseDecoder {
        private final ResponseHeadParser heads;
        private final LengthFramedBody body;
        private boolean interim;
        /** Netty's decoder reads the response under way. */
        private boolean netty;
        /** A 101 was read: Netty's decoder reads the rest of the connection. */
        private boolean switched;

        ResponseDecoder(HttpDecoderConfig config) {
            super(config);
            heads = new ResponseHeadParser(config.getMaxInitialLineLength(), config.getMaxHeaderSize());
            body = new LengthFramedBody(config.getMaxChunkSize());
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
            if (body.underWay()) {
                body.next(in, out);
            } else if (netty || switched) {
                super.decode(ctx, in, out);
            } else {
                int length = heads.parse(in, headRequest);
                if (length == ResponseHeadParser.OTHER) {
                    netty = true;
                    super.decode(ctx, in, out);
                } else if (length >= 0) {
                    in.skipBytes(length);
                    out.add(heads.response());
                    body.start(heads.contentLength(), in, out);
                }
            }
            for (int i = from; i < out.size(); i++) {
                Object m = out.get(i);
                if (m instanceof HttpResponse response) {
                    interim = response.status().code() < 200;
                    switched |= response.status().code() == 101;
                }
                if (m instanceof LastHttpContent last) {
                    // the response ended (a failed part leaves Netty's decoder discarding, so it keeps reading)
                    netty &= last.decoderResult().isFailure();
                    if (!interim && in.isReadable()) {
                        overrun = true;
                    }
                }
            }
        }

        @Override
        protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            if (body.underWay()) {
                body.closedInside(in);
                return;
            }
            // a head cut short, or nothing: Netty's decoder says what it always said about it
            netty = true;
            super.decodeLast(ctx, in, out);
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
