package dev.breakwater.dataplane.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.dataplane.settings.ProxyConfig;
import dev.breakwater.routing.RequestBlocklist;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table's User-Agent and Referer blocklist with plain calls: no socket, no event loop. */
class RequestBlockFilterTest {

    private static final ProxyConfig CONFIG = ProxyConfig.defaults();

    private static List<RequestBlocklist.Entry> entries(String... nginx) {
        return Arrays.stream(nginx).map(RequestBlocklist.Entry::parse).toList();
    }

    private static RequestBlockFilter filter(List<RequestBlocklist.Entry> agents, List<RequestBlocklist.Entry> refs) {
        return RequestBlockFilter.of(new RequestBlocklist(agents, refs));
    }

    private static FilterContext request(String... headers) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        req.headers().set("host", "a.test");
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().add(headers[i], headers[i + 1]);
        }
        return new FilterContext(req, "http", "a.test", "/", null, "192.0.2.1", CONFIG);
    }

    private static Integer status(RequestBlockFilter f, String... headers) {
        LocalAnswer a = f.onRequest(request(headers));
        return a == null ? null : a.status().code();
    }

    @Test
    void anEmptyListHasNoFilter() {
        assertThat(RequestBlockFilter.of(null)).isNull();
        assertThat(RequestBlockFilter.of(new RequestBlocklist(List.of(), List.of()))).isNull();
    }

    @Test
    void anExactEntryMatchesTheWholeValueIgnoringAsciiCase() {
        RequestBlockFilter f = filter(entries("BadBot/1.0"), List.of());

        assertThat(status(f, "User-Agent", "BadBot/1.0")).isEqualTo(403);
        assertThat(status(f, "User-Agent", "badbot/1.0")).as("nginx's map compares strings ignoring case")
                .isEqualTo(403);
        assertThat(status(f, "User-Agent", "BadBot/1.0 (extra)")).isNull();
        assertThat(status(f, "User-Agent", "curl/8")).isNull();
        LocalAnswer denied = f.onRequest(request("User-Agent", "BADBOT/1.0"));
        assertThat(denied.deniedBy()).isEqualTo("user_agent");
        assertThat(denied.message()).isEqualTo("user agent blocked");
    }

    @Test
    void tildeIsACaseSensitiveRegexFoundAnywhereAndTildeStarIgnoresCase() {
        RequestBlockFilter f = filter(entries("~^Scanner", "~*crawl(er)?\\b"), List.of());

        assertThat(status(f, "User-Agent", "Scanner/2")).isEqualTo(403);
        assertThat(status(f, "User-Agent", "scanner/2")).as("~ is case-sensitive").isNull();
        assertThat(status(f, "User-Agent", "x Scanner")).as("anchored at the start").isNull();
        assertThat(status(f, "User-Agent", "Mozilla/5.0 (compatible; WebCRAWLER)")).isEqualTo(403);
        assertThat(status(f, "User-Agent", "Mozilla/5.0 Firefox/120")).isNull();
    }

    @Test
    void theRefererHasItsOwnListAndItsOwnReason() {
        RequestBlockFilter f = filter(List.of(), entries("~*spam\\.example", "http://bad.example/"));

        assertThat(status(f, "Referer", "https://SPAM.example/x")).isEqualTo(403);
        assertThat(status(f, "Referer", "http://bad.example/")).isEqualTo(403);
        assertThat(status(f, "Referer", "https://good.example/")).isNull();
        assertThat(status(f, "User-Agent", "spam.example")).as("the user agent is not compared with referers")
                .isNull();
        assertThat(f.onRequest(request("Referer", "http://bad.example/")).deniedBy()).isEqualTo("referer");
    }

    @Test
    void aRequestWithoutTheHeaderOrWithItEmptyIsNeverRefused() {
        RequestBlockFilter f = filter(entries("~.*", "~^$"), entries("~.*"));

        assertThat(status(f)).isNull();
        assertThat(status(f, "User-Agent", "", "Referer", "")).isNull();
        assertThat(status(f, "User-Agent", "anything")).isEqualTo(403);
    }

    @Test
    void aBacktrackingPatternStopsAtItsBudgetAndDoesNotRefuse() {
        // (a+)+b on "aaaa...c" backtracks exponentially: the budget ends it, nothing is refused (as nginx past
        // PCRE's match limit), and the next request is matched with a budget of its own
        RequestBlockFilter f = filter(entries("~(a+)+b", "~*evil"), List.of());
        String attack = "a".repeat(40) + "c";

        long start = System.nanoTime();
        assertThat(status(f, "User-Agent", attack)).isNull();
        assertThat(System.nanoTime() - start).as("bounded: well under a second").isLessThan(1_000_000_000L);
        assertThat(status(f, "User-Agent", "aaab")).isEqualTo(403);
        assertThat(status(f, "User-Agent", "EVIL agent")).isEqualTo(403);
    }

    @Test
    void anEscapedTildeIsAnExactString() {
        RequestBlockFilter f = filter(entries("\\~weird"), List.of());

        assertThat(status(f, "User-Agent", "~weird")).isEqualTo(403);
        assertThat(status(f, "User-Agent", "weird")).isNull();
    }
}
