package dev.easel.engine.scheduler;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The discrete noise schedule a model was trained with (ᾱ_t for t = 0…T−1) and the conversions the
 * samplers share: inference timestep spacing, σ_t = √((1−ᾱ_t)/ᾱ_t), interpolation between them.
 */
final class TrainingSchedule {

    // Immutable once built and the same for every job of a model, so each config's schedule is computed once.
    private static final Map<SchedulerConfig, TrainingSchedule> BUILT = new ConcurrentHashMap<>();

    private final SchedulerConfig config;
    private final double[] alphasCumprod;
    private final double[] sigmas;
    private final double[] logSigmas;

    static TrainingSchedule of(SchedulerConfig config) {
        return BUILT.computeIfAbsent(config, TrainingSchedule::new);
    }

    private TrainingSchedule(SchedulerConfig config) {
        this.config = config;
        int n = config.numTrainTimesteps();
        double[] betas = betas(config);
        alphasCumprod = new double[n];
        double product = 1.0;
        for (int i = 0; i < n; i++) {
            product *= 1.0 - betas[i];
            alphasCumprod[i] = product;
        }
        sigmas = new double[n];
        logSigmas = new double[n];
        for (int i = 0; i < n; i++) {
            // diffusers EulerDiscreteScheduler.__init__: sigmas = ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5
            sigmas[i] = Math.sqrt((1 - alphasCumprod[i]) / alphasCumprod[i]);
            logSigmas[i] = Math.log(sigmas[i]);
        }
    }

    private static double[] betas(SchedulerConfig config) {
        int n = config.numTrainTimesteps();
        double[] betas = new double[n];
        switch (config.betaSchedule()) {
            case "linear" -> {
                // diffusers: torch.linspace(beta_start, beta_end, T, dtype=float32)
                for (int i = 0; i < n; i++) {
                    betas[i] = (float) linspace(config.betaStart(), config.betaEnd(), n, i);
                }
            }
            case "scaled_linear" -> {
                // diffusers: torch.linspace(beta_start**0.5, beta_end**0.5, T, dtype=float32) ** 2 (squared in float32)
                for (int i = 0; i < n; i++) {
                    float root = (float) linspace(Math.sqrt(config.betaStart()), Math.sqrt(config.betaEnd()), n, i);
                    betas[i] = root * root;
                }
            }
            case "squaredcos_cap_v2" -> {
                // diffusers betas_for_alpha_bar (Nichol & Dhariwal 2021, cosine schedule), max beta 0.999
                for (int i = 0; i < n; i++) {
                    double t1 = (double) i / n;
                    double t2 = (double) (i + 1) / n;
                    betas[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
                }
            }
            default -> throw new UnsupportedSchedulerException(config.className(), "unknown beta_schedule " + config.betaSchedule());
        }
        return betas;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** Element {@code i} of numpy's {@code linspace(start, stop, n)} (the last element is exactly {@code stop}). */
    static double linspace(double start, double stop, int n, int i) {
        if (n == 1) {
            return start;
        }
        return i == n - 1 ? stop : start + i * ((stop - start) / (n - 1));
    }

    String timestepsSpacing() {
        return config.timestepSpacing();
    }

    int trainSteps() {
        return config.numTrainTimesteps();
    }

    double alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /**
     * The inference timesteps for {@code steps} steps, high to low, as diffusers' Euler/DPM/DDIM
     * {@code set_timesteps} spaces them ("leading", "trailing", "linspace"; numpy's round-half-even).
     */
    double[] timesteps(int steps) {
        int t = trainSteps();
        double[] out = new double[steps];
        switch (config.timestepSpacing()) {
            case "linspace" -> {
                // np.linspace(0, T - 1, n)[::-1]
                for (int i = 0; i < steps; i++) {
                    out[i] = linspace(0, t - 1, steps, steps - 1 - i);
                }
            }
            case "leading" -> {
                // (np.arange(0, n) * (T // n)).round()[::-1] + steps_offset
                int ratio = t / steps;
                for (int i = 0; i < steps; i++) {
                    out[i] = (double) (steps - 1 - i) * ratio + config.stepsOffset();
                }
            }
            case "trailing" -> {
                // np.round(np.arange(T, 0, -T / n)) - 1
                double ratio = (double) t / steps;
                for (int i = 0; i < steps; i++) {
                    out[i] = Math.rint(t - i * ratio) - 1;
                }
            }
            default -> throw new UnsupportedSchedulerException(config.className(), "unknown timestep_spacing " + config.timestepSpacing());
        }
        return out;
    }

    /** σ at a (possibly fractional) timestep by linear interpolation, as np.interp(t, arange(T), sigmas). */
    double sigmaAt(double timestep) {
        if (timestep <= 0) {
            return sigmas[0];
        }
        if (timestep >= sigmas.length - 1) {
            return sigmas[sigmas.length - 1];
        }
        int low = (int) Math.floor(timestep);
        double w = timestep - low;
        return sigmas[low] * (1 - w) + sigmas[low + 1] * w;
    }

    double sigmaMin() {
        return sigmas[0];
    }

    double sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    /** diffusers EulerDiscreteScheduler._sigma_to_t: the fractional timestep of σ, interpolated in log σ. */
    double sigmaToT(double sigma) {
        double logSigma = Math.log(Math.max(sigma, 1e-10));
        int low = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) {
                low = i;
            }
        }
        low = Math.min(low, logSigmas.length - 2);
        double lo = logSigmas[low];
        double hi = logSigmas[low + 1];
        double w = Math.clamp((lo - logSigma) / (lo - hi), 0, 1);
        return (1 - w) * low + w * (low + 1);
    }

    /** Karras et al. 2022, eq. 5 (diffusers _convert_to_karras, ρ = 7): n σ's from σ_max down to σ_min. */
    double[] karrasSigmas(int steps) {
        double rho = 7.0;
        double minInv = Math.pow(sigmaMin(), 1 / rho);
        double maxInv = Math.pow(sigmaMax(), 1 / rho);
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            double ramp = linspace(0, 1, steps, i);
            out[i] = Math.pow(maxInv + ramp * (minInv - maxInv), rho);
        }
        return out;
    }
}
