package dev.breakwater.dataplane.lb;

/** What a balancer may look at in a request: for hashing, a header, a cookie or the client's address. */
public interface PickContext {

    /** The first value of a header, or null. */
    String header(String name);

    /** The value of a cookie, or null. */
    String cookie(String name);

    String sourceIp();

    PickContext NONE = new PickContext() {
        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public String sourceIp() {
            return "";
        }
    };
}
