package dev.easel.gateway.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The order of the backlog as last read, kept small: every {@code stride}-th queued job (by creation time, then
 * id), at most {@value #MAX_SAMPLES} of them. A queued job's position is read from it by binary search, exact while
 * the backlog is under {@value #MAX_SAMPLES} jobs and within one stride of the truth beyond, instead of counting the
 * jobs ahead of it in the database at every read of the job.
 */
public final class QueueSnapshot {

    /** Most jobs kept: a backlog of any size costs a few tens of kilobytes. */
    static final int MAX_SAMPLES = 4096;

    /** Before any read of the backlog: nothing queued. */
    static final QueueSnapshot EMPTY = new QueueSnapshot(List.of(), 1, 0);

    private final List<Sample> samples;
    private final int stride;
    private final long size;

    private QueueSnapshot(List<Sample> samples, int stride, long size) {
        this.samples = samples;
        this.stride = stride;
        this.size = size;
    }

    /** One queued job of the sample, by creation time and id (the order the position counts in). */
    record Sample(Instant createdAt, UUID id) implements Comparable<Sample> {
        @Override
        public int compareTo(Sample other) {
            int byTime = createdAt.compareTo(other.createdAt);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    /** Collects the backlog read in queue order; thins itself to every second sample when it grows too large. */
    static final class Builder {
        private List<Sample> samples = new ArrayList<>();
        private int stride = 1;
        private long seen;

        Builder add(Instant createdAt, UUID id) {
            if (seen++ % stride == 0) {
                samples.add(new Sample(createdAt, id));
                if (samples.size() == MAX_SAMPLES) {
                    List<Sample> thinned = new ArrayList<>(MAX_SAMPLES / 2);
                    for (int i = 0; i < samples.size(); i += 2) {
                        thinned.add(samples.get(i));
                    }
                    samples = thinned;
                    stride *= 2;
                }
            }
            return this;
        }

        QueueSnapshot build() {
            return new QueueSnapshot(List.copyOf(samples), stride, seen);
        }
    }

    /** Jobs in the backlog when it was read. */
    public long size() {
        return size;
    }

    /**
     * Queued jobs ahead of the job created at {@code createdAt} with {@code id}: the sampled jobs before it times the
     * stride (a job queued after the read has the whole backlog ahead of it).
     */
    public long position(Instant createdAt, UUID id) {
        Sample job = new Sample(createdAt, id);
        int low = 0;
        int high = samples.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (samples.get(middle).compareTo(job) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return Math.min(size, (long) low * stride);
    }
}
