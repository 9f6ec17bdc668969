package dev.breakwater.dataplane.l4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.channel.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A count kept per event loop, on real event loops. */
class LoopCountTest {

    @Test
    void eachLoopAddsToItsOwnSlotAndTheSumHasThemAll() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(3, Transport.best().ioHandlerFactory());
        try {
            List<L4LoopState> states = new ArrayList<>();
            group.forEach(e -> states.add(new L4LoopState((EventLoop) e)));
            LoopCount bytes = new LoopCount();
            LoopCount open = new LoopCount();
            List<Future<?>> done = new ArrayList<>();
            for (L4LoopState s : states) {
                done.add(s.loop().submit(() -> {
                    for (int i = 0; i < 100_000; i++) {
                        bytes.add(s, 3);
                        open.add(s, 1);
                        open.add(s, -1);
                    }
                    open.add(s, 1); // one connection each stays open
                }));
            }
            for (Future<?> f : done) {
                assertThat(f.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(f.isSuccess()).as(String.valueOf(f.cause())).isTrue();
            }
            assertThat(bytes.sum()).isEqualTo(3L * 100_000 * states.size());
            assertThat(open.sum()).isEqualTo(states.size());
            // a slot is written by its own loop only
            assertThatThrownBy(() -> bytes.add(states.get(0), 1)).isInstanceOf(AssertionError.class);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
