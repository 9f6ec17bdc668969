package dev.breakwater.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The table's data-plane settings travel in the table and in deltas; a table without them is as before. */
class EdgeSettingsTest {

    private static final RoutingTable BASE = TableCodecTest.sample().withVersion(7);
    private static final EdgeSettings SETTINGS = new EdgeSettings(
            new ForwardedHeaders(true, "X-Client-IP", false, List.of("10.0.0.0/8")), 30_000L, 32768, 8, 20_000L, 100, 50,
            List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), new AccessLogFormat(List.of(
                    AccessLogFormat.Part.field(AccessLogFormat.Field.CLIENT_ADDRESS), AccessLogFormat.Part.text(" "),
                    AccessLogFormat.Part.field(AccessLogFormat.Field.STATUS)), AccessLogFormat.Escape.JSON));

    @Test
    void aTableWithoutSettingsEncodesAndHashesAsBefore() {
        RoutingTable none = BASE.withSettings(EdgeSettings.NONE);

        assertThat(none.settings()).isNull();
        assertThat(none.hash()).isEqualTo(RoutingTable.of(BASE.virtualHosts(), BASE.clusters(),
                BASE.certificates()).hash());
        assertThat(TableCodec.encodeToString(none)).doesNotContain("settings");
    }

    @Test
    void settingsRoundTripChangeTheHashAndTravelInADelta() {
        RoutingTable with = BASE.withSettings(SETTINGS).withVersion(8);

        RoutingTable decoded = TableCodec.decode(TableCodec.encode(with));
        TableDelta delta = TableDelta.between(BASE, with);
        RoutingTable applied = TableCodec.decodeDelta(TableCodec.encodeDelta(delta)).applyTo(BASE);
        TableDelta back = TableDelta.between(with, BASE.withVersion(9));

        assertThat(with.hash()).isNotEqualTo(BASE.hash());
        assertThat(decoded.settings()).isEqualTo(SETTINGS);
        assertThat(decoded.settings().forwarded().clientHeader()).isEqualTo("x-client-ip");
        assertThat(delta.isEmpty()).isFalse();
        assertThat(delta.virtualHosts()).isEmpty();
        assertThat(applied.settings()).isEqualTo(SETTINGS);
        assertThat(applied.hash()).isEqualTo(with.hash());
        assertThat(back.settings()).isEqualTo(EdgeSettings.NONE);
        assertThat(back.applyTo(with).settings()).isNull();
    }

    @Test
    void badValuesAreRefused() {
        assertThatThrownBy(() -> new ForwardedHeaders(true, "X Bad", false, List.of("0.0.0.0/0")))
                .hasMessageContaining("clientHeader");
        assertThatThrownBy(() -> new ForwardedHeaders(true, "X-Forwarded-For", false, List.of("ten")))
                .hasMessageContaining("ten");
        assertThatThrownBy(() -> new EdgeSettings(null, 0L, null, null, null)).hasMessageContaining("clientIdle");
        assertThatThrownBy(() -> new EdgeSettings(null, null, 100, null, null)).hasMessageContaining("maxRequestHead");
        assertThatThrownBy(() -> new EdgeSettings(null, null, null, null, null, 0, null))
                .hasMessageContaining("clientRequestsPerConnection");
        assertThatThrownBy(() -> new EdgeSettings(null, null, null, null, null, null, 0))
                .hasMessageContaining("upstreamRequestsPerConnection");
        assertThatThrownBy(() -> new EdgeSettings(null, null, null, null, null, null, null,
                List.of("ECDHE-RSA-AES128-GCM-SHA256"), null)).hasMessageContaining("tls12Ciphers");
        assertThatThrownBy(() -> new EdgeSettings(null, null, null, null, null, null, null, List.of(), null))
                .hasMessageContaining("tls12Ciphers");
        assertThatThrownBy(() -> new AccessLogFormat(List.of(), AccessLogFormat.Escape.NONE))
                .hasMessageContaining("parts");
    }

    @Test
    void aRequestBlocklistTravelsInTheTableAndAnEmptyOneIsNone() {
        RequestBlocklist list = new RequestBlocklist(List.of(RequestBlocklist.Entry.parse("~*bot"),
                RequestBlocklist.Entry.parse("curl/8.0")), List.of(RequestBlocklist.Entry.parse("~^https?://spam\\.")));
        RoutingTable with = BASE.withSettings(EdgeSettings.NONE.withBlocked(list)).withVersion(8);

        RoutingTable decoded = TableCodec.decode(TableCodec.encode(with));
        RoutingTable applied = TableCodec.decodeDelta(TableCodec.encodeDelta(TableDelta.between(BASE, with)))
                .applyTo(BASE);

        assertThat(with.hash()).isNotEqualTo(BASE.hash());
        assertThat(decoded.settings().blocked()).isEqualTo(list);
        assertThat(decoded.settings().blocked().userAgents().get(0).kind())
                .isEqualTo(RequestBlocklist.Kind.REGEX_IGNORE_CASE);
        assertThat(applied.hash()).isEqualTo(with.hash());
        assertThat(TableCodec.encodeToString(with)).contains("{\"kind\":\"REGEX_IGNORE_CASE\",\"value\":\"bot\"}")
                .doesNotContain("\"pattern\"");
        assertThat(EdgeSettings.NONE.withBlocked(new RequestBlocklist(List.of(), List.of())).isEmpty()).isTrue();
        assertThat(BASE.withSettings(EdgeSettings.NONE.withBlocked(new RequestBlocklist(null, null))).hash())
                .isEqualTo(BASE.withSettings(EdgeSettings.NONE).hash());
    }

    @Test
    void blocklistEntriesAreParsedAsNginxMapValuesAndBounded() {
        assertThat(RequestBlocklist.Entry.parse("~x")).isEqualTo(new RequestBlocklist.Entry(
                RequestBlocklist.Kind.REGEX, "x"));
        assertThat(RequestBlocklist.Entry.parse(" ~*x ")).isEqualTo(new RequestBlocklist.Entry(
                RequestBlocklist.Kind.REGEX_IGNORE_CASE, "x"));
        assertThat(RequestBlocklist.Entry.parse("\\~x").value()).isEqualTo("~x");
        assertThatThrownBy(() -> RequestBlocklist.Entry.parse("~*(bot")).hasMessageContaining("\"(bot\" is not a "
                + "regular expression");
        assertThatThrownBy(() -> RequestBlocklist.Entry.parse("~")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RequestBlocklist.Entry.parse("x".repeat(RequestBlocklist.MAX_VALUE_LENGTH + 1)))
                .hasMessageContaining("at most 1024");
        List<RequestBlocklist.Entry> many = java.util.stream.IntStream.rangeClosed(0, RequestBlocklist.MAX_ENTRIES)
                .mapToObj(i -> RequestBlocklist.Entry.parse("bot" + i)).toList();
        assertThatThrownBy(() -> new RequestBlocklist(many, List.of())).hasMessageContaining("userAgents: 257 entries");
    }
}
