package dev.patchmem.eval;

/** Receives the progress of a long distance job. */
@FunctionalInterface
public interface Progress {

    /** No reporting. */
    Progress NONE = (done, total, seconds) -> { };

    /**
     * @param done    sample-training pairs compared so far
     * @param total   pairs to compare in all
     * @param seconds wall time since the job started
     */
    void update(long done, long total, double seconds);
}
