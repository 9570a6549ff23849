package dev.easel.engine.scheduler;

import dev.easel.engine.NoiseSource;

/**
 * Deterministic DDIM (Song et al. 2021, eq. 12 with η = 0); diffusers' DDIMScheduler with
 * {@code set_alpha_to_one=False} and no sample clipping.
 */
public final class DdimScheduler extends PlannedScheduler {

    private final TrainingSchedule schedule;
    private final String prediction;

    DdimScheduler(SchedulerConfig config) {
        this.schedule = TrainingSchedule.of(config);
        this.prediction = config.predictionType();
        if (!prediction.equals("epsilon") && !prediction.equals("v_prediction")) {
            throw new UnsupportedSchedulerException("ddim", "prediction type " + prediction + " is not supported");
        }
    }

    @Override
    public void setTimesteps(int steps) {
        timesteps = schedule.timesteps(steps);
    }

    @Override
    public Step step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        int t = (int) timesteps[i];
        // diffusers DDIMScheduler.step: prev_timestep = t − T // steps; ᾱ_prev = ᾱ_0 when it falls below 0
        int prev = t - schedule.trainSteps() / timesteps.length;
        double at = schedule.alphaCumprod(t);
        double aPrev = schedule.alphaCumprod(Math.max(prev, 0));
        double sqrtAt = Math.sqrt(at);
        double sqrt1mAt = Math.sqrt(1 - at);
        float[] x0;
        float[] eps;
        if (prediction.equals("epsilon")) {
            x0 = Tensors.axpby(1 / sqrtAt, sample, -sqrt1mAt / sqrtAt, modelOutput); // x0 = (x − √(1−ᾱ)ε)/√ᾱ
            eps = modelOutput;
        } else {
            x0 = Tensors.axpby(sqrtAt, sample, -sqrt1mAt, modelOutput); // v: x0 = √ᾱ·x − √(1−ᾱ)·v
            eps = Tensors.axpby(sqrt1mAt, sample, sqrtAt, modelOutput); //    ε = √(1−ᾱ)·x + √ᾱ·v
        }
        // x_prev = √ᾱ_prev·x0 + √(1−ᾱ_prev)·ε
        return new Step(Tensors.axpby(Math.sqrt(aPrev), x0, Math.sqrt(1 - aPrev), eps), x0);
    }

    @Override
    public float[] addNoise(float[] clean, float[] noise, int i) {
        // diffusers DDIMScheduler.add_noise: √ᾱ_t·x0 + √(1−ᾱ_t)·ε
        double a = schedule.alphaCumprod((int) timesteps[i]);
        return Tensors.axpby(Math.sqrt(a), clean, Math.sqrt(1 - a), noise);
    }
}
