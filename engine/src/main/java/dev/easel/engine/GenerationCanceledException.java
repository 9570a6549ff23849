package dev.easel.engine;

/** The job was cancelled between two denoising steps. */
public class GenerationCanceledException extends EngineException {

    public GenerationCanceledException(int step) {
        super("canceled", "canceled before step " + step, false, null);
    }
}
