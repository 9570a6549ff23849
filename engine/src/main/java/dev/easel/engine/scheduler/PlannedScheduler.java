package dev.easel.engine.scheduler;

/**
 * What the schedulers share: the timestep plan that {@link #setTimesteps} fills, and the defaults of samplers
 * whose latents are not scaled by σ (initial noise of unit variance, model input = sample).
 */
abstract class PlannedScheduler implements Scheduler {

    /** The denoiser's timestep at each planned step; set by {@link #setTimesteps}. */
    protected double[] timesteps;

    @Override
    public int steps() {
        return timesteps.length;
    }

    @Override
    public float timestep(int i) {
        return (float) timesteps[i];
    }

    @Override
    public float initNoiseSigma() {
        return 1f;
    }

    @Override
    public float[] scaleModelInput(float[] sample, int i) {
        return sample.clone();
    }
}
