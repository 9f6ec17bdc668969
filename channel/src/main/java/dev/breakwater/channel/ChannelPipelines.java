package dev.breakwater.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handlers both ends of the push channel put behind their TLS handler, once the handshake succeeded:
 * frames (a 4-byte big-endian length, then that many bytes of JSON), {@link ChannelMessage}s in and out, and
 * keep-alive (a {@code PING} after {@code keepAlive} without writing, answered by {@code PONG}; a connection
 * that received nothing for three times {@code keepAlive} is closed).
 */
public final class ChannelPipelines {

    /** Largest frame accepted by default: tables carry certificates and their keys. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

    /** Default keep-alive interval. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ChannelPipelines.class);

    private ChannelPipelines() {
    }

    /**
     * Adds framing, the message codec and keep-alive at the end of the pipeline; the caller's handler goes
     * after them and receives every {@link ChannelMessage} ({@code PING}s are answered here, then passed on).
     *
     * @param maxInboundFrameBytes the largest frame read; a larger one closes the connection
     */
    public static void addMessaging(ChannelPipeline pipeline, int maxInboundFrameBytes, Duration keepAlive) {
        long ms = keepAlive.toMillis();
        pipeline.addLast("idle", new IdleStateHandler(true, 3 * ms, ms, 0, TimeUnit.MILLISECONDS));
        pipeline.addLast("frameDecoder", new LengthFieldBasedFrameDecoder(maxInboundFrameBytes + 4, 0, 4, 0, 4));
        pipeline.addLast("framePrepender", new LengthFieldPrepender(4));
        pipeline.addLast("messageDecoder", new MessageDecoder(maxInboundFrameBytes));
        pipeline.addLast("messageEncoder", new MessageEncoder());
        pipeline.addLast("keepAlive", new KeepAlive());
    }

    /** The size of the frame that carries a message, uncompressed. */
    public static long frameBytes(ChannelMessage message) {
        byte[] head = MessageCodec.encode(message);
        byte[] payload = MessageCodec.payload(message);
        return payload != null ? (long) head.length + payload.length + MessageCodec.TABLE_SUFFIX.length : head.length;
    }

    /**
     * A failure in one line, with its causes ({@code "General OpenSslEngine problem"} alone tells nothing; the
     * certificate check below it does).
     */
    public static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 8; t = t.getCause(), depth++) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (out.indexOf(m) < 0) {
                out.append(out.length() == 0 ? "" : ": ").append(m);
            }
        }
        return out.toString();
    }

    /**
     * One frame in, one message out (the frame is released by the base class); a gzip frame is inflated first, to at
     * most the largest frame.
     */
    private static final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {
        private final int maxBytes;

        MessageDecoder(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
            byte[] json = CompressedFrame.isCompressed(frame) ? CompressedFrame.inflate(frame, maxBytes)
                    : ByteBufUtil.getBytes(frame);
            out.add(MessageCodec.decode(json));
        }
    }

    /**
     * One message in, one frame body out; a table's bytes are wrapped, not copied, and a {@link CompressedFrame} is
     * written as it is.
     */
    private static final class MessageEncoder extends MessageToMessageEncoder<Object> {
        @Override
        public boolean acceptOutboundMessage(Object msg) {
            return msg instanceof ChannelMessage || msg instanceof CompressedFrame;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
            if (msg instanceof CompressedFrame compressed) {
                out.add(Unpooled.wrappedBuffer(compressed.body()));
                return;
            }
            ChannelMessage message = (ChannelMessage) msg;
            byte[] head = MessageCodec.encode(message);
            byte[] payload = MessageCodec.payload(message);
            out.add(payload != null ? Unpooled.wrappedBuffer(head, payload, MessageCodec.TABLE_SUFFIX)
                    : Unpooled.wrappedBuffer(head));
        }
    }

    /** Answers PING, sends PING when idle, closes a silent connection; passes every message on. */
    private static final class KeepAlive extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ChannelMessage.Ping) {
                ctx.writeAndFlush(new ChannelMessage.Pong(), ctx.voidPromise());
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent idle) {
                if (idle.state() == IdleState.WRITER_IDLE) {
                    ctx.writeAndFlush(new ChannelMessage.Ping(), ctx.voidPromise());
                } else if (idle.state() == IdleState.READER_IDLE) {
                    LOG.warn("push channel: nothing heard from {} for a while; closing", ctx.channel().remoteAddress());
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
