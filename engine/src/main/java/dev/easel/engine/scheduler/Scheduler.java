package dev.easel.engine.scheduler;

import dev.easel.engine.NoiseSource;

/**
 * A diffusion sampler's math, after diffusers' scheduler classes: the timestep plan, the model-input
 * scaling and the update from one step to the next. Tensors are flat float arrays (NCHW); every
 * operation is element-wise, so the same instance serves a whole batch. Instances are stateful
 * (multistep solvers remember earlier predictions): use one per job.
 */
public interface Scheduler {

    /** Plans {@code steps} denoising steps over the training schedule; resets any multistep state. */
    void setTimesteps(int steps);

    /** Number of planned steps. */
    int steps();

    /** The value the denoiser receives as {@code timestep} at step {@code i}. */
    float timestep(int i);

    /** Standard deviation of the initial noise when sampling starts from pure noise. */
    float initNoiseSigma();

    /** The denoiser's input at step {@code i} (a new array; {@code sample} is not modified). */
    float[] scaleModelInput(float[] sample, int i);

    /**
     * Advances from step {@code i} to {@code i + 1} given the model output (what it predicts is set by
     * the configuration's prediction type). {@code noise} is drawn from only by stochastic samplers.
     */
    Step step(float[] modelOutput, int i, float[] sample, NoiseSource noise);

    /** Noises a clean latent to the level the sampler expects at step {@code i} (image-to-image start). */
    float[] addNoise(float[] clean, float[] noise, int i);

    /** The sample at the next step and the model's current estimate of the clean sample (the preview source). */
    record Step(float[] prevSample, float[] predOriginal) {
    }
}
