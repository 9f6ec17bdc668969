package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.exchange.ProxyServices;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * First handler of a plain-HTTP connection: when its first bytes are the HTTP/2 client preface
 * ({@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}: h2c with prior knowledge, as gRPC clients without TLS speak), the
 * HTTP/1.1 handlers are replaced by {@link Http2Pipeline}'s; at the first byte that differs it leaves HTTP/1.1 in
 * place. Either way it removes itself, handing on what it read (the codec then reads the preface itself). It holds
 * at most the preface's 24 bytes; a client that stops sending before them meets the request head timeout.
 */
final class CleartextHttp2Detector extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final ProxyServices services;

    CleartextHttp2Detector(ProxyServices services) {
        this.services = services;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = Math.min(in.readableBytes(), PREFACE.readableBytes());
        for (int i = 0; i < length; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE.getByte(PREFACE.readerIndex() + i)) {
                ctx.pipeline().remove(this); // HTTP/1.1: the handlers after this one stay
                return;
            }
        }
        if (length < PREFACE.readableBytes()) {
            return; // so far the preface: wait for the rest
        }
        ctx.pipeline().remove("head-timeout");
        ctx.pipeline().remove("http");
        ctx.pipeline().remove("proxy");
        Http2Pipeline.install(ctx.channel(), services, "http");
        ctx.pipeline().remove(this);
    }
}
