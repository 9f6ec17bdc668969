package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.exchange.ProxyServices;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2EventAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of one HTTP/2 client connection, by stream id: what the frame codec reads is handed to the stream it
 * belongs to (a HEADERS frame that opens a request, once {@link Http2RequestValidator} accepts it, makes its
 * {@link Http2ClientStream}), a stream closed by either side (its end, RST_STREAM, GOAWAY, the connection's close)
 * leaves the table and ends its exchange, and a change of a stream's flow-control writability reaches its exchange.
 * Confined to the connection's event loop.
 */
final class Http2Streams extends Http2EventAdapter implements Http2RemoteFlowController.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(Http2Streams.class);

    private final Http2EdgeHandler edge;
    private final ProxyServices services;
    private final Http2ClientOrigin origin;
    private final IntObjectMap<Http2ClientStream> open = new IntObjectHashMap<>();
    /** The streams read in the current read burst of the connection (each once). */
    private final List<Http2ClientStream> readThisBurst = new ArrayList<>(4);
    /** Requests this connection takes before GOAWAY ({@code keep-alive-requests}), 0 for no limit; and so far. */
    private final int mostRequests;
    private int requests;

    Http2Streams(Http2EdgeHandler edge, ProxyServices services, Http2ClientOrigin origin) {
        this.edge = edge;
        this.services = services;
        this.origin = origin;
        this.mostRequests = services.table().config().maxRequestsPerConnection();
    }

    /** The stream with this id, while open; or null. */
    Http2ClientStream stream(int id) {
        return open.get(id);
    }

    int size() {
        return open.size();
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                              short weight, boolean exclusive, int padding, boolean endStream) {
        onHeadersRead(ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                              boolean endStream) {
        Http2ClientStream s = open.get(streamId);
        try {
            if (s == null) {
                long declaredLength = Http2RequestValidator.acceptHead(edge, streamId, headers, endStream);
                Http2Stream stream = edge.connection().stream(streamId);
                if (declaredLength != Http2RequestValidator.REFUSED && stream != null) {
                    s = new Http2ClientStream(edge, stream, services, origin.forStream(), declaredLength);
                    open.put(streamId, s);
                    if (mostRequests > 0 && ++requests == mostRequests) {
                        edge.lastStream(streamId);
                    }
                    burst(s);
                    s.onHead(headers, endStream);
                }
            } else if (Http2RequestValidator.acceptTrailers(edge, s, headers, endStream)) {
                burst(s);
                s.onTrailers(headers);
            }
        } catch (Http2Exception | RuntimeException e) {
            failed(s == null ? open.get(streamId) : s, streamId, e);
        }
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
        Http2ClientStream s = open.get(streamId);
        int length = data.readableBytes();
        if (s == null) {
            return length + padding; // a stream refused or answered already: its bytes are given back at once
        }
        try {
            if (!Http2RequestValidator.acceptData(edge, s, length, endOfStream)) {
                return length + padding;
            }
            burst(s);
            return s.onData(data, endOfStream) + padding;
        } catch (RuntimeException e) {
            failed(s, streamId, e);
            return length + padding;
        }
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
        Http2ClientStream s = open.remove(stream.id());
        if (s != null) {
            s.closed();
        }
    }

    @Override
    public void writabilityChanged(Http2Stream stream) {
        Http2ClientStream s = open.get(stream.id());
        if (s != null) {
            s.writabilityChanged();
        }
    }

    /** The connection's read burst ended: the exchanges it fed flush what they wrote to their endpoints. */
    void readComplete() {
        List<Http2ClientStream> read = readThisBurst;
        for (int i = 0; i < read.size(); i++) {
            read.get(i).readComplete();
        }
        read.clear();
    }

    private void burst(Http2ClientStream s) {
        if (!s.inBurst) {
            s.inBurst = true;
            readThisBurst.add(s);
        }
    }

    /** A stream whose request could not be taken on: logged at DEBUG and reset (the connection goes on). */
    private void failed(Http2ClientStream s, int streamId, Exception e) {
        LOG.debug("client stream {} of {}: {}", streamId, edge.context().channel(), e.toString());
        if (s != null) {
            s.close();
        } else {
            edge.reset(streamId, Http2Error.CANCEL);
        }
    }
}
