package dev.easel.engine.model;

import dev.easel.engine.Timings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The text encoder's output for recently used prompts, keyed by the encoder's input (the prompt's token ids), so
 * that re-rolls of a prompt with new seeds, and the empty negative prompt of almost every job, skip the encoder.
 * Keying by tokens rather than by text keeps the output exactly what the encoder would give: two prompts share an
 * entry only when the encoder cannot tell them apart. Least recently used entries leave first; safe for
 * concurrent jobs.
 */
public final class PromptEncodings {

    private final TextEncoder encoder;
    private final int capacity;
    private final Map<Tokens, TextEncoder.Encoded> recent;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** @param capacity prompts kept; 0 turns the cache off */
    public PromptEncodings(TextEncoder encoder, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0");
        }
        this.encoder = encoder;
        this.capacity = capacity;
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Tokens, TextEncoder.Encoded> eldest) {
                return size() > PromptEncodings.this.capacity;
            }
        };
    }

    /**
     * Each prompt's encoder output (a batch of one each, in order), running the encoder once for the prompts not
     * seen recently.
     */
    public List<TextEncoder.Encoded> encode(List<String> prompts, Timings timings) {
        if (capacity == 0) {
            misses.addAndGet(prompts.size());
            TextEncoder.Encoded encoded = encoder.encode(prompts, timings);
            return IntStream.range(0, prompts.size()).mapToObj(encoded::row).toList();
        }
        List<Tokens> keys = prompts.stream().map(p -> new Tokens(encoder.tokens(p))).toList();
        TextEncoder.Encoded[] rows = new TextEncoder.Encoded[prompts.size()];
        List<Tokens> missing = new ArrayList<>();
        synchronized (recent) {
            for (int i = 0; i < prompts.size(); i++) {
                rows[i] = recent.get(keys.get(i));
                if (rows[i] == null && !missing.contains(keys.get(i))) {
                    missing.add(keys.get(i));
                }
            }
        }
        if (!missing.isEmpty()) {
            TextEncoder.Encoded encoded = encoder.encodeTokens(missing.stream().map(Tokens::ids).toList(), timings);
            synchronized (recent) {
                for (int m = 0; m < missing.size(); m++) {
                    recent.put(missing.get(m), encoded.row(m));
                }
                for (int i = 0; i < rows.length; i++) {
                    if (rows[i] == null) {
                        rows[i] = encoded.row(missing.indexOf(keys.get(i)));
                    }
                }
            }
        }
        long found = prompts.size() - missing.size();
        hits.addAndGet(found);
        misses.addAndGet(missing.size());
        return List.of(rows);
    }

    /** Prompts answered from the cache since the start. */
    public long hits() {
        return hits.get();
    }

    /** Prompts the encoder had to run for since the start. */
    public long misses() {
        return misses.get();
    }

    /** Token ids compared by content, as a map key. */
    private record Tokens(long[] ids) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Tokens that && Arrays.equals(ids, that.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return Arrays.toString(ids);
        }
    }
}
