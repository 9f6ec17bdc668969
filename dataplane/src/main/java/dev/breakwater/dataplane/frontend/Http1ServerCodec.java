package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.exchange.EncodedResponse;
import dev.breakwater.dataplane.http1.LengthFramedBody;
import dev.breakwater.dataplane.http1.LineHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of a client connection: Netty's request decoder and response encoder, paired as Netty's
 * {@code HttpServerCodec} pairs them (each response is matched with its request's method, so that a response to
 * {@code HEAD} has no body and a {@code 2xx} to {@code CONNECT} no {@code Transfer-Encoding}; a request that came with
 * both {@code Transfer-Encoding: chunked} and {@code Content-Length} closes the connection after its response), plus
 * two things that codec cannot do: an {@link EncodedResponse} is written as the bytes it holds, taking its request's
 * place in the order like any response; and a head whose headers are a {@link LineHeaders} view (an endpoint's
 * response read in place) has its unchanged header lines written as the bytes they arrived in. Plain request heads
 * are read in place too ({@link RequestHeadParser}), into a {@link LineHeaders} view; every other request is read
 * by Netty's decoder as it always was.
 */
final class Http1ServerCodec
        extends CombinedChannelDuplexHandler<Http1ServerCodec.RequestDecoder, Http1ServerCodec.ResponseEncoder> {

    private static final Byte OTHER = 0;
    private static final Byte HEAD = 1;
    private static final Byte CONNECT = 2;

    /** The methods of the requests decoded and not yet answered, oldest first. */
    private final ArrayDeque<Byte> methods = new ArrayDeque<>(4);
    private final int maxPipelineDepth;
    private boolean closeAfterResponse;

    /**
     * @param maxPipelineDepth requests that may be decoded ahead of their responses; one more fails the connection
     */
    Http1ServerCodec(HttpDecoderConfig config, int maxPipelineDepth) {
        this.maxPipelineDepth = maxPipelineDepth;
        init(new RequestDecoder(config), new ResponseEncoder());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof EncodedResponse encoded) {
            ByteBuf bytes = encoded.content();
            methods.poll();
            if (closeAfterResponse) {
                closeAfterResponse = false;
                promise = promise.unvoid();
                promise.addListener(ChannelFutureListener.CLOSE);
            }
            ctx.write(bytes, promise);
            return;
        }
        super.write(ctx, msg, promise);
    }

    /**
     * Decodes requests, noting each one's method for its response. A plain head with a body framed by one
     * Content-Length (or none) is read by a {@link RequestHeadParser} and its body cut here; any other request is
     * read whole by Netty's decoder (this class's superclass), from its first byte, as before.
     */
    final class RequestDecoder extends HttpRequestDecoder {
        private final RequestHeadParser heads;
        private final LengthFramedBody body;
        /** Netty's decoder reads the request under way (or, after a failure, discards the rest). */
        private boolean netty;

        RequestDecoder(HttpDecoderConfig config) {
            super(config);
            heads = new RequestHeadParser(config.getMaxInitialLineLength(), config.getMaxHeaderSize());
            body = new LengthFramedBody(config.getMaxChunkSize());
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            int from = out.size();
            if (body.underWay()) {
                body.next(in, out);
            } else if (netty) {
                super.decode(ctx, in, out);
            } else {
                int length = heads.parse(in);
                if (length == RequestHeadParser.OTHER) {
                    netty = true;
                    super.decode(ctx, in, out);
                } else if (length >= 0) {
                    in.skipBytes(length);
                    out.add(heads.request());
                    body.start(heads.contentLength(), in, out);
                }
            }
            for (int i = from; i < out.size(); i++) {
                Object o = out.get(i);
                if (o instanceof HttpRequest request) {
                    if (methods.size() >= maxPipelineDepth) {
                        for (Object m : out) {
                            ReferenceCountUtil.release(m);
                        }
                        out.clear();
                        throw new IllegalStateException("more than " + maxPipelineDepth
                                + " pipelined requests ahead of their responses");
                    }
                    HttpMethod m = request.method();
                    methods.add(HttpMethod.HEAD.equals(m) ? HEAD : HttpMethod.CONNECT.equals(m) ? CONNECT : OTHER);
                } else if (o instanceof LastHttpContent last) {
                    // the request ended (a failed one leaves Netty's decoder discarding, so it keeps reading)
                    netty &= last.decoderResult().isFailure();
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
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            // the request may have been framed differently by whoever sent it: its connection carries no other
            closeAfterResponse = true;
            super.handleTransferEncodingChunkedWithContentLength(message);
        }
    }

    /** Encodes responses, each as its request's method wants it. */
    final class ResponseEncoder extends HttpResponseEncoder {
        private Byte method = OTHER;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (closeAfterResponse && msg instanceof LastHttpContent) {
                closeAfterResponse = false;
                promise = promise.unvoid();
                promise.addListener(ChannelFutureListener.CLOSE);
            }
            super.write(ctx, msg, promise);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg); // an interim response answers no request of its own
            }
            Byte m = methods.poll();
            method = m == null ? OTHER : m;
            return method == HEAD || super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && method == CONNECT && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // RFC 9112 6.1: none in a 2xx to CONNECT
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }

        @Override
        protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
            if (headers instanceof LineHeaders lines) {
                lines.writeTo(buf); // the endpoint's lines as they came, then what the exchange changed
                return;
            }
            super.encodeHeaders(headers, buf);
        }
    }
}
