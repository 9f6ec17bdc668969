package dev.breakwater.dataplane.frontend;

import dev.breakwater.dataplane.http1.HeaderLines;
import dev.breakwater.dataplane.http1.LineHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Reads the head of a client's HTTP/1.1 request in place: its request line, and its header lines as offsets over
 * one copy of the head's bytes ({@link HeaderLines}), made into a request whose headers are a {@link LineHeaders}
 * view. The lines nothing removes or changes then go to the endpoint as the bytes they came in.
 *
 * <p>It takes only the common, plain case, and declines everything else with {@link #OTHER}, leaving that request
 * whole to Netty's decoder, whose strictness (and the smuggling defences built on it) therefore stays as it was:
 * <ul>
 *   <li>a request line {@code METHOD SP target SP HTTP/1.1} (or {@code HTTP/1.0}) with single spaces, a method of
 *       upper-case letters, {@code -} and {@code _}, a target of visible ASCII;</li>
 *   <li>every header line {@code token ": " value CRLF}, one space after the colon and none at the value's end,
 *       the value of visible ASCII, spaces and tabs: the form Netty's encoder writes, so a line copied as it came
 *       is what the endpoint received when every header was re-encoded;</li>
 *   <li>no Transfer-Encoding, and at most one Content-Length, of digits (none: no body);</li>
 *   <li>within the line and header size limits, counted so that Netty's decoder would not refuse it either.</li>
 * </ul>
 * Whatever is outside (an obs-fold, a space before a colon, a bare CR or LF, a NUL, a byte outside ASCII, two
 * lengths, chunked bodies, leading empty lines, a head over the limits) is Netty's, as before. One per
 * connection, on its event loop.
 */
final class RequestHeadParser {

    /** The head is not complete yet (and still within the limits). */
    static final int MORE = -1;
    /** Not a head this parser takes: Netty's decoder reads it. */
    static final int OTHER = -2;

    private static final int MAX_METHOD_LENGTH = 32;
    private static final int VERSION_LENGTH = 8;

    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    private HttpRequest request;
    private long contentLength;
    /** The request line of the head being read. */
    private HttpMethod method;
    private String target;
    private HttpVersion version;

    RequestHeadParser(int maxInitialLineLength, int maxHeaderSize) {
        this.maxInitialLineLength = maxInitialLineLength;
        this.maxHeaderSize = maxHeaderSize;
    }

    /** The request read by the last {@link #parse} that returned a length. */
    HttpRequest request() {
        return request;
    }

    /** The body length of that request: 0 for none. */
    long contentLength() {
        return contentLength;
    }

    /**
     * Reads a head at {@code in}'s reader index without moving it.
     *
     * @return the head's length in bytes (the empty line included), {@link #MORE} or {@link #OTHER}
     */
    int parse(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable == 0) {
            return MORE;
        }
        byte first = in.getByte(start);
        if (first < 'A' || first > 'Z') {
            return OTHER; // leading empty lines, a lower-case method, anything odd: Netty's
        }
        // both limits count every byte, CRLFs included, so that Netty's count (which leaves some out) is within them
        int lf = in.indexOf(start, start + Math.min(readable, maxInitialLineLength), (byte) '\n');
        if (lf < 0) {
            return readable >= maxInitialLineLength ? OTHER : MORE;
        }
        int headersStart = lf + 1;
        int headersReadable = start + readable - headersStart;
        int headersEnd = headersStart + Math.min(headersReadable, maxHeaderSize);
        int lineStart = headersStart;
        int end;
        while (true) {
            lf = in.indexOf(lineStart, headersEnd, (byte) '\n');
            if (lf < 0) {
                return headersReadable >= maxHeaderSize ? OTHER : MORE;
            }
            if (lf == lineStart || in.getByte(lf - 1) != '\r') {
                return OTHER; // a bare LF
            }
            if (lf == lineStart + 1) {
                end = lf + 1;
                break;
            }
            lineStart = lf + 1;
        }
        int lineLength = headersStart - start - 2;
        if (lineLength < 0 || in.getByte(start + lineLength) != '\r') {
            return OTHER; // a request line ended by a bare LF
        }
        byte[] head = new byte[end - start];
        in.getBytes(start, head);
        if (!requestLine(head, lineLength)) {
            return OTHER;
        }
        HeaderLines lines = HeaderLines.parse(head, lineLength + 2, head.length - 2);
        if (lines == null || !framing(lines)) {
            return OTHER;
        }
        request = new DefaultHttpRequest(version, method, target, new LineHeaders(lines));
        return head.length;
    }

    /** Sets {@link #contentLength}; false when a line or the framing is not one this parser takes. */
    private boolean framing(HeaderLines lines) {
        long length = lines.plainContentLength(true);
        if (length == HeaderLines.NOT_PLAIN) {
            return false;
        }
        contentLength = length == HeaderLines.NO_LENGTH ? 0 : length;
        return true;
    }

    /** Reads {@code GET /x HTTP/1.1} into {@link #method}, {@link #target}, {@link #version}; false when not plain. */
    private boolean requestLine(byte[] b, int length) {
        int p = 0;
        while (p < length && p <= MAX_METHOD_LENGTH && isMethodChar(b[p])) {
            p++;
        }
        if (p == 0 || p > MAX_METHOD_LENGTH || p >= length || b[p] != ' ') {
            return false;
        }
        int methodEnd = p++;
        int targetStart = p;
        while (p < length && b[p] > 0x20 && b[p] < 0x7f) {
            p++;
        }
        if (p == targetStart || p + 1 + VERSION_LENGTH != length || b[p] != ' ') {
            return false;
        }
        int v = p + 1;
        if (b[v] != 'H' || b[v + 1] != 'T' || b[v + 2] != 'T' || b[v + 3] != 'P' || b[v + 4] != '/'
                || b[v + 5] != '1' || b[v + 6] != '.' || (b[v + 7] != '1' && b[v + 7] != '0')) {
            return false;
        }
        version = b[v + 7] == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
        target = new String(b, targetStart, p - targetStart, StandardCharsets.US_ASCII);
        method = method(b, methodEnd);
        return true;
    }

    private static boolean isMethodChar(byte c) {
        return c >= 'A' && c <= 'Z' || c == '-' || c == '_';
    }

    /** Netty's constant for the common methods, as its decoder gives them. */
    private static HttpMethod method(byte[] b, int length) {
        if (length == 3 && b[0] == 'G' && b[1] == 'E' && b[2] == 'T') {
            return HttpMethod.GET;
        }
        if (length == 4 && b[0] == 'P' && b[1] == 'O' && b[2] == 'S' && b[3] == 'T') {
            return HttpMethod.POST;
        }
        if (length == 4 && b[0] == 'H' && b[1] == 'E' && b[2] == 'A' && b[3] == 'D') {
            return HttpMethod.HEAD;
        }
        return HttpMethod.valueOf(new String(b, 0, length, StandardCharsets.US_ASCII));
    }
}
