package dev.breakwater.dataplane.http1;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header lines of an HTTP/1.1 head as offsets over the bytes they arrived in: for each line where it starts,
 * where its name ends and where its value (without the whitespace around it) starts and ends. Nothing is copied
 * out of the bytes until a name or value is asked for.
 *
 * <p>{@link #parse} reads a narrow, plain form only: every line {@code token ":" OWS value OWS CRLF}, the value of
 * visible ASCII, spaces and tabs. Whatever is outside it (an obs-fold, a space before the colon, a byte that is not
 * ASCII, a control character, a bare CR or LF) is not an error here but a "no": the caller then leaves the head to
 * Netty's decoder, which judges it as it always did. So this form accepts nothing Netty's decoder refuses and
 * reads every line it accepts the same way.
 */
public final class HeaderLines {

    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private final byte[] bytes;
    private final int count;
    /** For line i: {@code at[4i]} its start, {@code at[4i+1]} its name's end, {@code at[4i+2..4i+3]} its value. */
    private final int[] at;
    /** The end of the last line, its CRLF included. */
    private final int end;

    private HeaderLines(byte[] bytes, int count, int[] at, int end) {
        this.bytes = bytes;
        this.count = count;
        this.at = at;
        this.end = end;
    }

    /**
     * The lines of {@code bytes[from, to)}, each ending in CRLF (the empty line that ends a head not included), or
     * null when any of them is not in the plain form this class reads.
     */
    public static HeaderLines parse(byte[] bytes, int from, int to) {
        int[] at = new int[32];
        int n = 0;
        int p = from;
        while (p < to) {
            if (4 * n + 4 > at.length) {
                at = Arrays.copyOf(at, at.length * 2);
            }
            int start = p;
            while (p < to && isToken(bytes[p])) {
                p++;
            }
            if (p == start || p >= to || bytes[p] != ':') {
                return null; // an empty name, a space before the colon, a fold, a byte outside a token
            }
            int nameEnd = p++;
            while (p < to && (bytes[p] == ' ' || bytes[p] == '\t')) {
                p++;
            }
            int valueStart = p;
            int valueEnd = p;
            while (p < to) {
                byte b = bytes[p];
                if (b == '\r') {
                    break;
                }
                if (b != '\t' && (b < 0x20 || b > 0x7e)) {
                    return null; // a control character, DEL or a byte that is not ASCII
                }
                p++;
                if (b != ' ' && b != '\t') {
                    valueEnd = p;
                }
            }
            if (p + 1 >= to || bytes[p + 1] != '\n') {
                return null;
            }
            at[4 * n] = start;
            at[4 * n + 1] = nameEnd;
            at[4 * n + 2] = valueStart;
            at[4 * n + 3] = valueEnd;
            n++;
            p += 2;
        }
        return new HeaderLines(bytes, n, at, p);
    }

    private static boolean isToken(byte b) {
        return b >= 0 && TOKEN[b];
    }

    public int size() {
        return count;
    }

    /** True when line {@code i}'s name is {@code name}, compared without case. */
    public boolean nameIs(int i, CharSequence name) {
        int start = at[4 * i];
        int length = at[4 * i + 1] - start;
        if (length != name.length()) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            int a = bytes[start + k];
            int b = name.charAt(k);
            if (a != b && toLower(a) != toLower(b)) {
                return false;
            }
        }
        return true;
    }

    private static int toLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /**
     * True when line {@code i} is written as Netty's encoder writes a header, {@code name ": " value CRLF}: one space
     * after the colon and none at the value's end. Such a line copied as it came is the bytes an encoder would make
     * of its name and value.
     */
    public boolean encodedForm(int i) {
        int nameEnd = at[4 * i + 1];
        int valueEnd = at[4 * i + 3];
        return at[4 * i + 2] == nameEnd + 2 && bytes[nameEnd + 1] == ' ' && bytes[valueEnd] == '\r';
    }

    /** Line {@code i}'s name as it arrived, sharing the bytes. */
    public AsciiString name(int i) {
        return new AsciiString(bytes, at[4 * i], at[4 * i + 1] - at[4 * i], false);
    }

    /** Line {@code i}'s value without the whitespace around it, sharing the bytes. */
    public AsciiString value(int i) {
        return new AsciiString(bytes, at[4 * i + 2], at[4 * i + 3] - at[4 * i + 2], false);
    }

    public String nameString(int i) {
        return new String(bytes, at[4 * i], at[4 * i + 1] - at[4 * i], StandardCharsets.US_ASCII);
    }

    public String valueString(int i) {
        return new String(bytes, at[4 * i + 2], at[4 * i + 3] - at[4 * i + 2], StandardCharsets.US_ASCII);
    }

    /** {@link #plainContentLength}: the head has no Content-Length. */
    public static final long NO_LENGTH = -1;
    /** {@link #plainContentLength}: the head's framing is not the plain one. */
    public static final long NOT_PLAIN = -2;

    private static final int MAX_CONTENT_LENGTH_DIGITS = 18;

    /**
     * The body length the head's framing gives when it is plain: no Transfer-Encoding and at most one Content-Length
     * of 1 to 18 digits (with {@code encodedFormOnly}, also every line in {@link #encodedForm}). {@link #NO_LENGTH}
     * without a Content-Length, {@link #NOT_PLAIN} for anything else, which the parsers leave to Netty's decoder.
     */
    public long plainContentLength(boolean encodedFormOnly) {
        long length = NO_LENGTH;
        for (int i = 0; i < count; i++) {
            if (encodedFormOnly && !encodedForm(i) || nameIs(i, HttpHeaderNames.TRANSFER_ENCODING)) {
                return NOT_PLAIN;
            }
            if (nameIs(i, HttpHeaderNames.CONTENT_LENGTH)) {
                if (length != NO_LENGTH) {
                    return NOT_PLAIN;
                }
                length = digits(at[4 * i + 2], at[4 * i + 3]);
                if (length < 0) {
                    return NOT_PLAIN;
                }
            }
        }
        return length;
    }

    /** The number written in {@code bytes[from, to)}: 1 to 18 decimal digits; -1 for anything else. */
    private long digits(int from, int to) {
        if (to == from || to - from > MAX_CONTENT_LENGTH_DIGITS) {
            return -1;
        }
        long n = 0;
        for (int k = from; k < to; k++) {
            byte c = bytes[k];
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Where line {@code i} starts in the bytes; {@code lineStart(size())} is where the last line ends. */
    int lineStart(int i) {
        return i == count ? end : at[4 * i];
    }

    byte[] bytes() {
        return bytes;
    }
}
