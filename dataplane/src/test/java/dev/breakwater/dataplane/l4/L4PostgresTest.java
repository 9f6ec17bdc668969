package dev.breakwater.dataplane.l4;

import static dev.breakwater.dataplane.l4.L4Tables.cluster;
import static dev.breakwater.dataplane.l4.L4Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.breakwater.dataplane.DataPlane;
import dev.breakwater.dataplane.testing.FreePorts;
import dev.breakwater.dataplane.testing.PostgresServer;
import dev.breakwater.routing.L4Listener;
import dev.breakwater.routing.L4Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real PostgreSQL server behind a TCP listener, queried with a real psql. */
class L4PostgresTest {

    @Test
    void psqlQueriesPostgresThroughATcpListener() throws Exception {
        String why = PostgresServer.unavailableReason();
        assumeTrue(why == null, () -> why + ": skipped");
        int port = FreePorts.tcp();
        try (PostgresServer pg = PostgresServer.start();
             DataPlane dp = DataPlane.builder().bindAddress("127.0.0.1").httpPort(0).adminPort(0).build().start()) {
            dp.apply(table(List.of(cluster("pg", pg.port())), L4Listener.tcp(port, L4Route.to("tcp/" + port, "pg"))));
            assertThat(PostgresServer.psql(port, "select 40 + 2")).isEqualTo("42");
            assertThat(PostgresServer.psql(port, "create table t (v text); insert into t values ('through "
                    + "breakwater'); select v from t")).endsWith("through breakwater");
            assertThat(dp.l4().metrics().count("breakwater_l4_connections", "tcp/" + port,
                    "127.0.0.1:" + pg.port())).isEqualTo(2);
        }
    }
}
