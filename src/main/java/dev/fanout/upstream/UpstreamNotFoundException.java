package dev.fanout.upstream;

/** The upstream answered 404: each client wrapper decides what that means for its caller. */
public class UpstreamNotFoundException extends RuntimeException {

    public UpstreamNotFoundException(String upstream) {
        super(upstream + " has no such resource", null, false, false);
    }
}
