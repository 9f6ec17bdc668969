package dev.breakwater.dataplane.backend;

import dev.breakwater.dataplane.http1.HeaderLines;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Reads the head of an endpoint's response in place: its status line and header lines as offsets over one copy of
 * the head's bytes, made into an {@link InPlaceResponse} whose headers are a
 * {@link dev.breakwater.dataplane.http1.LineHeaders} view, so that what is forwarded unchanged goes as the bytes it
 * came in.
 *
 * <p>It takes only the common, plain case: a complete final response ({@code 2xx}-{@code 5xx}) of HTTP/1.1 or 1.0,
 * every line in the form {@link HeaderLines} reads, no Transfer-Encoding, and either one Content-Length of digits
 * or no body at all (204, 304, an answer to HEAD). Everything else (interim and 101 responses, chunked or
 * close-delimited bodies, repeated or odd Content-Lengths, any line outside the plain form, a head over the
 * limits) it declines with {@link #OTHER} and leaves to Netty's decoder, whose strictness therefore stays as it
 * was. One per connection, on its event loop.
 */
final class ResponseHeadParser {

    /** The head is not complete yet (and still within the limits). */
    static final int MORE = -1;
    /** Not a head this parser takes: Netty's decoder reads it. */
    static final int OTHER = -2;


    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    private HttpResponse response;
    private long contentLength;

    ResponseHeadParser(int maxInitialLineLength, int maxHeaderSize) {
        this.maxInitialLineLength = maxInitialLineLength;
        this.maxHeaderSize = maxHeaderSize;
    }

    /** The response read by the last {@link #parse} that returned a length. */
    HttpResponse response() {
        return response;
    }

    /** The body length of that response: 0 for none. */
    long contentLength() {
        return contentLength;
    }

    /**
     * Reads a head at {@code in}'s reader index without moving it.
     *
     * @param headRequest the request was HEAD (so a final response has no body, whatever it says)
     * @return the head's length in bytes (the empty line included), {@link #MORE} or {@link #OTHER}
     */
    int parse(ByteBuf in, boolean headRequest) {
        int start = in.readerIndex();
        int bound = maxInitialLineLength + maxHeaderSize;
        int scanEnd = start + Math.min(in.readableBytes(), bound);
        int lineStart = start;
        int statusEnd = -1;
        int end;
        while (true) {
            int lf = in.indexOf(lineStart, scanEnd, (byte) '\n');
            if (lf < 0) {
                return in.readableBytes() >= bound ? OTHER : MORE;
            }
            if (lf == lineStart || in.getByte(lf - 1) != '\r') {
                return OTHER; // a bare LF
            }
            if (statusEnd < 0) {
                statusEnd = lf - 1;
            } else if (lf == lineStart + 1) {
                end = lf + 1;
                break;
            }
            lineStart = lf + 1;
        }
        int statusLength = statusEnd - start;
        if (statusLength + 2 > maxInitialLineLength || end - (statusEnd + 2) > maxHeaderSize) {
            return OTHER;
        }
        byte[] head = new byte[end - start];
        in.getBytes(start, head);
        HttpResponseStatus status = statusLine(head, statusLength);
        if (status == null) {
            return OTHER;
        }
        HeaderLines lines = HeaderLines.parse(head, statusLength + 2, head.length - 2);
        if (lines == null || !framing(lines, status.code(), headRequest)) {
            return OTHER;
        }
        HttpVersion version = head[7] == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
        response = new InPlaceResponse(version, status, lines);
        return head.length;
    }

    /** Sets {@link #contentLength}; false when the framing is not one this parser takes. */
    private boolean framing(HeaderLines lines, int code, boolean headRequest) {
        long length = lines.plainContentLength(false);
        if (length == HeaderLines.NOT_PLAIN) {
            return false;
        }
        if (headRequest || code == 204 || code == 304) {
            contentLength = 0;
            return true;
        }
        contentLength = length;
        return length >= 0; // none: a body to the close, which Netty's decoder reads
    }

    /**
     * {@code HTTP/1.1 200 OK}: the version, a final status code and a reason of visible characters and single
     * spaces; null for anything else. The status is Netty's constant when the reason is the usual one.
     */
    private static HttpResponseStatus statusLine(byte[] b, int length) {
        if (length < 14 || b[0] != 'H' || b[1] != 'T' || b[2] != 'T' || b[3] != 'P' || b[4] != '/' || b[5] != '1'
                || b[6] != '.' || (b[7] != '1' && b[7] != '0') || b[8] != ' ' || b[12] != ' ') {
            return null;
        }
        if (b[9] < '2' || b[9] > '5' || !isDigit(b[10]) || !isDigit(b[11])) {
            return null;
        }
        int code = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
        if (b[13] == ' ' || b[length - 1] == ' ') {
            return null;
        }
        for (int i = 13; i < length; i++) {
            if (b[i] < 0x20 || b[i] > 0x7e || b[i] == ' ' && b[i - 1] == ' ') {
                return null;
            }
        }
        HttpResponseStatus status = HttpResponseStatus.valueOf(code);
        if (!sameReason(status.reasonPhrase(), b, 13, length)) {
            status = HttpResponseStatus.valueOf(code, new String(b, 13, length - 13, StandardCharsets.US_ASCII));
        }
        return status;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean sameReason(String reason, byte[] b, int from, int to) {
        if (reason.length() != to - from) {
            return false;
        }
        for (int i = 0; i < reason.length(); i++) {
            if (reason.charAt(i) != b[from + i]) {
                return false;
            }
        }
        return true;
    }
}
