package dev.breakwater.routing;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The wire format of a {@link RoutingTable}: JSON, with fields in declaration order so that equal
 * tables encode to equal bytes.
 */
public final class TableCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private TableCodec() {
    }

    public static byte[] encode(RoutingTable table) {
        try {
            return MAPPER.writeValueAsBytes(table);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode routing table", e);
        }
    }

    /**
     * The JSON of one virtual host or cluster, as the encoding of a table holds it: {@link TableLayout} makes a
     * table's encoding of such parts, so that a publisher encodes each part once however many tables share it.
     */
    public static byte[] encodePart(Object part) {
        if (!(part instanceof VirtualHost) && !(part instanceof Cluster)) {
            throw new IllegalArgumentException("part: " + part.getClass().getName()
                    + " (expected: a virtual host or a cluster)");
        }
        try {
            return MAPPER.writeValueAsBytes(part);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a part of a routing table", e);
        }
    }

    public static String encodeToString(RoutingTable table) {
        return new String(encode(table), StandardCharsets.UTF_8);
    }

    /**
     * Human-readable JSON with private keys and password hashes redacted (for the admin {@code /table} endpoint).
     */
    public static String encodeRedacted(RoutingTable table) {
        RoutingTable redacted = new RoutingTable(table.version(), table.hash(), table.virtualHosts(),
                table.clusters(), table.certificates().stream().map(Certificate::redacted).toList(), table.l4(),
                table.settings());
        try {
            JsonNode tree = MAPPER.valueToTree(redacted);
            redactPasswordHashes(tree);
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode routing table", e);
        }
    }

    /** Replaces the hash of every user of every {@code basicAuth} in {@code node} by {@code "(redacted)"}. */
    private static void redactPasswordHashes(JsonNode node) {
        if (node instanceof ObjectNode o && o.get("basicAuth") instanceof ObjectNode basic
                && basic.get("users") instanceof ObjectNode users) {
            java.util.List<String> names = new java.util.ArrayList<>();
            users.fieldNames().forEachRemaining(names::add);
            names.forEach(u -> users.put(u, "(redacted)"));
        }
        node.forEach(TableCodec::redactPasswordHashes);
    }

    /**
     * Decodes a table and checks that its content matches its hash.
     *
     * @throws IllegalArgumentException if the bytes are not a table or the hash does not match
     */
    public static RoutingTable decode(byte[] json) {
        RoutingTable table;
        try {
            table = MAPPER.readValue(json, RoutingTable.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a routing table: " + e.getMessage(), e);
        }
        String expected = contentHash(table);
        if (!expected.equals(table.hash())) {
            throw new IllegalArgumentException("routing table v" + table.version() + ": hash " + table.hash()
                    + " does not match its content (" + expected + ")");
        }
        return table;
    }

    /** The JSON of a delta between two tables (see {@link TableDelta}); parts are encoded as in a table. */
    public static byte[] encodeDelta(TableDelta delta) {
        try {
            return MAPPER.writeValueAsBytes(delta);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode table delta", e);
        }
    }

    /**
     * Decodes a delta; every part's hash is checked against its content.
     *
     * @throws IllegalArgumentException if the bytes are not a delta, or a part does not match its hash
     */
    public static TableDelta decodeDelta(byte[] json) {
        try {
            return MAPPER.readValue(json, TableDelta.class);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException("not a table delta: " + cause.getMessage(), e);
        }
    }

    /**
     * SHA-256 (hex) of the table's content: everything but its version and hash. Made of the hashes each virtual host
     * and cluster carries ({@link VirtualHost#hash()}, {@link Cluster#hash()}, computed once when they were made),
     * in table order, and the certificates' encoding; so hashing a table costs a few microseconds per part, and a
     * table that shares most parts with another shares their hashing too.
     */
    public static String contentHash(RoutingTable table) {
        MessageDigest sha = sha256();
        sha.update((byte) 'v');
        for (VirtualHost host : table.virtualHosts()) {
            // hex digits: their Latin-1 bytes are their ASCII bytes, and copied without a check per character
            sha.update(host.hash().getBytes(StandardCharsets.ISO_8859_1));
        }
        sha.update((byte) 'c');
        for (Cluster cluster : table.clusters()) {
            sha.update(cluster.hash().getBytes(StandardCharsets.ISO_8859_1));
        }
        sha.update((byte) 't');
        try {
            sha.update(MAPPER.writeValueAsBytes(table.certificates()));
            if (table.l4() != null) {
                // only tables with L4 listeners hash them, so the hash of every other table is what it was
                sha.update((byte) 0);
                sha.update(MAPPER.writeValueAsBytes(table.l4()));
            }
            if (table.settings() != null) {
                // likewise only tables with data-plane settings hash them
                sha.update((byte) 1);
                sha.update(MAPPER.writeValueAsBytes(table.settings()));
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** SHA-256 (hex) of the encoding of one part of a table (a virtual host, a cluster). */
    static String partHash(Object part) {
        try {
            return HexFormat.of().formatHex(sha256().digest(MAPPER.writeValueAsBytes(part)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
