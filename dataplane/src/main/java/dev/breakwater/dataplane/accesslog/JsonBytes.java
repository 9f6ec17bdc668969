package dev.breakwater.dataplane.accesslog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One JSON line being written as UTF-8 bytes into a growing array: field names pre-encoded, strings escaped as RFC 8259
 * requires (quote, backslash and control characters; the rest as UTF-8, a lone surrogate as {@code \\uXXXX}), numbers
 * written digit by digit. For the access log's writer thread only; measured cheaper per line than a Jackson generator
 * for this fixed shape (no intermediate char buffer, no write context, one copy per line into the batch).
 */
final class JsonBytes {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** For a character below 0x80: 0 when written as is, else the letter of its short escape, or 'u'. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
        ESCAPE['\t'] = 't';
        ESCAPE['\b'] = 'b';
        ESCAPE['\f'] = 'f';
    }

    private byte[] buf = new byte[2048];
    private int pos;

    /** {@code "name":} with the comma before it unless it is the first field, encoded once. */
    static byte[] name(String name, boolean first) {
        return ((first ? "{\"" : ",\"") + name + "\":").getBytes(StandardCharsets.UTF_8);
    }

    int capacity() {
        return buf.length;
    }

    void clear() {
        pos = 0;
    }

    void raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    void raw(char ascii) {
        ensure(1);
        buf[pos++] = (byte) ascii;
    }

    /** ASCII characters as they are, for numbers and times this class or {@link Decimals} made. */
    void ascii(char[] chars, int length) {
        ensure(length);
        for (int i = 0; i < length; i++) {
            buf[pos++] = (byte) chars[i];
        }
    }

    void nullValue() {
        ensure(4);
        buf[pos++] = 'n';
        buf[pos++] = 'u';
        buf[pos++] = 'l';
        buf[pos++] = 'l';
    }

    /** {@code s} as a quoted JSON string, or {@code null}. */
    void string(String s) {
        if (s == null) {
            nullValue();
            return;
        }
        int n = s.length();
        ensure(n * 6 + 2); // the longest form of a character is \\uXXXX
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte e = ESCAPE[c];
                if (e == 0) {
                    b[p++] = (byte) c;
                } else if (e == 'u') {
                    p = unicodeEscape(b, p, c);
                } else {
                    b[p++] = '\\';
                    b[p++] = e;
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | c >> 6);
                b[p++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xf0 | cp >> 18);
                b[p++] = (byte) (0x80 | cp >> 12 & 0x3f);
                b[p++] = (byte) (0x80 | cp >> 6 & 0x3f);
                b[p++] = (byte) (0x80 | cp & 0x3f);
            } else if (Character.isSurrogate(c)) {
                p = unicodeEscape(b, p, c); // a lone surrogate has no UTF-8 form
            } else {
                b[p++] = (byte) (0xe0 | c >> 12);
                b[p++] = (byte) (0x80 | c >> 6 & 0x3f);
                b[p++] = (byte) (0x80 | c & 0x3f);
            }
        }
        b[p++] = '"';
        pos = p;
    }

    private static int unicodeEscape(byte[] b, int p, char c) {
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[c >> 12];
        b[p++] = HEX[c >> 8 & 0xf];
        b[p++] = HEX[c >> 4 & 0xf];
        b[p++] = HEX[c & 0xf];
        return p;
    }

    /** {@code v} in decimal. */
    void number(long v) {
        ensure(20);
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                raw(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
                return;
            }
            buf[pos++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        for (int i = pos + digits - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        pos += digits;
    }

    /** Copies the line into {@code out}. */
    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, pos);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            byte[] bigger = new byte[Math.max(buf.length * 2, pos + more)];
            System.arraycopy(buf, 0, bigger, 0, pos);
            buf = bigger;
        }
    }
}
