package dev.breakwater.dataplane.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryRedactionTest {

    @Test
    void credentialValuesAreHiddenAndEverythingElseKept() {
        assertThat(QueryRedaction.redact("a=1&token=x&b=2")).isEqualTo("a=1&token=REDACTED&b=2");
        assertThat(QueryRedaction.redact("API_KEY=k")).isEqualTo("API_KEY=REDACTED");
        assertThat(QueryRedaction.redact("my_refresh_token=t&csrfToken=u")).isEqualTo(
                "my_refresh_token=REDACTED&csrfToken=REDACTED");
        assertThat(QueryRedaction.redact("access%5Ftoken=x")).isEqualTo("access%5Ftoken=REDACTED");
        assertThat(QueryRedaction.redact("X-Amz-Credential=c&X-Amz-Signature=s&X-Amz-Date=d"))
                .isEqualTo("X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Date=d");
    }

    @Test
    void oddShapesAreKeptAsTheyCame() {
        assertThat(QueryRedaction.redact(null)).isNull();
        assertThat(QueryRedaction.redact("")).isEmpty();
        assertThat(QueryRedaction.redact("token")).isEqualTo("token");
        assertThat(QueryRedaction.redact("token=")).isEqualTo("token=");
        assertThat(QueryRedaction.redact("a&&b=1&")).isEqualTo("a&&b=1&");
        assertThat(QueryRedaction.redact("q=token=x")).isEqualTo("q=token=x");
        assertThat(QueryRedaction.redact("a=1&&password=p&")).isEqualTo("a=1&&password=REDACTED&");
    }

    @Test
    void aRefererKeepsItsPathAndFragment() {
        assertThat(QueryRedaction.redactUrl("https://x.example/p?code=abc&state=s#top"))
                .isEqualTo("https://x.example/p?code=REDACTED&state=s#top");
        assertThat(QueryRedaction.redactUrl("https://x.example/p")).isEqualTo("https://x.example/p");
        assertThat(QueryRedaction.redactUrl(null)).isNull();
    }
}
