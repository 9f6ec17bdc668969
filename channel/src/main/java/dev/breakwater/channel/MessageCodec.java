package dev.breakwater.channel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The JSON form of {@link ChannelMessage}s (no framing: see {@link ChannelPipelines}). Every message is one
 * object with a {@code type}; members a reader does not know are ignored. A {@code TABLE}'s {@code table}
 * member is the table's {@link dev.breakwater.routing.TableCodec} JSON, written verbatim as the last member,
 * so the encoder never copies it and the decoder hands those very bytes to the table codec; a {@code DELTA}'s
 * {@code delta} likewise.
 */
public final class MessageCodec {

    /** Closing a generator adds nothing: a TABLE's prefix is left open on purpose. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_CONTENT).build();

    private MessageCodec() {
    }

    /**
     * The JSON of a message. For a {@link ChannelMessage.Table}, only what comes before its table: the frame is
     * these bytes, then {@code tableJson}, then {@link #TABLE_SUFFIX}.
     */
    public static byte[] encode(ChannelMessage message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (message instanceof ChannelMessage.Hello h) {
                g.writeStringField("type", "HELLO");
                g.writeNumberField("protocol", h.protocol());
                g.writeStringField("node", h.node());
                g.writeStringField("pod", h.pod());
                g.writeNumberField("lastVersion", h.lastVersion());
                if (h.lastHash() != null) {
                    g.writeStringField("lastHash", h.lastHash());
                }
                if (h.maxProtocol() > h.protocol()) {
                    g.writeNumberField("maxProtocol", h.maxProtocol());
                }
            } else if (message instanceof ChannelMessage.Table t) {
                g.writeStringField("type", "TABLE");
                g.writeNumberField("version", t.version());
                g.writeStringField("hash", t.hash());
                g.writeFieldName("table");
                g.writeRaw(':');
                g.flush();
                // the frame goes on with the table itself, then TABLE_SUFFIX
                return out.toByteArray();
            } else if (message instanceof ChannelMessage.Delta d) {
                g.writeStringField("type", "DELTA");
                g.writeNumberField("version", d.version());
                g.writeStringField("hash", d.hash());
                g.writeNumberField("baseVersion", d.baseVersion());
                g.writeStringField("baseHash", d.baseHash());
                g.writeFieldName("delta");
                g.writeRaw(':');
                g.flush();
                // likewise: the delta itself, then TABLE_SUFFIX
                return out.toByteArray();
            } else if (message instanceof ChannelMessage.Ack a) {
                g.writeStringField("type", "ACK");
                g.writeNumberField("version", a.version());
            } else if (message instanceof ChannelMessage.Nack n) {
                g.writeStringField("type", "NACK");
                g.writeNumberField("version", n.version());
                g.writeStringField("reason", n.reason());
                if (n.resync()) {
                    g.writeBooleanField("resync", true);
                }
            } else if (message instanceof ChannelMessage.Ping) {
                g.writeStringField("type", "PING");
            } else if (message instanceof ChannelMessage.Pong) {
                g.writeStringField("type", "PONG");
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** What follows a TABLE's {@code tableJson} (and a DELTA's {@code deltaJson}) in its frame. */
    public static final byte[] TABLE_SUFFIX = {'}'};

    /** The bytes a TABLE or DELTA carries after its {@link #encode head}, or null for other messages. */
    public static byte[] payload(ChannelMessage message) {
        if (message instanceof ChannelMessage.Table t) {
            return t.tableJson();
        }
        return message instanceof ChannelMessage.Delta d ? d.deltaJson() : null;
    }

    /**
     * Reads one message.
     *
     * @throws IllegalArgumentException if the bytes are not a message of this protocol
     */
    public static ChannelMessage decode(byte[] json) {
        String type = null;
        String node = null;
        String pod = null;
        String hash = null;
        String reason = null;
        String baseHash = null;
        long version = -1;
        long lastVersion = 0;
        long baseVersion = -1;
        int protocol = -1;
        int maxProtocol = -1;
        boolean resync = false;
        byte[] table = null;
        byte[] delta = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "type" -> type = text(p, value, name);
                    case "node" -> node = text(p, value, name);
                    case "pod" -> pod = text(p, value, name);
                    case "hash" -> hash = text(p, value, name);
                    case "lastHash" -> hash = value == JsonToken.VALUE_NULL ? null : text(p, value, name);
                    case "reason" -> reason = text(p, value, name);
                    case "version" -> version = number(p, value, name);
                    case "lastVersion" -> lastVersion = number(p, value, name);
                    case "protocol" -> protocol = (int) number(p, value, name);
                    case "maxProtocol" -> maxProtocol = (int) number(p, value, name);
                    case "baseVersion" -> baseVersion = number(p, value, name);
                    case "baseHash" -> baseHash = text(p, value, name);
                    case "resync" -> {
                        resync = value == JsonToken.VALUE_TRUE;
                        p.skipChildren();
                    }
                    case "table" -> table = object(p, value, name, json);
                    case "delta" -> delta = object(p, value, name, json);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (type == null) {
            throw new IllegalArgumentException("no type");
        }
        return switch (type) {
            case "HELLO" -> {
                require(node != null && pod != null, "HELLO needs node and pod");
                yield new ChannelMessage.Hello(protocol, node, pod, lastVersion, hash, maxProtocol);
            }
            case "TABLE" -> {
                require(version >= 0 && hash != null && table != null, "TABLE needs version, hash and table");
                yield new ChannelMessage.Table(version, hash, table);
            }
            case "DELTA" -> {
                require(version >= 0 && hash != null && baseVersion >= 0 && baseHash != null && delta != null,
                        "DELTA needs version, hash, baseVersion, baseHash and delta");
                yield new ChannelMessage.Delta(version, hash, baseVersion, baseHash, delta);
            }
            case "ACK" -> {
                require(version >= 0, "ACK needs a version");
                yield new ChannelMessage.Ack(version);
            }
            case "NACK" -> {
                require(version >= 0, "NACK needs a version");
                yield new ChannelMessage.Nack(version, reason == null ? "" : reason, resync);
            }
            case "PING" -> new ChannelMessage.Ping();
            case "PONG" -> new ChannelMessage.Pong();
            default -> throw new IllegalArgumentException("unknown message type " + type);
        };
    }

    /** The bytes of an object member, as they are (a table or delta handed to the table codec). */
    private static byte[] object(JsonParser p, JsonToken value, String name, byte[] json) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException(name + ": expected an object");
        }
        long start = p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        long end = p.currentLocation().getByteOffset();
        return Arrays.copyOfRange(json, (int) start, (int) end);
    }

    private static String text(JsonParser p, JsonToken value, String name) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException(name + ": expected a string");
        }
        return p.getText();
    }

    private static long number(JsonParser p, JsonToken value, String name) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new IllegalArgumentException(name + ": expected a whole number");
        }
        return p.getLongValue();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
