package dev.breakwater.dataplane.l4;

import dev.breakwater.channel.Transport;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * What every L4 connection and session shares: the socket transport, the resolver of endpoint names, the meters,
 * and the state of each event loop.
 */
record L4Runtime(Transport transport, AddressResolverGroup<InetSocketAddress> resolver, L4Metrics metrics,
                 Map<EventLoop, L4LoopState> loops) {

    L4LoopState loop(EventLoop loop) {
        L4LoopState state = loops.get(loop);
        if (state == null) {
            throw new IllegalStateException("no L4 state for event loop " + loop);
        }
        return state;
    }
}
