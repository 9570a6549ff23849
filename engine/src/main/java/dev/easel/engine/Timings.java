package dev.easel.engine;

import java.util.EnumMap;
import java.util.Map;

/**
 * Where one generation spent its time: wall time per stage and the time inside ONNX Runtime's
 * {@code run} calls, so the engine's own overhead (total minus session time) can be measured.
 */
public final class Timings {

    /** The parts of a generation. */
    public enum Stage { ENCODING, DENOISING, DECODING, IMAGE_OPS }

    private final Map<Stage, Long> wallNanos = new EnumMap<>(Stage.class);
    private final Map<Stage, Long> sessionNanos = new EnumMap<>(Stage.class);
    private long totalNanos;
    private int denoiserCalls;

    public void addWall(Stage stage, long nanos) {
        wallNanos.merge(stage, nanos, Long::sum);
    }

    public void addSession(Stage stage, long nanos) {
        sessionNanos.merge(stage, nanos, Long::sum);
        if (stage == Stage.DENOISING) {
            denoiserCalls++;
        }
    }

    public void setTotal(long nanos) {
        totalNanos = nanos;
    }

    public double wallMs(Stage stage) {
        return wallNanos.getOrDefault(stage, 0L) / 1e6;
    }

    public double sessionMs(Stage stage) {
        return sessionNanos.getOrDefault(stage, 0L) / 1e6;
    }

    public double sessionTotalMs() {
        return sessionNanos.values().stream().mapToLong(Long::longValue).sum() / 1e6;
    }

    public double totalMs() {
        return totalNanos / 1e6;
    }

    /** Total time not inside any stage: request validation, scheduler set-up, result assembly. */
    public double outsideStagesMs() {
        return (totalNanos - wallNanos.values().stream().mapToLong(Long::longValue).sum()) / 1e6;
    }

    public int denoiserCalls() {
        return denoiserCalls;
    }

    @Override
    public String toString() {
        return String.format("total %.1f ms (onnx %.1f ms): encode %.1f/%.1f, denoise %.1f/%.1f over %d calls, decode %.1f/%.1f, image ops %.1f",
                totalMs(), sessionTotalMs(), wallMs(Stage.ENCODING), sessionMs(Stage.ENCODING), wallMs(Stage.DENOISING),
                sessionMs(Stage.DENOISING), denoiserCalls, wallMs(Stage.DECODING), sessionMs(Stage.DECODING), wallMs(Stage.IMAGE_OPS));
    }
}
