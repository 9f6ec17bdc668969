package dev.breakwater.channel;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll I/O handler with one fault worked around: a channel's file descriptor stays in epoll for as long as
 * the channel is registered.
 *
 * <p>Since netty/netty#16689 (still so in 4.2.18), a registration whose interest set becomes empty takes its fd out
 * of epoll ({@code epoll_ctl DEL}) but still counts it as added, so the next interest it submits is an
 * {@code epoll_ctl MOD} that fails with ENOENT. A TCP socket gets there when it is half-closed: once the peer's FIN
 * is read, {@code EPOLLIN} and {@code EPOLLRDHUP} are cleared, and {@code EPOLLOUT} is cleared whenever the outbound
 * buffer drains. The next write the socket cannot take at once sets {@code EPOLLOUT}, the MOD fails, and Netty fails
 * every message queued on the channel and shuts its output: the tail of a stream sent after the peer's half-close is
 * lost (the L4 proxy lost megabytes that way).
 *
 * <p>Here an empty interest set is submitted as {@code EPOLLET | EPOLLERR} instead: the fd stays in epoll, errors and
 * hang-ups (which epoll always reports) come at most once per change of the socket's state, edge-triggered, so the
 * loop is not woken over and over (what the removal was for), and the next interest is a MOD that works. Interests
 * are passed on unchanged otherwise, and a registration that was never added is left alone (an fd joins epoll only
 * once its channel is active).
 */
final class EpollFdKeeper implements IoHandler {

    private final IoHandler epoll;

    private EpollFdKeeper(IoHandler epoll) {
        this.epoll = epoll;
    }

    /** Wraps every handler that {@code epoll} (an {@code EpollIoHandler} factory) makes. */
    static IoHandlerFactory wrap(IoHandlerFactory epoll) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor ioExecutor) {
                return new EpollFdKeeper(epoll.newHandler(ioExecutor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return epoll.isChangingThreadSupported();
            }
        };
    }

    @Override
    public void initialize() {
        epoll.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return epoll.run(context);
    }

    @Override
    public void prepareToDestroy() {
        epoll.prepareToDestroy();
    }

    @Override
    public void destroy() {
        epoll.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return new Kept(epoll.register(handle));
    }

    @Override
    public void wakeup() {
        epoll.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return epoll.isCompatible(handleType);
    }

    /** A registration that never submits an empty interest set once its fd is in epoll. */
    private static final class Kept implements IoRegistration {

        private static final EpollIoOps IDLE = EpollIoOps.EPOLLET.with(EpollIoOps.EPOLLERR);

        private final IoRegistration registration;
        private boolean added;

        Kept(IoRegistration registration) {
            this.registration = registration;
        }

        @Override
        public <T> T attachment() {
            return registration.attachment();
        }

        @Override
        public synchronized long submit(IoOps ops) {
            if (added && ops instanceof EpollIoOps epollOps && epollOps.value() == 0) {
                return registration.submit(IDLE);
            }
            long submitted = registration.submit(ops);
            if (submitted > 0) {
                added = true;
            }
            return submitted;
        }

        @Override
        public boolean isValid() {
            return registration.isValid();
        }

        @Override
        public boolean cancel() {
            return registration.cancel();
        }
    }
}
