package dev.easel.engine.scheduler;

import dev.easel.engine.NoiseSource;

/**
 * Latent consistency sampling (Luo et al. 2023, algorithm 1); diffusers' LCMScheduler with
 * {@code original_inference_steps=50}, {@code timestep_scaling=10}, σ_data = 0.5. Each step predicts the
 * clean sample with the consistency boundary condition and re-noises it to the next timestep with fresh
 * noise (one draw per step except the last).
 */
public final class LcmScheduler extends PlannedScheduler {

    private static final int ORIGINAL_STEPS = 50;

    private final TrainingSchedule schedule;

    LcmScheduler(SchedulerConfig config) {
        this.schedule = TrainingSchedule.of(config);
        if (!config.predictionType().equals("epsilon")) {
            throw new UnsupportedSchedulerException("lcm", "prediction type " + config.predictionType() + " is not supported");
        }
    }

    @Override
    public void setTimesteps(int steps) {
        if (steps > ORIGINAL_STEPS) {
            throw new UnsupportedSchedulerException("lcm", "at most " + ORIGINAL_STEPS + " steps");
        }
        // diffusers LCMScheduler.set_timesteps: the 50-step skipping schedule, reversed, sampled at floor(linspace(0, 50, n))
        int k = schedule.trainSteps() / ORIGINAL_STEPS;
        timesteps = new double[steps];
        for (int i = 0; i < steps; i++) {
            int index = (int) Math.floor((double) i * ORIGINAL_STEPS / steps);
            timesteps[i] = (double) (ORIGINAL_STEPS - index) * k - 1;
        }
    }

    @Override
    public Step step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        int t = (int) timesteps[i];
        boolean last = i == timesteps.length - 1;
        double at = schedule.alphaCumprod(t);
        // diffusers LCMScheduler.get_scalings_for_boundary_condition_discrete
        double scaled = t * 10.0;
        double cSkip = 0.25 / (scaled * scaled + 0.25);
        double cOut = scaled / Math.sqrt(scaled * scaled + 0.25);
        float[] x0 = Tensors.axpby(1 / Math.sqrt(at), sample, -Math.sqrt(1 - at) / Math.sqrt(at), modelOutput);
        float[] denoised = Tensors.axpby(cOut, x0, cSkip, sample);
        if (last) {
            return new Step(denoised, denoised);
        }
        double aPrev = schedule.alphaCumprod((int) timesteps[i + 1]);
        float[] fresh = noise.gaussian(sample.length);
        return new Step(Tensors.axpby(Math.sqrt(aPrev), denoised, Math.sqrt(1 - aPrev), fresh), denoised);
    }

    @Override
    public float[] addNoise(float[] clean, float[] noise, int i) {
        double a = schedule.alphaCumprod((int) timesteps[i]);
        return Tensors.axpby(Math.sqrt(a), clean, Math.sqrt(1 - a), noise);
    }
}
