package dev.easel.engine.scheduler;

import dev.easel.engine.NoiseSource;

/**
 * DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++", algorithm 2, midpoint form); diffusers'
 * DPMSolverMultistepScheduler with {@code algorithm_type="dpmsolver++"}, {@code solver_order=2},
 * {@code lower_order_final=True}, {@code final_sigmas_type="zero"}. The Karras variant spaces σ by Karras
 * et al. 2022, eq. 5. Latents are in the variance-preserving scale: x = α_t·x0 + σ_t·ε with
 * α_t = 1/√(σ²+1), σ_t = σ·α_t.
 */
public final class DpmSolverMultistepScheduler extends PlannedScheduler {

    private final TrainingSchedule schedule;
    private final String prediction;
    private final boolean karras;
    private double[] sigmas;
    private float[] previousOriginal;
    private int lowerOrderSteps;

    DpmSolverMultistepScheduler(SchedulerConfig config, boolean karras) {
        this.schedule = TrainingSchedule.of(config);
        this.prediction = config.predictionType();
        this.karras = karras;
        if (!prediction.equals("epsilon") && !prediction.equals("v_prediction")) {
            throw new UnsupportedSchedulerException(karras ? "dpmpp_2m_karras" : "dpmpp_2m", "prediction type " + prediction + " is not supported");
        }
    }

    @Override
    public void setTimesteps(int steps) {
        sigmas = new double[steps + 1];
        if (karras) {
            // diffusers DPMSolverMultistepScheduler.set_timesteps: Karras σ's, timesteps = round(_sigma_to_t(σ))
            double[] ks = schedule.karrasSigmas(steps);
            timesteps = new double[steps];
            for (int i = 0; i < steps; i++) {
                sigmas[i] = ks[i];
                timesteps[i] = Math.rint(schedule.sigmaToT(ks[i]));
            }
        } else {
            timesteps = schedule.timesteps(steps);
            for (int i = 0; i < steps; i++) {
                sigmas[i] = schedule.sigmaAt(timesteps[i]);
            }
        }
        previousOriginal = null;
        lowerOrderSteps = 0;
    }

    /** diffusers _sigma_to_alpha_sigma_t: α = 1/√(σ²+1), σ_t = σ·α. */
    private static double alpha(double sigma) {
        return 1.0 / Math.sqrt(sigma * sigma + 1);
    }

    /** λ = log α − log σ_t, the half log-SNR. */
    private static double lambda(double sigma) {
        double a = alpha(sigma);
        return Math.log(a) - Math.log(sigma * a);
    }

    @Override
    public Step step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        double sigmaS = sigmas[i];
        double alphaS = alpha(sigmaS);
        double sigmaTs = sigmaS * alphaS;
        // diffusers convert_model_output (dpmsolver++): ε → x0 = (x − σ_t·ε)/α_t; v → x0 = α_t·x − σ_t·v
        float[] x0 = prediction.equals("epsilon")
                ? Tensors.axpby(1.0 / alphaS, sample, -sigmaTs / alphaS, modelOutput)
                : Tensors.axpby(alphaS, sample, -sigmaTs, modelOutput);
        double sigmaNext = sigmas[i + 1];
        float[] next;
        boolean last = i == timesteps.length - 1;
        if (sigmaNext == 0) {
            next = x0.clone(); // final σ 0: the first-order update reduces to x0 exactly
        } else {
            double alphaT = alpha(sigmaNext);
            double sigmaT = sigmaNext * alphaT;
            double h = lambda(sigmaNext) - lambda(sigmaS);
            double expm = Math.exp(-h) - 1.0;
            if (lowerOrderSteps < 1 || last || previousOriginal == null) {
                // diffusers dpm_solver_first_order_update: x_t = (σ_t/σ_s)·x − α_t(e^{−h} − 1)·x0
                next = Tensors.axpby(sigmaT / sigmaTs, sample, -alphaT * expm, x0);
            } else {
                // diffusers multistep_dpm_solver_second_order_update (midpoint): D0 = m0, D1 = (m0 − m1)/r0
                double h0 = lambda(sigmaS) - lambda(sigmas[i - 1]);
                double r0 = h0 / h;
                next = new float[sample.length];
                double cx = sigmaT / sigmaTs;
                double c0 = -alphaT * expm;
                double c1 = -0.5 * alphaT * expm / r0;
                for (int k = 0; k < next.length; k++) {
                    next[k] = (float) (cx * sample[k] + c0 * x0[k] + c1 * (x0[k] - previousOriginal[k]));
                }
            }
        }
        previousOriginal = x0;
        lowerOrderSteps = Math.min(lowerOrderSteps + 1, 2);
        return new Step(next, x0);
    }

    @Override
    public float[] addNoise(float[] clean, float[] noise, int i) {
        // diffusers DPMSolverMultistepScheduler.add_noise: α_t·x0 + σ_t·ε
        double a = alpha(sigmas[i]);
        return Tensors.axpby(a, clean, sigmas[i] * a, noise);
    }
}
